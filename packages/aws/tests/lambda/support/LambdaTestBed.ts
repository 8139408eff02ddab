import { createHash, randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  DynamoEntityStore,
  DynamoExecutionStore,
  DynamoFlowStore,
  ENV,
  TABLES,
  type TableNames,
  createDocumentClient,
  createTableInput,
  tableNamesFor,
} from '@autoflow/aws';
import { initialState } from '@autoflow/core';
import { type StoredFlow, planOf, systemClock } from '@autoflow/engine';
import { SqsQueues, localAwsClientConfig, startDynamoDbLocal, startFauxqs, toLambdaAttributeValue, toSqsRecord } from '@autoflow/local';
import type { AttributeValue, DynamoDBRecord, EventBridgeEvent, SQSRecord } from 'aws-lambda';
import { EventBridgeStub } from './EventBridgeStub';
import { FaultyDynamoDbProxy } from './FaultyDynamoDbProxy';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

/**
 * What a Lambda entry point needs around it, for real where it can run here: DynamoDB Local
 * (behind a proxy that can throttle chosen requests), fauxqs with the FIFO trigger queue and its
 * DLQ, and an EventBridge endpoint that records PutEvents. The SDK clients the entries build are
 * pointed at them with the standard AWS_ENDPOINT_URL_<SERVICE> variables, as any SDK v3 client
 * honours them; nothing in the entries knows it is under test.
 */
