import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './documentClient';
import type { GuardStore } from '@autoflow/engine';
import { controlKeys as K } from '../tables/keys';

/**
 * Hot-flow counters in the control table: one item per (org, counter, window), incremented
 * with an atomic ADD (exact under concurrency, one write unit per check) and expiring through
 * TTL a window after it closes. Expiry is not needed for correctness: each window has its own item.
 */
export class DynamoGuardStore implements GuardStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async increment(orgId: string, key: string, windowStart: number, expiresAt: number): Promise<number> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: K.counter(orgId, key, windowStart),
        UpdateExpression: 'ADD #n :one SET expires_at = if_not_exists(expires_at, :exp)',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':one': 1, ':exp': Math.ceil(expiresAt / 1000) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.n ?? 0);
  }

  async tryAdd(orgId: string, key: string, windowStart: number, expiresAt: number, n: number, limit: number): Promise<boolean> {
    if (n > limit) return false;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: K.counter(orgId, key, windowStart),
          UpdateExpression: 'ADD #n :n SET expires_at = if_not_exists(expires_at, :exp)',
          ConditionExpression: 'attribute_not_exists(#n) OR #n <= :room',
          ExpressionAttributeNames: { '#n': 'n' },
          ExpressionAttributeValues: { ':n': n, ':room': limit - n, ':exp': Math.ceil(expiresAt / 1000) },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}
