import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RecentEvent, RecentEventStore } from '@autoflow/engine';
import { recentEventKeys as K } from '../tables/keys';

/**
 * The look-back buffer of waits in the control table: one item per (entity, event), expiring
 * through TTL. TTL deletion is late (and not emulated locally), so reads check expiry themselves.
 */
export class DynamoRecentEventStore implements RecentEventStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(orgId: string, entityId: string, event: RecentEvent, expiresAt: number): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...K.event(orgId, entityId, event.received_at, event.event_id), kind: 'recent_event', recent: event, until: expiresAt, expires_at: Math.ceil(expiresAt / 1000) },
      }),
    );
  }

  async since(orgId: string, entityId: string, from: number, now: number): Promise<RecentEvent[]> {
    const out: RecentEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk >= :from',
          ExpressionAttributeValues: { ':pk': K.collection(orgId, entityId), ':from': K.from(from) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) if (Number(item.until) > now) out.push(item.recent as RecentEvent);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return out;
  }
}
