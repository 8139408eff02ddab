import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { type ActionResult, ConflictError, type ExecutionState, ValidationError, isFinal, timersOf, wakesDispatcher } from '@autoflow/core';
import type { Entity, ExecutionRecord, ExecutionStore, NewExecution, StoredFlow, TriggerSnapshot } from '@autoflow/engine';
import { executionKeys as K } from '../tables/keys';
import type { CapacityMeter } from './CapacityMeter';
import { batchGetAll, isConditionFailure, unmarshallMaybe } from './documentClient';

/** Stored as attributes of the state item; org and execution id are read back from its key. */
const STATE_FIELDS = ['flow_id', 'entity_id', 'status', 'created_at', 'updated_at', 'seq', 'cur', 'lease_until', 'stop_after', 'parked', 'acts', 'reason', 'held'] as const;

/** The executions table (see tables/TableDefinition.ts for the item collection). */
export class DynamoExecutionStore implements ExecutionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meter?: CapacityMeter,
  ) {}

  private get rcc() {
    return this.meter ? ({ ReturnConsumedCapacity: 'INDEXES' } as const) : {};
  }

  /** The stored state item: the state plus the keys of the indexes it belongs to. */
  stateItem(state: ExecutionState): Record<string, unknown> {
    const item: Record<string, unknown> = { ...K.state(state.org_id, state.execution_id) };
    for (const f of STATE_FIELDS) if (state[f] !== undefined) item[f] = state[f];
    // The dispatcher's stream filter selects on it (DISPATCHER_STREAM_FILTER).
    item.wake = wakesDispatcher(state);
    item.created_sk = K.createdSk(state.created_at, state.execution_id);
    item.org_pk = K.orgPk(state.org_id);
    if (state.entity_id) item.entity_pk = K.entityPk(state.org_id, state.entity_id);
    // The sweeper's view: unfinished executions, except those waiting on a timer, which wake by
    // it and cost nothing while they wait (a million two-week waits are never read per minute).
    if (!isFinal(state.status) && timersOf(state).length === 0) {
      item.active_pk = K.activePk(shardOf(state.execution_id));
    }
    return item;
  }

  /** The items an execution is created with besides its state (flow, entity and trigger snapshots). */
  snapshotItems(input: NewExecution): Record<string, unknown>[] {
    const { org_id: org, execution_id: id } = input.state;
    return [
      { ...K.flow(org, id), kind: 'flow', flow: input.flow },
      ...(input.entity ? [{ ...K.entity(org, id), kind: 'entity', entity: input.entity }] : []),
      { ...K.trigger(org, id), kind: 'trigger', trigger: input.trigger },
    ];
  }

  async create(input: NewExecution): Promise<'created' | 'exists'> {
    const { state } = input;
    // Snapshot items first, in one call: the state item's stream record wakes the dispatcher, which reads them.
    await this.putAll('create.snapshots', this.snapshotItems(input));
    try {
      await this.put('create.state', this.stateItem(state), 'attribute_not_exists(pk)');
      return 'created';
    } catch (err) {
      if (isConditionFailure(err)) return 'exists';
      throw err;
    }
  }

  async getState(orgId: string, executionId: string): Promise<ExecutionState | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.state(orgId, executionId), ConsistentRead: true, ...this.rcc }));
    this.meter?.record('getState', out.ConsumedCapacity, 'read');
    return out.Item ? stateFromItem(out.Item) : undefined;
  }

  async load(orgId: string, executionId: string): Promise<ExecutionRecord | undefined> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': K.collection(orgId, executionId) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          ...this.rcc,
        }),
      );
      this.meter?.record('load', out.ConsumedCapacity, 'read');
      items.push(...((out.Items ?? []) as Record<string, unknown>[]));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    const state = items.find((i) => i.sk === 'STATE');
    const flow = items.find((i) => i.sk === 'FLOW');
    if (!state || !flow) return undefined;
    const entity = items.find((i) => i.sk === 'ENTITY')?.entity as Entity | undefined;
    const trigger = items.find((i) => i.sk === 'TRIGGER')?.trigger as TriggerSnapshot | undefined;
    return {
      state: stateFromItem(state),
      flow: flow.flow as StoredFlow,
      ...(entity ? { entity } : {}),
      ...(trigger ? { trigger } : {}),
      results: items.filter((i) => String(i.sk).startsWith(K.resultPrefix)).map((i) => i.result as ActionResult),
    };
  }

  async writeState(next: ExecutionState, expectSeq: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.stateItem(next),
          ConditionExpression: 'seq = :expect',
          ExpressionAttributeValues: { ':expect': expectSeq },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...this.rcc,
        }),
      ).then((out) => this.meter?.record(isFinal(next.status) ? 'writeState.final' : 'writeState', out.ConsumedCapacity, 'write'));
    } catch (err) {
      if (isConditionFailure(err)) {
        const item = (err as { Item?: Record<string, never> }).Item;
        throw new ConflictError(`execution ${next.execution_id} changed (expected seq ${expectSeq})`, item ? stateFromItem(unmarshallMaybe(item)) : undefined);
      }
      throw err;
    }
  }

  async putResult(orgId: string, executionId: string, result: ActionResult, claimedSeq?: number): Promise<'created' | 'exists'> {
    try {
      const item = { ...K.result(orgId, executionId, result.index, result.attempt), result, ...(claimedSeq !== undefined ? { claimed_seq: claimedSeq } : {}) };
      await this.put('putResult', item, 'attribute_not_exists(pk)');
      return 'created';
    } catch (err) {
      if (isConditionFailure(err)) return 'exists';
      throw err;
    }
  }

  async getResult(orgId: string, executionId: string, index: number, attempt: number): Promise<ActionResult | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.result(orgId, executionId, index, attempt), ConsistentRead: true }));
    return out.Item?.result as ActionResult | undefined;
  }

  async *listActive(): AsyncIterable<{ org_id: string; execution_id: string }> {
    for (let shard = 0; shard < K.activeShards; shard++) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'active',
            KeyConditionExpression: 'active_pk = :p',
            ExpressionAttributeValues: { ':p': K.activePk(shard) },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of out.Items ?? []) {
          const ref = K.parseCollection(String(item.pk));
          if (ref) yield { org_id: ref.org, execution_id: ref.executionId };
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey);
    }
  }

  async listByEntity(orgId: string, entityId: string, limit = 50): Promise<ExecutionState[]> {
    return this.batchGetStates(await this.entityKeys(orgId, entityId, limit));
  }

  async pageByEntity(orgId: string, entityId: string, page: { from: number; size: number }): Promise<{ total: number; states: ExecutionState[] }> {
    // The index is KEYS_ONLY: reading all of an entity's keys is cheap, and gives the total.
    const keys = await this.entityKeys(orgId, entityId);
    return { total: keys.length, states: await this.batchGetStates(keys.slice(page.from, page.from + page.size)) };
  }

  /** Keys of an entity's executions, newest first (all of them, or the first `limit`). */
  private async entityKeys(orgId: string, entityId: string, limit?: number): Promise<Array<{ pk: string; sk: string }>> {
    const keys: Array<{ pk: string; sk: string }> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byEntity',
          KeyConditionExpression: 'entity_pk = :p',
          ExpressionAttributeValues: { ':p': K.entityPk(orgId, entityId) },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
          ...(limit !== undefined ? { Limit: limit - keys.length } : {}),
        }),
      );
      keys.push(...(out.Items ?? []).map((i) => ({ pk: String(i.pk), sk: String(i.sk) })));
      startKey = out.LastEvaluatedKey;
    } while (startKey && (limit === undefined || keys.length < limit));
    return keys;
  }

  async searchByOrg(orgId: string, page: { size: number; cursor?: string }): Promise<{ states: ExecutionState[]; cursor?: string }> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'byOrg',
        KeyConditionExpression: 'org_pk = :p',
        ExpressionAttributeValues: { ':p': K.orgPk(orgId) },
        ScanIndexForward: false,
        Limit: page.size,
        ...(page.cursor !== undefined ? { ExclusiveStartKey: decodeOrgCursor(page.cursor, orgId) } : {}),
      }),
    );
    const states = await this.batchGetStates((out.Items ?? []).map((i) => ({ pk: String(i.pk), sk: String(i.sk) })));
    return { states, ...(out.LastEvaluatedKey ? { cursor: Buffer.from(JSON.stringify(out.LastEvaluatedKey)).toString('base64url') } : {}) };
  }

  async getStates(orgId: string, executionIds: readonly string[]): Promise<ExecutionState[]> {
    return this.batchGetStates(executionIds.map((id) => K.state(orgId, id)));
  }

  async batchGetStates(keys: Array<{ pk: string; sk: string }>): Promise<ExecutionState[]> {
    const byPk = new Map((await batchGetAll(this.db, this.tableName, keys)).map((item) => [String(item.pk), stateFromItem(item)]));
    return keys.map((k) => byPk.get(k.pk)).filter((s): s is ExecutionState => s !== undefined);
  }

  /** Unconditional puts in one BatchWriteItem (25 at most), retrying unprocessed items. */
  private async putAll(label: string, items: Record<string, unknown>[]): Promise<void> {
    let request: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> | undefined = {
      [this.tableName]: items.map((Item) => ({ PutRequest: { Item } })),
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
      const out = await this.db.send(new BatchWriteCommand({ RequestItems: request, ...this.rcc }));
      this.meter?.record(label, out.ConsumedCapacity, 'write');
      request = out.UnprocessedItems as typeof request;
    }
  }

  private async put(label: string, item: Record<string, unknown>, condition?: string): Promise<void> {
    const out = await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: item, ...(condition ? { ConditionExpression: condition } : {}), ...this.rcc }),
    );
    this.meter?.record(label, out.ConsumedCapacity, 'write');
  }
}

