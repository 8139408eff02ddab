import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type DynamoDbLocal, localAwsClientConfig, startDynamoDbLocal } from '@autoflow/local';
import { DynamoAdmissionStore } from '../../src/dynamodb/DynamoAdmissionStore';
import { createDocumentClient } from '../../src/dynamodb/documentClient';
import { createTableInput } from '../../src/tables/createTableInput';
import { TABLES, tableNamesFor } from '../../src/tables/TableDefinition';
import { controlKeys } from '../../src/tables/keys';

/** The adapter's conditions on DynamoDB Local: the one-step paths and the waiter counts they rely on. */
describe('DynamoAdmissionStore', () => {
  let ddb: DynamoDbLocal;
  let client: DynamoDBClient;
  let db: ReturnType<typeof createDocumentClient>;
  let store: DynamoAdmissionStore;
  const table = tableNamesFor('admission-test').control;

  beforeAll(async () => {
    ddb = await startDynamoDbLocal();
    client = new DynamoDBClient(localAwsClientConfig(ddb.endpoint));
    db = createDocumentClient(localAwsClientConfig(ddb.endpoint));
    const def = TABLES.find((t) => t.id === 'control')!;
    await client.send(new CreateTableCommand(createTableInput(def, table)));
    store = new DynamoAdmissionStore(db, table);
  });
  afterAll(async () => {
    client?.destroy();
    db?.destroy();
    await ddb?.stop();
  });

  const counter = async (org: string) => (await db.send(new GetCommand({ TableName: table, Key: controlKeys.slotCounter(org), ConsistentRead: true }))).Item;
  const lock = async (org: string, entity: string) => (await db.send(new GetCommand({ TableName: table, Key: controlKeys.entityLock(org, entity), ConsistentRead: true }))).Item;

  it('takes a slot and a lock in one step, says so on a replay, and gives both back in one step', async () => {
    const lease = { entityId: 'e-1', now: 1_000, leaseUntil: 60_000 };
    expect(await store.tryAdmit('o1', 'a', 2, lease)).toBe('granted');
    expect(await store.tryAdmit('o1', 'a', 2, lease)).toBe('holding');
    expect((await counter('o1'))?.running).toBe(1);
    expect((await lock('o1', 'e-1'))?.holder).toBe('a');
    expect(await store.tryRelease('o1', 'a', 'e-1')).toBe(true);
    expect((await counter('o1'))?.running).toBe(0);
    expect((await lock('o1', 'e-1'))?.holder).toBeUndefined();
    // Nothing held any more: the one step refuses, and the queued way (idempotent) takes over.
    expect(await store.tryRelease('o1', 'a', 'e-1')).toBe(false);
  });

  it('refuses the one step at the cap and while the entity is locked, changing nothing', async () => {
    expect(await store.tryAdmit('o2', 'a', 1)).toBe('granted');
    expect(await store.tryAdmit('o2', 'b', 1)).toBe('busy');
    expect(await store.tryAdmit('o3', 'a', 5, { entityId: 'e', now: 1_000, leaseUntil: 60_000 })).toBe('granted');
    expect(await store.tryAdmit('o3', 'b', 5, { entityId: 'e', now: 1_000, leaseUntil: 60_000 })).toBe('busy');
    expect((await counter('o3'))?.running).toBe(1);
    // An expired lease can be taken over.
    expect(await store.tryAdmit('o3', 'c', 5, { entityId: 'e', now: 70_000, leaseUntil: 130_000 })).toBe('granted');
  });

  it('counts waiters once per waiter, and neither one-step path passes anyone while they wait', async () => {
    expect(await store.tryAdmit('o4', 'a', 5, { entityId: 'e', now: 1_000, leaseUntil: 60_000 })).toBe('granted');
    await store.enqueue('o4', 'org', '0002#b', 'b');
    await store.enqueue('o4', 'org', '0002#b', 'b');
    await store.enqueue('o4', 'entity#e', '0003#c', 'c');
    expect((await counter('o4'))?.waiting).toBe(1);
    expect((await lock('o4', 'e'))?.waiting).toBe(1);
    // Slots are free, but b waits: a newcomer goes the queued way, and the release tells who waits.
    expect(await store.tryAdmit('o4', 'd', 5)).toBe('busy');
    expect(await store.tryRelease('o4', 'a', 'e')).toBe(false);
    await store.dequeue('o4', 'org', '0002#b');
    await store.dequeue('o4', 'org', '0002#b');
    await store.dequeue('o4', 'entity#e', '0003#c');
    expect((await counter('o4'))?.waiting).toBe(0);
    expect((await lock('o4', 'e'))?.waiting).toBe(0);
    expect(await store.tryRelease('o4', 'a', 'e')).toBe(true);
    expect(await store.head('o4', 'org')).toBeUndefined();
  });
});
