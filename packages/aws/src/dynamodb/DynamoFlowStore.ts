import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { flowIndexKeys } from '@autoflow/core';
import { type Clock, type FlowSearchQuery, type FlowStore, type StoredFlow, compareFlowsNewestFirst, matchesFlowSearch } from '@autoflow/engine';
import { controlKeys as K } from '../tables/keys';
import type { CapacityMeter } from './CapacityMeter';
import { batchGetAll, isConditionFailure } from './documentClient';

const indexKeysOf = (flow: StoredFlow): string[] => flowIndexKeys(flow as unknown as Parameters<typeof flowIndexKeys>[0]);

/**
 * Flows in the control table, plus one trigger-index item per (flow, index key) so that the
 * listener finds candidate flows with a few key lookups, whatever the number of flows. A flow
 * is also filed under the keys of the events its exit_on rules and wait steps listen to.
 * Index items are written before the flow and stale ones removed after it: the index may
 * briefly name a flow that no longer matches (matching re-checks the flow itself), but never
 * misses one that does. Every change then moves the org's flow-set version, which tells the
 * listener's memory of candidates that it is stale.
 */
export class DynamoFlowStore implements FlowStore {
  private readonly listeners: Array<(orgId: string) => void> = [];

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
    private readonly meter?: CapacityMeter,
  ) {}

  async catalogVersion(orgId: string): Promise<number> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.flowSetVersion(orgId) }));
    return typeof out.Item?.v === 'number' ? out.Item.v : 0;
  }

  onChange(listener: (orgId: string) => void): void {
    this.listeners.push(listener);
  }

  /** After a change to the org's flows: a new flow-set version, and in-process listeners told. */
  private async changed(orgId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({ TableName: this.tableName, Key: K.flowSetVersion(orgId), UpdateExpression: 'ADD v :one', ExpressionAttributeValues: { ':one': 1 } }),
    );
    for (const listener of this.listeners) listener(orgId);
  }

  async get(orgId: string, flowId: string): Promise<StoredFlow | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.flow(orgId, flowId), ConsistentRead: true }));
    return out.Item?.flow as StoredFlow | undefined;
  }

  async put(input: StoredFlow): Promise<StoredFlow> {
    const now = new Date(this.clock.now()).toISOString();
    const id = input.id || randomUUID();
    const previous = input.id ? await this.get(input.org_id, id) : undefined;
    const { disable_details: previousDetails, ...rest } = input as StoredFlow & { disable_details?: unknown };
    const flow: StoredFlow = {
      ...rest,
      // Saving a flow enabled clears a system disable; saving it disabled keeps the reason given.
      ...(input.enabled === false && previousDetails ? { disable_details: previousDetails } : {}),
      id,
      enabled: input.enabled ?? true,
      actions: input.actions.map((a) => ({ ...a, id: a.id || randomUUID() })),
      version: (previous?.version ?? 0) + 1,
      created_at: (previous?.created_at as string | undefined) ?? now,
      updated_at: now,
      runs: (previous?.runs as number | undefined) ?? 0,
    };
    const keys = indexKeysOf(flow);
    await Promise.all(keys.map((key) => this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...K.triggerIndex(flow.org_id, key, id), flow_id: id } }))));
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...K.flow(flow.org_id, id), kind: 'flow', flow } }));
    const stale = previous ? indexKeysOf(previous).filter((k) => !keys.includes(k)) : [];
    await Promise.all(stale.map((key) => this.db.send(new DeleteCommand({ TableName: this.tableName, Key: K.triggerIndex(flow.org_id, key, id) }))));
    await this.changed(flow.org_id);
    return flow;
  }

  async delete(orgId: string, flowId: string): Promise<boolean> {
    const previous = await this.get(orgId, flowId);
    if (!previous) return false;
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: K.flow(orgId, flowId) }));
    await Promise.all(indexKeysOf(previous).map((key) => this.db.send(new DeleteCommand({ TableName: this.tableName, Key: K.triggerIndex(orgId, key, flowId) }))));
    await this.changed(orgId);
    return true;
  }

  async list(orgId: string): Promise<StoredFlow[]> {
    const flows: StoredFlow[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': K.orgPk(orgId), ':prefix': K.flowPrefix },
          ExclusiveStartKey: startKey,
        }),
      );
      flows.push(...(out.Items ?? []).map((i) => i.flow as StoredFlow));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return flows;
  }

  async candidates(orgId: string, indexKeys: readonly string[], options: { consistent?: boolean } = {}): Promise<StoredFlow[]> {
    const ids = new Set<string>();
    await Promise.all(
      indexKeys.map(async (key) => {
        let startKey: Record<string, unknown> | undefined;
        do {
          const out = await this.db.send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': K.triggerIndexPk(orgId, key) },
              ExclusiveStartKey: startKey,
              ...(options.consistent ? { ConsistentRead: true } : {}),
              ...(this.meter ? { ReturnConsumedCapacity: 'TOTAL' as const } : {}),
            }),
          );
          this.meter?.record('candidates', out.ConsumedCapacity, 'read');
          for (const item of out.Items ?? []) ids.add(String(item.flow_id));
          startKey = out.LastEvaluatedKey;
        } while (startKey);
      }),
    );
    return this.batchGet(orgId, [...ids], options);
  }

  async search(orgId: string, query: FlowSearchQuery): Promise<{ total: number; results: StoredFlow[] }> {
    // One query of the org's own partition; the API's filters are applied to its flows.
    const matching = (await this.list(orgId)).filter((flow) => matchesFlowSearch(flow, query)).sort(compareFlowsNewestFirst);
    return { total: matching.length, results: matching.slice(query.from, query.from + query.size) };
  }

  async batchGet(orgId: string, ids: readonly string[], options: { consistent?: boolean } = {}): Promise<StoredFlow[]> {
    const items = await batchGetAll(this.db, this.tableName, ids.map((id) => K.flow(orgId, id)), options);
    return items.map((item) => item.flow as StoredFlow);
  }

  async disableBySystem(orgId: string, flowId: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: K.flow(orgId, flowId),
          UpdateExpression: 'SET #flow.#enabled = :false, #flow.#details = :details',
          ConditionExpression: 'attribute_exists(pk) AND #flow.#enabled <> :false',
          ExpressionAttributeNames: { '#flow': 'flow', '#enabled': 'enabled', '#details': 'disable_details' },
          ExpressionAttributeValues: { ':false': false, ':details': { disabled_at: at, disabled_by: 'system' } },
        }),
      );
      await this.changed(orgId);
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async incrementRuns(orgId: string, flowId: string, by = 1): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: K.flow(orgId, flowId),
          UpdateExpression: 'ADD #flow.#runs :by',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#flow': 'flow', '#runs': 'runs' },
          ExpressionAttributeValues: { ':by': by },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err; // the flow was deleted meanwhile
    }
  }
}
