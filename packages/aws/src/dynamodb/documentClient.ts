import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
    unmarshallOptions: { wrapNumbers: false },
  });
}

export const isConditionFailure = (err: unknown): boolean =>
  (err as { name?: string })?.name === 'ConditionalCheckFailedException';

/** Every item of `keys` from one table, 100 keys per BatchGet, retrying unprocessed keys; order not kept. */
export async function batchGetAll(db: DynamoDBDocumentClient, tableName: string, keys: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = { [tableName]: { Keys: keys.slice(i, i + 100) } };
    while (request && Object.keys(request).length > 0) {
      const out: { Responses?: Record<string, Record<string, unknown>[]>; UnprocessedKeys?: Record<string, unknown> } = await db.send(
        new BatchGetCommand({ RequestItems: request }),
      );
      items.push(...(out.Responses?.[tableName] ?? []));
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return items;
}