export class LambdaTestBed {
  private readonly savedEnv = { ...process.env };
  private seq = 0;
  /** Embedded-metric-format lines the functions wrote to stdout (kept out of the test output). */
  readonly metrics: Array<{ name: string; value: number; stage: string }> = [];
  private readonly writeStdout = process.stdout.write.bind(process.stdout);
  private readonly stdoutSpy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    const text = String(chunk);
    if (!text.startsWith('{"_aws"')) return (this.writeStdout as (...args: unknown[]) => boolean)(chunk, ...rest);
    const line = JSON.parse(text) as { _aws: { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> }; stage: string } & Record<string, number>;
    for (const m of line._aws.CloudWatchMetrics[0]!.Metrics) this.metrics.push({ name: m.Name, value: line[m.Name]!, stage: line.stage });
    return true;
  }) as typeof process.stdout.write);

  private constructor(
    readonly tables: TableNames,
    readonly dynamodbEndpoint: string,
    readonly queues: { triggerUrl: string; triggerArn: string; dlqUrl: string; dlqArn: string },
    readonly dynamodb: DynamoDBClient,
    readonly sqs: SQSClient,
    readonly eventBridge: EventBridgeStub,
    readonly dynamoProxy: FaultyDynamoDbProxy,
    private readonly stops: Array<() => Promise<void>>,
  ) {}

  static async start(prefix = 'autoflow-test'): Promise<LambdaTestBed> {
    const stops: Array<() => Promise<void>> = [];
    try {
      const [ddb, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqs()]);
      stops.push(() => ddb.stop(), () => fauxqs.stop());
      const eventBridge = await EventBridgeStub.start();
      stops.push(() => eventBridge.stop());
      const proxy = await FaultyDynamoDbProxy.start(ddb.endpoint);
      stops.push(() => proxy.stop());

      const dynamodb = new DynamoDBClient(localAwsClientConfig(ddb.endpoint));
      const sqs = new SQSClient(localAwsClientConfig(fauxqs.endpoint));
      stops.push(async () => {
        dynamodb.destroy();
        sqs.destroy();
      });
      const tables = tableNamesFor(prefix);
      await Promise.all(TABLES.map((def) => dynamodb.send(new CreateTableCommand(createTableInput(def, tables[def.id])))));
      const created = await new SqsQueues(sqs).create({
        name: `${prefix}-triggers.fifo`,
        fifo: true,
        visibilityTimeoutSeconds: 30,
        dlq: { name: `${prefix}-triggers-dlq.fifo`, maxReceiveCount: 5 },
      });
      // fauxqs names its queues http://sqs.<region>.localhost:<port>/…; the functions get URLs on the
      // endpoint's own origin, as on AWS, where a queue URL and the SQS endpoint share their host.
      const onEndpoint = (url: string) => `${fauxqs.endpoint}${new URL(url).pathname}`;
      const queues = { triggerUrl: onEndpoint(created.queue.url), triggerArn: created.queue.arn, dlqUrl: onEndpoint(created.dlq!.url), dlqArn: created.dlq!.arn };
      const bed = new LambdaTestBed(tables, ddb.endpoint, queues, dynamodb, sqs, eventBridge, proxy, stops);
      Object.assign(process.env, {
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: proxy.url,
        AWS_ENDPOINT_URL_SQS: fauxqs.endpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url,
        // The SDK still retries a throttled call, once, with its own backoff: enough to show the
        // retry happens without making the tests wait for three attempts.
        AWS_MAX_ATTEMPTS: '2',
        
      });
      return bed;
    } catch (err) {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      throw err;
    }
  }

  /** The environment a function of this deployment would get from the CDK app. */
  env(variables: Partial<Record<(typeof ENV)[keyof typeof ENV], string>>): Record<string, string | undefined> {
    return { ...process.env, [ENV.stage]: 'test', [ENV.logLevel]: process.env.TEST_LOG_LEVEL ?? 'ERROR', ...variables };
  }

  async stop(): Promise<void> {
    this.stdoutSpy.mockRestore();
    this.direct?.destroy();
    for (const stop of this.stops.reverse()) await stop().catch(() => undefined);
    for (const key of Object.keys(process.env)) if (!(key in this.savedEnv)) delete process.env[key];
    Object.assign(process.env, this.savedEnv);
  }

  // ── stores, as the other components would have written the data ─────────────────────────

  private direct: ReturnType<typeof createDocumentClient> | undefined;

  /** Stores on DynamoDB Local directly (never throttled), to arrange and check data. */
  stores() {
    const db = (this.direct ??= createDocumentClient(localAwsClientConfig(this.dynamodbEndpoint)));
    return {
      flows: new DynamoFlowStore(db, this.tables.control, systemClock),
      executions: new DynamoExecutionStore(db, this.tables.executions),
      entities: new DynamoEntityStore(db, this.tables.entities, systemClock),
    };
  }

  async saveFlow(orgId: string, flow: Omit<StoredFlow, 'id' | 'org_id'> & { id?: string }): Promise<StoredFlow> {
    return this.stores().flows.put({ id: '', ...flow, org_id: orgId } as StoredFlow);
  }

  /**
   * Creates an execution as the listener would (snapshot items, then the state item), on an
   * entity of its own: executions on one entity run one at a time (the dispatcher's entity lock).
   */
  async createExecution(flow: StoredFlow, executionId: string, now = Date.now()): Promise<void> {
    const entityId = `ent-${executionId}`;
    const state = initialState({ org_id: flow.org_id, execution_id: executionId, flow_id: flow.id, entity_id: entityId, plan: planOf(flow), now });
    await this.stores().executions.create({
      state,
      flow,
      entity: { _id: entityId, _schema: 'order', status: 'placed' },
      trigger: { event_id: `evt-${executionId}`, type: 'manual' },
    });
  }

  // ── events, shaped as Lambda delivers them ──────────────────────────────────────────────

  /** An SQS FIFO record as Lambda's event source mapping puts it in `event.Records`. */
  sqsRecord(groupId: string, body: string): SQSRecord {
    const message: Message = {
      MessageId: randomUUID(),
      ReceiptHandle: randomUUID().replace(/-/g, ''),
      Body: body,
      MD5OfBody: createHash('md5').update(body).digest('hex'),
      Attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
        MessageGroupId: groupId,
        MessageDeduplicationId: createHash('sha256').update(body).digest('hex'),
        SequenceNumber: String(18_880_000_000_000_000_000n + BigInt(++this.seq)),
      },
    };
    return toSqsRecord(message, this.queues.triggerArn, REGION);
  }

  /**
   * A DynamoDB stream record (NEW_AND_OLD_IMAGES) for an item as it is stored now, read back
   * from DynamoDB Local and encoded as Lambda encodes stream records.
   */
  async streamRecord(
    table: keyof TableNames,
    key: { pk: string; sk: string },
    eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
    oldImage?: Record<string, AttributeValue>,
  ): Promise<DynamoDBRecord> {
    const out = await this.dynamodb.send(new GetItemCommand({ TableName: this.tables[table], Key: { pk: { S: key.pk }, sk: { S: key.sk } }, ConsistentRead: true }));
    const image = out.Item ? Object.fromEntries(Object.entries(out.Item).map(([k, v]) => [k, toLambdaAttributeValue(v as never)])) : undefined;
    const seq = ++this.seq;
    return {
      eventID: createHash('md5').update(`${table}${seq}`).digest('hex'),
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: { pk: { S: key.pk }, sk: { S: key.sk } },
        ...(eventName !== 'REMOVE' && image ? { NewImage: image } : {}),
        ...(oldImage ? { OldImage: oldImage } : {}),
        SequenceNumber: String(100_000_000_000_000_000_000n + BigInt(seq)),
        SizeBytes: JSON.stringify(image ?? {}).length,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${this.tables[table]}/stream/2026-01-01T00:00:00.000`,
    };
  }

  /** The event EventBridge hands a rule's Lambda target for an entry the dispatcher put. */
  eventBridgeEvent(entry: PutEventsRequestEntry, id = randomUUID()): EventBridgeEvent<string, unknown> {
    return {
      version: '0',
      id,
      'detail-type': entry.DetailType ?? '',
      source: entry.Source ?? '',
      account: ACCOUNT,
      time: new Date().toISOString(),
      region: REGION,
      resources: entry.Resources ?? [],
      detail: JSON.parse(entry.Detail ?? '{}'),
    };
  }

  // ── queues ──────────────────────────────────────────────────────────────────────────────

  /** Every message on a queue now (received and deleted), with system and message attributes. */
  async drain(queueUrl: string): Promise<Message[]> {
    const all: Message[] = [];
    for (let empty = 0; empty < 2; ) {
      const out = await this.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] }),
      );
      const messages = out.Messages ?? [];
      if (messages.length === 0) empty++;
      for (const m of messages) {
        all.push(m);
        await this.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    return all;
  }
}
