import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AdmissionStore } from '@autoflow/engine';
import { controlKeys as K } from '../tables/keys';
import { isConditionFailure } from './documentClient';

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
 * - Queues: one item per waiter, sorted by arrival position.
 */
export class DynamoAdmissionStore implements AdmissionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...K.waiter(orgId, queue, position), execution_id: executionId } }));
  }

  async dequeue(orgId: string, queue: string, position: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: K.waiter(orgId, queue, position) }));
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
