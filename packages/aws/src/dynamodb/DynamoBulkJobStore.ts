import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, ValidationError } from '@autoflow/core';
import {
  type BulkEntityProgress,
  type BulkJob,
  type BulkJobChange,
  type BulkJobStore,
  type BulkPageRecord,
  type BulkStartEntry,
  STARTING_BULK_STATUSES,
} from '@autoflow/engine';
import { bulkKeys as K } from '../tables/keys';
import type { DynamoExecutionStore } from './DynamoExecutionStore';
import { batchGetAll, batchWriteAll, isConditionFailure, unmarshallMaybe } from './documentClient';

const KEY_ATTRS = ['pk', 'sk', 'callback_token'] as const;

/**
 * Bulk jobs in the control table. The job item carries the job's fields as attributes, so its
 * status and approval token can be named in conditions; a row per entity records what the
 * entity got. Executions are started in transactions that also check the job's status and put
 * the entity's row, so a cancelled job starts nothing more and no entity is started twice.
 */
export class DynamoBulkJobStore implements BulkJobStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { control: string; executions: string },
    private readonly executions: DynamoExecutionStore,
  ) {}

  async create(job: BulkJob): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tables.control, Item: { ...K.job(job.org_id, job.job_id), ...job }, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (err) {
      if (isConditionFailure(err)) throw new ConflictError(`bulk job ${job.job_id} exists`);
      throw err;
    }
  }

  async get(orgId: string, jobId: string): Promise<BulkJob | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tables.control, Key: K.job(orgId, jobId), ConsistentRead: true }));
    return out.Item ? toJob(out.Item) : undefined;
  }

  async transition(orgId: string, jobId: string, change: BulkJobChange): Promise<{ before: BulkJob; after: BulkJob; callbackToken?: string }> {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = {};
    const sets = Object.entries(change.set).map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    const from = change.from.map((status, i) => {
      values[`:s${i}`] = status;
      return `:s${i}`;
    });
    let condition = `#status IN (${from.join(', ')})`;
    if (change.token !== undefined) {
      condition += ' AND task_token = :token';
      values[':token'] = change.token;
    }
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tables.control,
          Key: K.job(orgId, jobId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND ${condition}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const before = toJob(out.Attributes!);
      const callbackToken = out.Attributes?.callback_token as string | undefined;
      return { before, after: { ...before, ...change.set }, ...(callbackToken ? { callbackToken } : {}) };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const item = (err as { Item?: Record<string, unknown> }).Item;
      throw new ConflictError(`bulk job ${jobId} is not in ${change.from.join(' or ')}`, item ? toJob(unmarshallMaybe(item)) : undefined);
    }
  }

  async setCallbackToken(orgId: string, jobId: string, callbackToken: string): Promise<BulkJob> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tables.control,
        Key: K.job(orgId, jobId),
        UpdateExpression: 'SET callback_token = :t',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':t': callbackToken },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toJob(out.Attributes!);
  }

  async recordPage(orgId: string, jobId: string, page: BulkPageRecord): Promise<boolean> {
    const names: Record<string, string> = { '#status': 'status', '#progress': 'progress', '#started': 'started' };
    const values: Record<string, unknown> = { ':p': page.pagination_state, ':s': page.status, ':n': page.started, ':at': new Date().toISOString() };
    const adds = ['#progress.#started :n'];
    Object.entries(page.suppressed).forEach(([reason, n], i) => {
      names['#suppressed'] = 'suppressed';
      names[`#r${i}`] = reason;
      values[`:r${i}`] = n;
      adds.push(`#progress.#suppressed.#r${i} :r${i}`);
    });
    STARTING_BULK_STATUSES.forEach((status, i) => (values[`:from${i}`] = status));
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tables.control,
          Key: K.job(orgId, jobId),
          UpdateExpression: `SET pagination_state = :p, #status = :s, updated_at = :at ADD ${adds.join(', ')}`,
          ConditionExpression: `#status IN (${STARTING_BULK_STATUSES.map((_, i) => `:from${i}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async existingProgress(orgId: string, jobId: string, entityIds: readonly string[]): Promise<Set<string>> {
    const keys = [...new Set(entityIds)].map((id) => K.entity(orgId, jobId, id));
    const items = await batchGetAll(this.db, this.tables.control, keys);
    return new Set(items.map((i) => String(i.entity_id)));
  }

  async startEntities(orgId: string, jobId: string, entries: readonly BulkStartEntry[]): Promise<{ started: string[]; existing: string[]; halted: boolean }> {
    const existing: string[] = [];
    // an entity listed twice in one chunk would be two writes of one item in a transaction
    let pending: BulkStartEntry[] = [];
    const seen = new Set<string>();
    for (const entry of entries) {
      if (seen.has(entry.progress.entity_id)) existing.push(entry.progress.entity_id);
      else {
        seen.add(entry.progress.entity_id);
        pending.push(entry);
      }
    }
    if (pending.length === 0) return { started: [], existing, halted: false };
    // Snapshots first (the state item's stream record wakes the dispatcher, which reads them).
    await batchWriteAll(this.db, this.tables.executions, pending.flatMap((e) => (e.execution ? this.executions.snapshotItems(e.execution) : [])));
    for (;;) {
      const { items, owners } = this.transactionItems(orgId, jobId, pending);
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return { started: pending.map((e) => e.progress.entity_id), existing, halted: false };
      } catch (err) {
        const reasons = (err as { name?: string; CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
        if ((err as { name?: string }).name !== 'TransactionCanceledException' || !reasons) throw err;
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return { started: [], existing, halted: true };
        const refused = new Set<string>();
        reasons.forEach((r, i) => {
          if (r.Code === 'ConditionalCheckFailed' && owners[i]) refused.add(owners[i]!);
        });
        // anything else (a conflict with a concurrent transaction, throttling) is retried by the caller's step
        if (refused.size === 0) throw err;
        existing.push(...refused);
        pending = pending.filter((e) => !refused.has(e.progress.entity_id));
        if (pending.length === 0) return { started: [], existing, halted: false };
      }
    }
  }

  async pageProgress(orgId: string, jobId: string, page: { size: number; cursor?: string }): Promise<{ items: BulkEntityProgress[]; cursor?: string }> {
    const pk = K.collection(orgId, jobId);
    if (page.cursor !== undefined && !/^[\w.:-]{1,512}$/.test(page.cursor)) {
      throw new ValidationError('invalid cursor', [{ path: 'cursor', message: 'is not a cursor of this job' }]);
    }
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tables.control,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': K.entityPrefix },
        Limit: page.size,
        ConsistentRead: true,
        ...(page.cursor !== undefined ? { ExclusiveStartKey: K.entity(orgId, jobId, Buffer.from(page.cursor, 'base64url').toString('utf8')) } : {}),
      }),
    );
    const items = (out.Items ?? []).map(toProgress);
    const last = out.LastEvaluatedKey ? String(out.LastEvaluatedKey.sk).slice(K.entityPrefix.length) : undefined;
    return { items, ...(last !== undefined ? { cursor: Buffer.from(last).toString('base64url') } : {}) };
  }

  /** The job's status check, then each entity's row and its execution's state item; `owners[i]` is the entity of item i. */
  private transactionItems(orgId: string, jobId: string, entries: readonly BulkStartEntry[]) {
    const values: Record<string, unknown> = {};
    STARTING_BULK_STATUSES.forEach((status, i) => (values[`:s${i}`] = status));
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        ConditionCheck: {
          TableName: this.tables.control,
          Key: K.job(orgId, jobId),
          ConditionExpression: `#status IN (${STARTING_BULK_STATUSES.map((_, i) => `:s${i}`).join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
        },
      },
    ];
    const owners: Array<string | undefined> = [undefined];
    for (const entry of entries) {
      items.push({ Put: { TableName: this.tables.control, Item: { ...K.entity(orgId, jobId, entry.progress.entity_id), ...entry.progress }, ConditionExpression: 'attribute_not_exists(pk)' } });
      owners.push(entry.progress.entity_id);
      if (entry.execution) {
        items.push({ Put: { TableName: this.tables.executions, Item: this.executions.stateItem(entry.execution.state), ConditionExpression: 'attribute_not_exists(pk)' } });
        owners.push(entry.progress.entity_id);
      }
    }
    return { items, owners };
  }
}

function toJob(item: Record<string, unknown>): BulkJob {
  const job: Record<string, unknown> = { ...item };
  for (const k of KEY_ATTRS) delete job[k];
  return job as unknown as BulkJob;
}

function toProgress(item: Record<string, unknown>): BulkEntityProgress {
  const { pk: _pk, sk: _sk, ...row } = item;
  return row as unknown as BulkEntityProgress;
}
