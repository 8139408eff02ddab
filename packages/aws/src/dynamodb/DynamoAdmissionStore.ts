import { type DynamoDBDocumentClient, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AdmissionStore } from '@autoflow/engine';
import { controlKeys as K } from '../tables/keys';
import { isConditionFailure } from './documentClient';

/** Queue names (see the engine's Admission): `org`, and `entity#<id>` per entity. */
const ENTITY_QUEUE_PREFIX = 'entity#';

const cancellationReasons = (err: unknown): string[] =>
  (err as { name?: string; CancellationReasons?: Array<{ Code?: string }> }).name === 'TransactionCanceledException'
    ? ((err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).map((r) => r.Code ?? 'None')
    : [];

/**
 * Org slots, entity locks and wait queues in the control table.
 * - Slot: a holder item per running execution plus a counter, written in one transaction, so
 *   taking a slot twice is harmless and the counter never passes the cap.
 * - Lock: one item per entity naming its holder, with a lease and a fencing token that grows with
 *   every acquisition; an expired lease can be taken over.
 * - Queues: one item per waiter, sorted by arrival position, counted (`waiting`) on the queue's
 *   slot counter or lock item in the same transaction, so the one-step paths (`tryAdmit`,
 *   `tryRelease`) know that nobody waits without reading a queue.
 */
export class DynamoAdmissionStore implements AdmissionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async tryAdmit(orgId: string, executionId: string, cap: number, lock?: { entityId: string; now: number; leaseUntil: number }): Promise<'granted' | 'holding' | 'busy'> {
    const nobodyWaits = '(attribute_not_exists(waiting) OR waiting = :zero)';
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { ...K.slotHolder(orgId, executionId) }, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: this.tableName,
                Key: K.slotCounter(orgId),
                UpdateExpression: 'ADD running :one',
                ConditionExpression: `(attribute_not_exists(running) OR running < :cap) AND ${nobodyWaits}`,
                ExpressionAttributeValues: { ':one': 1, ':cap': cap, ':zero': 0 },
              },
            },
            ...(lock
              ? [
                  {
                    Update: {
                      TableName: this.tableName,
                      Key: K.entityLock(orgId, lock.entityId),
                      UpdateExpression: 'SET holder = :me, lease_until = :lease, expires_at = :ttl ADD fence :one',
                      ConditionExpression: `(attribute_not_exists(holder) OR holder = :me OR lease_until < :now) AND ${nobodyWaits}`,
                      ExpressionAttributeValues: { ':me': executionId, ':lease': lock.leaseUntil, ':now': lock.now, ':one': 1, ':zero': 0, ':ttl': Math.ceil(lock.leaseUntil / 1000) + 86_400 },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return 'granted';
    } catch (err) {
      const reasons = cancellationReasons(err);
      if (reasons.length === 0) throw err;
      return reasons[0] === 'ConditionalCheckFailed' ? 'holding' : 'busy';
    }
  }

  async tryRelease(orgId: string, executionId: string, entityId?: string): Promise<boolean> {
    const nobodyWaits = '(attribute_not_exists(waiting) OR waiting = :zero)';
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: this.tableName, Key: K.slotHolder(orgId, executionId), ConditionExpression: 'attribute_exists(pk)' } },
            {
              Update: {
                TableName: this.tableName,
                Key: K.slotCounter(orgId),
                UpdateExpression: 'ADD running :minus',
                ConditionExpression: `running > :zero AND ${nobodyWaits}`,
                ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
              },
            },
            ...(entityId
              ? [
                  {
                    Update: {
                      TableName: this.tableName,
                      Key: K.entityLock(orgId, entityId),
                      UpdateExpression: 'REMOVE holder, lease_until',
                      ConditionExpression: `holder = :me AND ${nobodyWaits}`,
                      ExpressionAttributeValues: { ':me': executionId, ':zero': 0 },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return true;
    } catch (err) {
      if (cancellationReasons(err).length === 0) throw err;
      return false;
    }
  }

  async acquireSlot(orgId: string, executionId: string, cap: number): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { ...K.slotHolder(orgId, executionId) }, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: this.tableName,
                Key: K.slotCounter(orgId),
                UpdateExpression: 'ADD running :one',
                ConditionExpression: 'attribute_not_exists(running) OR running < :cap',
                ExpressionAttributeValues: { ':one': 1, ':cap': cap },
              },
            },
          ],
        }),
      );
      return true;
    } catch (err) {
      const reasons = cancellationReasons(err);
      if (reasons[0] === 'ConditionalCheckFailed') return true; // already holds a slot
      if (reasons[1] === 'ConditionalCheckFailed') return false; // the org is at its cap
      throw err;
    }
  }

  async releaseSlot(orgId: string, executionId: string): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: this.tableName, Key: K.slotHolder(orgId, executionId), ConditionExpression: 'attribute_exists(pk)' } },
            {
              Update: {
                TableName: this.tableName,
                Key: K.slotCounter(orgId),
                UpdateExpression: 'ADD running :minus',
                ConditionExpression: 'running > :zero',
                ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
              },
            },
          ],
        }),
      );
    } catch (err) {
      if (cancellationReasons(err)[0] === 'ConditionalCheckFailed') return; // holds no slot
      throw err;
    }
  }

  async acquireLock(orgId: string, entityId: string, executionId: string, now: number, leaseUntil: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: K.entityLock(orgId, entityId),
          UpdateExpression: 'SET holder = :me, lease_until = :lease, expires_at = :ttl ADD fence :one',
          ConditionExpression: 'attribute_not_exists(holder) OR holder = :me OR lease_until < :now',
          ExpressionAttributeValues: { ':me': executionId, ':lease': leaseUntil, ':now': now, ':one': 1, ':ttl': Math.ceil(leaseUntil / 1000) + 86_400 },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async releaseLock(orgId: string, entityId: string, executionId: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: K.entityLock(orgId, entityId),
          // The fencing token stays: the next holder's token is still larger.
          UpdateExpression: 'REMOVE holder, lease_until',
          ConditionExpression: 'holder = :me',
          ExpressionAttributeValues: { ':me': executionId },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err; // not the holder (any more): nothing to release
    }
  }

  async enqueue(orgId: string, queue: string, position: string, executionId: string): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { ...K.waiter(orgId, queue, position), execution_id: executionId }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Update: { TableName: this.tableName, Key: this.counterOf(orgId, queue), UpdateExpression: 'ADD waiting :one', ExpressionAttributeValues: { ':one': 1 } } },
          ],
        }),
      );
    } catch (err) {
      if (cancellationReasons(err)[0] !== 'ConditionalCheckFailed') throw err; // else: queued already
    }
  }

  async dequeue(orgId: string, queue: string, position: string): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: this.tableName, Key: K.waiter(orgId, queue, position), ConditionExpression: 'attribute_exists(pk)' } },
            { Update: { TableName: this.tableName, Key: this.counterOf(orgId, queue), UpdateExpression: 'ADD waiting :minus', ExpressionAttributeValues: { ':minus': -1 } } },
          ],
        }),
      );
    } catch (err) {
      if (cancellationReasons(err)[0] !== 'ConditionalCheckFailed') throw err; // else: not queued (any more)
    }
  }

  /** The item a queue's waiters are counted on: the org's slot counter, or the entity's lock. */
  private counterOf(orgId: string, queue: string): { pk: string; sk: string } {
    const entity = queue.startsWith(ENTITY_QUEUE_PREFIX) ? queue.slice(ENTITY_QUEUE_PREFIX.length) : undefined;
    return entity !== undefined ? K.entityLock(orgId, entity) : K.slotCounter(orgId);
  }

  async head(orgId: string, queue: string): Promise<{ position: string; execution_id: string } | undefined> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': K.waitQueue(orgId, queue) },
        ConsistentRead: true,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    return item ? { position: String(item.sk), execution_id: String(item.execution_id) } : undefined;
  }

  async waiting(orgId: string, queue: string, upTo: number): Promise<number> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': K.waitQueue(orgId, queue) },
        Select: 'COUNT',
        Limit: upTo,
      }),
    );
    return out.Count ?? 0;
  }
}