/** The state a stored state item holds (a stream image in document form, a GetItem's item). */
export function stateFromItem(item: Record<string, unknown>): ExecutionState {
  const ref = K.parseCollection(String(item.pk));
  const state: Record<string, unknown> = { org_id: ref?.org, execution_id: ref?.executionId };
  for (const f of STATE_FIELDS) if (item[f] !== undefined) state[f] = item[f];
  return state as unknown as ExecutionState;
}

/**
 * A `byOrg` cursor is the base64url JSON of the index's LastEvaluatedKey. Anything else — not
 * one, or one of another org's partition — is refused before it reaches DynamoDB.
 */
function decodeOrgCursor(cursor: string, orgId: string): Record<string, string> {
  const invalid = (): ValidationError => new ValidationError('invalid cursor', [{ path: 'cursor', message: 'is not a cursor returned by a search of this org' }]);
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid();
  const { pk, sk, org_pk, created_sk, ...rest } = key as Record<string, unknown>;
  if (Object.keys(rest).length > 0 || typeof pk !== 'string' || typeof sk !== 'string' || typeof created_sk !== 'string') throw invalid();
  if (org_pk !== K.orgPk(orgId) || K.parseCollection(pk)?.org !== orgId || sk !== 'STATE') throw invalid();
  return { pk, sk, org_pk, created_sk };
}


export function shardOf(executionId: string): number {
  let h = 0;
  for (let i = 0; i < executionId.length; i++) h = (h * 31 + executionId.charCodeAt(i)) | 0;
  return Math.abs(h) % K.activeShards;
}
