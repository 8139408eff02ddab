import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { localAwsClientConfig, startDynamoDbLocal, type DynamoDbLocal } from '../src/emulators';
import { DynamoDbStreamPoller, type DynamoDbStreamPollerOptions } from '../src/pollers';
import { waitFor } from './support/waitFor';

describe('DynamoDbStreamPoller against DynamoDB Local', () => {
  let ddbLocal: DynamoDbLocal;
  let ddb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  const pollers: DynamoDbStreamPoller[] = [];
  let tables = 0;

  beforeAll(async () => {
    ddbLocal = await startDynamoDbLocal();
    ddb = new DynamoDBClient(localAwsClientConfig(ddbLocal.endpoint));
    streams = new DynamoDBStreamsClient(localAwsClientConfig(ddbLocal.endpoint));
  });

  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
  });

  afterAll(async () => {
    ddb.destroy();
    streams.destroy();
    await ddbLocal.stop();
  });

  async function createTable(): Promise<string> {
    tables += 1;
    const name = `flows-${tables}`;
    await ddb.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    return name;
  }

  const put = (table: string, pk: string, extra: Record<string, { S: string } | { N: string }> = {}) =>
    ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, ...extra } }));

  function poller(
    table: string,
    handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>,
    options: Partial<DynamoDbStreamPollerOptions> = {},
  ): DynamoDbStreamPoller {
    const p = new DynamoDbStreamPoller({
      ddbClient: ddb,
      streamsClient: streams,
      tableName: table,
      handler,
      startingPosition: 'TRIM_HORIZON',
      pollIntervalMs: 50,
      retryDelayMs: 10,
      ...options,
    });
    pollers.push(p);
    return p;
  }

  const keyOf = (r: DynamoDBRecord) => r.dynamodb?.Keys?.pk?.S;

  it('delivers INSERT, MODIFY and REMOVE in order, shaped as Lambda delivers them', async () => {
    const table = await createTable();
    const received: DynamoDBRecord[] = [];
    const p = poller(table, async (event) => {
      received.push(...event.Records);
    });
    await p.start();

    await ddb.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'item-1' }, n: { N: '1' }, bin: { B: Uint8Array.from([1, 2, 3]) } } }),
    );
    await ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk: { S: 'item-1' } },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': { N: '2' } },
      }),
    );
    await ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: 'item-1' } } }));
    await waitFor('3 records', () => received.length >= 3);

    expect(received.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const sequenceNumbers = received.map((r) => BigInt(r.dynamodb?.SequenceNumber ?? '0'));
    expect([...sequenceNumbers].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequenceNumbers);
    const image = { pk: { S: 'item-1' }, bin: { B: 'AQID' } };
    expect(received[0]).toEqual({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: p.streamArn,
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'item-1' } },
        NewImage: { ...image, n: { N: '1' } },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    // Epoch seconds, not milliseconds or a Date.
    expect(Math.abs((received[0]?.dynamodb?.ApproximateCreationDateTime ?? 0) - Date.now() / 1000)).toBeLessThan(120);
    expect(received[1]?.dynamodb).toMatchObject({ OldImage: { ...image, n: { N: '1' } }, NewImage: { ...image, n: { N: '2' } } });
    expect(received[2]?.dynamodb).toMatchObject({ OldImage: { ...image, n: { N: '2' } } });
    expect(received[2]?.dynamodb?.NewImage).toBeUndefined();
    expect(p.streamArn).toContain(`table/${table}/stream/`);
  });

  it('redelivers a failed record with the ones after it, never the ones before it', async () => {
    const table = await createTable();
    for (const pk of ['r1', 'r2', 'r3', 'r4', 'r5']) await put(table, pk);
    const batches: (string | undefined)[][] = [];
    const p = poller(table, async (event) => {
      batches.push(event.Records.map(keyOf));
      const r3 = event.Records.find((r) => keyOf(r) === 'r3');
      if (batches.length === 1 && r3) return { batchItemFailures: [{ itemIdentifier: r3.dynamodb?.SequenceNumber as string }] };
      return undefined;
    });

    await p.start();
    await waitFor('the retry', () => batches.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(batches).toEqual([
      ['r1', 'r2', 'r3', 'r4', 'r5'],
      ['r3', 'r4', 'r5'],
    ]);
    expect(p.counters).toMatchObject({ partialFailures: 1, batchesDelivered: 2, recordsDelivered: 8 });
  });

  it('does not deliver records rejected by the filter, and reads past them', async () => {
    const table = await createTable();
    const received: DynamoDBRecord[] = [];
    const p = poller(table, async (event) => void received.push(...event.Records), {
      filter: (record) => !keyOf(record)?.startsWith('skip'),
    });
    for (const pk of ['keep-1', 'skip-1', 'skip-2', 'keep-2']) await put(table, pk);

    await p.start();
    await put(table, 'keep-3');
    await waitFor('3 kept records', () => received.length >= 3);

    expect(received.map(keyOf)).toEqual(['keep-1', 'keep-2', 'keep-3']);
    expect(p.counters.recordsFiltered).toBe(2);
  });

  it('retries a throwing batch by halves, then hands the poison record to onFailure and moves on', async () => {
    const table = await createTable();
    for (const pk of ['a', 'b', 'poison', 'd']) await put(table, pk);
    const batches: (string | undefined)[][] = [];
    const failed: { keys: (string | undefined)[]; error: unknown }[] = [];
    const p = poller(
      table,
      async (event) => {
        batches.push(event.Records.map(keyOf));
        if (event.Records.some((r) => keyOf(r) === 'poison')) throw new Error('poison');
      },
      {
        maxRetryAttempts: 1,
        bisectBatchOnFunctionError: true,
        onFailure: (records, error) => void failed.push({ keys: records.map(keyOf), error }),
      },
    );

    await p.start();
    await waitFor('the last record', () => batches.some((b) => b.includes('d') && b.length === 1));

    expect(batches).toEqual([['a', 'b', 'poison', 'd'], ['a', 'b'], ['poison', 'd'], ['poison'], ['poison'], ['d']]);
    expect(failed).toEqual([{ keys: ['poison'], error: expect.objectContaining({ message: 'poison' }) }]);
    expect(p.counters).toMatchObject({ recordsDiscarded: 1, handlerErrors: 4 });
  });

  it('retries a throwing batch whole without bisect, up to maxRetryAttempts', async () => {
    const table = await createTable();
    for (const pk of ['x', 'y']) await put(table, pk);
    let calls = 0;
    const failed: (string | undefined)[][] = [];
    const p = poller(
      table,
      async () => {
        calls += 1;
        throw new Error('down');
      },
      { maxRetryAttempts: 2, onFailure: (records) => void failed.push(records.map(keyOf)) },
    );

    await p.start();
    await waitFor('onFailure', () => failed.length === 1);

    expect(calls).toBe(3);
    expect(failed).toEqual([['x', 'y']]);
  });

  it('starts at the tip of the stream with LATEST', async () => {
    const table = await createTable();
    await put(table, 'before');
    const received: DynamoDBRecord[] = [];
    const p = poller(table, async (event) => void received.push(...event.Records), { startingPosition: 'LATEST' });

    await p.start();
    await put(table, 'after');
    await waitFor('the new record', () => received.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 150));

    expect(received.map(keyOf)).toEqual(['after']);
  });

  it('refuses to start on a table whose stream is disabled', async () => {
    const table = await createTable();
    await ddb.send(new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: false } }));
    const p = poller(table, async () => undefined);

    await expect(p.start()).rejects.toThrow(/has no enabled stream/);
    expect(p.running).toBe(false);
  });

  it('finishes a shard that closes while it is being read, after delivering all of it', async () => {
    const table = await createTable();
    const received: DynamoDBRecord[] = [];
    const p = poller(table, async (event) => void received.push(...event.Records), { batchSize: 2 });
    await p.start();
    for (const pk of ['c1', 'c2', 'c3']) await put(table, pk);

    // Disabling the stream closes its shard: DynamoDB Local's only way to get a closed shard.
    await ddb.send(new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: false } }));
    await waitFor('the shard to finish', () => p.counters.shardsFinished === 1);

    expect(received.map(keyOf)).toEqual(['c1', 'c2', 'c3']);
  });

  it('waits for the handler call in flight when stopped', async () => {
    const table = await createTable();
    await put(table, 'slow');
    let started = false;
    let finished = false;
    const p = poller(table, async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
    });

    await p.start();
    await waitFor('the handler to start', () => started);
    await p.stop();

    expect(finished).toBe(true);
    expect(p.running).toBe(false);
  });
});
