import { createHash } from 'node:crypto';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { localAwsClientConfig, startFauxqs, type Fauxqs } from '../src/emulators';
import { SqsPoller, SqsQueues, type CreatedSqsQueues } from '../src/pollers';
import { waitFor } from './support/waitFor';

describe('SqsPoller against fauxqs', () => {
  let fauxqs: Fauxqs;
  let sqs: SQSClient;
  let queues: SqsQueues;
  const pollers: SqsPoller[] = [];
  let counter = 0;

  beforeAll(async () => {
    fauxqs = await startFauxqs();
    sqs = new SQSClient(localAwsClientConfig(fauxqs.endpoint));
    queues = new SqsQueues(sqs);
  });

  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
  });

  afterAll(async () => {
    sqs.destroy();
    await fauxqs.stop();
  });

  /** A fresh FIFO queue + FIFO DLQ for each test. */
  async function fifoQueue(maxReceiveCount = 3): Promise<CreatedSqsQueues> {
    counter += 1;
    return queues.create({
      name: `jobs-${counter}`,
      fifo: true,
      visibilityTimeoutSeconds: 1,
      dlq: { name: `jobs-${counter}-dlq`, maxReceiveCount },
    });
  }

  function poll(created: CreatedSqsQueues, handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>): SqsPoller {
    const poller = new SqsPoller({
      client: sqs,
      queueUrl: created.queue.url,
      queueArn: created.queue.arn,
      handler,
      waitTimeSeconds: 1,
    });
    pollers.push(poller);
    return poller;
  }

  async function send(url: string, group: string, body: string, dedup = body): Promise<void> {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: body,
        MessageGroupId: group,
        MessageDeduplicationId: dedup,
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
      }),
    );
  }

  it('creates a FIFO queue whose redrive policy points at a FIFO DLQ', async () => {
    const created = await fifoQueue(2);

    expect(created.queue.name).toMatch(/^jobs-\d+\.fifo$/);
    expect(created.queue.arn).toBe(`arn:aws:sqs:us-east-1:000000000000:${created.queue.name}`);
    expect(created.dlq?.name).toMatch(/^jobs-\d+-dlq\.fifo$/);
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: created.queue.url, AttributeNames: ['All'] }));
    expect(attributes.Attributes).toMatchObject({ FifoQueue: 'true', VisibilityTimeout: '1' });
    expect(JSON.parse(attributes.Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: created.dlq?.arn,
      maxReceiveCount: 2,
    });
  });

  it('delivers Lambda-shaped records and keeps each message group in order', async () => {
    const created = await fifoQueue();
    for (let i = 1; i <= 4; i++) {
      for (const group of ['a', 'b', 'c']) await send(created.queue.url, group, `${group}${i}`);
    }
    const seen: SQSRecord[] = [];
    const poller = poll(created, async (event) => {
      seen.push(...event.Records);
    });

    await poller.start();
    await waitFor('12 records handled and deleted', () => poller.counters.recordsDeleted === 12);

    for (const group of ['a', 'b', 'c']) {
      expect(seen.filter((r) => r.attributes.MessageGroupId === group).map((r) => r.body)).toEqual(
        [1, 2, 3, 4].map((i) => `${group}${i}`),
      );
    }
    const first = seen.find((r) => r.body === 'a1') as SQSRecord;
    expect(first).toEqual({
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      body: 'a1',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
        SequenceNumber: expect.stringMatching(/^\d+$/),
        MessageGroupId: 'a',
        MessageDeduplicationId: 'a1',
      },
      messageAttributes: {
        kind: { stringValue: 'test', stringListValues: [], binaryListValues: [], dataType: 'String' },
      },
      md5OfBody: createHash('md5').update('a1').digest('hex'),
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: 'aws:sqs',
      eventSourceARN: created.queue.arn,
      awsRegion: 'us-east-1',
    });
    expect(poller.counters).toMatchObject({ recordsDelivered: 12, recordsDeleted: 12, recordsFailed: 0, handlerErrors: 0 });
  });

  it('redelivers only the messages reported in batchItemFailures', async () => {
    const created = await fifoQueue();
    for (const group of ['g1', 'g2', 'g3']) await send(created.queue.url, group, `m-${group}`);
    const deliveries: { body: string; receiveCount: string }[] = [];
    let failedOnce = false;
    const poller = poll(created, async (event) => {
      deliveries.push(...event.Records.map((r) => ({ body: r.body, receiveCount: r.attributes.ApproximateReceiveCount })));
      const failing = event.Records.find((r) => r.body === 'm-g2' && !failedOnce);
      if (!failing) return { batchItemFailures: [] };
      failedOnce = true;
      return { batchItemFailures: [{ itemIdentifier: failing.messageId }] };
    });

    await poller.start();
    await waitFor('m-g2 redelivered', () => deliveries.filter((d) => d.body === 'm-g2').length === 2);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // longer than the visibility timeout

    expect(deliveries.filter((d) => d.body === 'm-g1')).toEqual([{ body: 'm-g1', receiveCount: '1' }]);
    expect(deliveries.filter((d) => d.body === 'm-g3')).toEqual([{ body: 'm-g3', receiveCount: '1' }]);
    expect(deliveries.filter((d) => d.body === 'm-g2').map((d) => d.receiveCount)).toEqual(['1', '2']);
    expect(poller.counters).toMatchObject({ recordsDeleted: 3, recordsFailed: 1 });
  });

  it('treats a response naming an unknown message as a failure of the whole batch', async () => {
    const created = await fifoQueue();
    await send(created.queue.url, 'g', 'only');
    let calls = 0;
    const poller = poll(created, async () => {
      calls += 1;
      return calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] } : undefined;
    });

    await poller.start();
    await waitFor('a second delivery', () => poller.counters.recordsDeleted === 1);

    expect(calls).toBe(2);
    expect(poller.counters).toMatchObject({ handlerErrors: 1, recordsFailed: 1, recordsDelivered: 2 });
  });

  it('moves a message that always fails to the DLQ after maxReceiveCount receives', async () => {
    const created = await fifoQueue(2);
    await send(created.queue.url, 'g', 'poison');
    let attempts = 0;
    const poller = poll(created, async () => {
      attempts += 1;
      throw new Error('cannot process');
    });
    const dlqUrl = created.dlq?.url as string;

    await poller.start();
    let inDlq: string[] = [];
    await waitFor('the message in the DLQ', async () => {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      inDlq = (out.Messages ?? []).map((m) => m.Body ?? '');
      return inDlq.length > 0;
    });

    expect(inDlq).toEqual(['poison']);
    expect(attempts).toBe(2);
    expect(poller.counters).toMatchObject({ handlerErrors: 2, recordsDeleted: 0 });
  });

  it('waits for the handler call in flight when stopped', async () => {
    const created = await fifoQueue();
    await send(created.queue.url, 'g', 'slow');
    let finished = false;
    let started = false;
    const poller = poll(created, async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished = true;
    });

    await poller.start();
    await waitFor('the handler to start', () => started);
    await poller.stop();

    expect(finished).toBe(true);
    expect(poller.running).toBe(false);
    expect(poller.counters.recordsDeleted).toBe(1);
  });
});
