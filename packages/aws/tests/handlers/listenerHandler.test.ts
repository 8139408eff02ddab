import type { TriggerListener } from '@autoflow/engine';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { createListenerHandler } from '../../src/handlers/listenerHandler';

const record = (id: string, group: string, body: string): SQSRecord => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1700000000000',
    SenderId: 'AIDA',
    ApproximateFirstReceiveTimestamp: '1700000000001',
    MessageGroupId: group,
    MessageDeduplicationId: id,
    SequenceNumber: `1000${id}`,
  },
  messageAttributes: {},
  md5OfBody: 'x',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:autoflow-triggers.fifo',
  awsRegion: 'us-east-1',
});

/** The listener's use case stands in here: this test is about the FIFO batch semantics around it. */
function listenerFailingOn(failing: Set<string>, seen: string[]): TriggerListener {
  return {
    handleMessage: async (body: string) => {
      seen.push(body);
      if (failing.has(body)) throw new Error(`transient failure on ${body}`);
      return { status: 'processed', event_id: body, org_id: 'x', executions: [] };
    },
    flushRuns: async () => undefined,
  } as unknown as TriggerListener;
}

describe('createListenerHandler', () => {
  it('fails the rest of a failing org group, in order, while other orgs go on', async () => {
    const seen: string[] = [];
    const handler = createListenerHandler(listenerFailingOn(new Set(['a2']), seen));
    const event: SQSEvent = {
      Records: [record('1', 'org-a', 'a1'), record('2', 'org-b', 'b1'), record('3', 'org-a', 'a2'), record('4', 'org-b', 'b2'), record('5', 'org-a', 'a3')],
    };
    const response = await handler(event);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['3', '5']);
    // a3 never ran: running it before a2 succeeds would reorder org-a's events.
    expect(seen).toEqual(['a1', 'b1', 'a2', 'b2']);
  });

  it('reports no failures when every record is handled, including rejected ones', async () => {
    const handler = createListenerHandler({
      handleMessage: async () => ({ status: 'rejected', reason: 'event is invalid' }),
      flushRuns: async () => undefined,
    } as unknown as TriggerListener);
    const response = await handler({ Records: [record('1', 'org-a', '{'), record('2', 'org-a', '{}')] });
    expect(response.batchItemFailures).toEqual([]);
  });

  it('tells the listener whether a message is a first delivery, and writes run counts once per batch', async () => {
    const metas: Array<{ receiveCount?: number }> = [];
    let flushes = 0;
    const handler = createListenerHandler({
      handleMessage: async (_body: string, meta: { receiveCount?: number }) => {
        metas.push(meta);
        return { status: 'processed', event_id: 'e', org_id: 'org-a', executions: [] };
      },
      flushRuns: async () => void (flushes += 1),
    } as unknown as TriggerListener);
    const again = record('2', 'org-a', 'a2');
    again.attributes.ApproximateReceiveCount = '3';
    await handler({ Records: [record('1', 'org-a', 'a1'), again] });
    expect(metas.map((m) => m.receiveCount)).toEqual([1, 3]);
    expect(flushes).toBe(1);
  });
});
