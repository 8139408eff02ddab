import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { KeyAttribute, TableDefinition } from './TableDefinition';

/** CreateTable input for a definition (on-demand billing, streams as declared). */
export function createTableInput(def: TableDefinition, tableName: string): CreateTableCommandInput {
  const attrs = new Map<string, KeyAttribute>();
  const add = (k?: KeyAttribute): void => {
    if (k) attrs.set(k.name, k);
  };
  add(def.partitionKey);
  add(def.sortKey);
  for (const i of def.indexes) {
    add(i.partitionKey);
    add(i.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attrs.values()].map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
    ],
    ...(def.indexes.length
      ? {
          GlobalSecondaryIndexes: def.indexes.map((i) => ({
            IndexName: i.name,
            KeySchema: [
              { AttributeName: i.partitionKey.name, KeyType: 'HASH' as const },
              ...(i.sortKey ? [{ AttributeName: i.sortKey.name, KeyType: 'RANGE' as const }] : []),
            ],
            Projection: { ProjectionType: i.projection },
          })),
        }
      : {}),
    ...(def.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } } : {}),
  };
}
