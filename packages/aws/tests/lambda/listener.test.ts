import { ENV, METRIC } from '@autoflow/aws';
import { executionIdFor } from '@autoflow/engine';
import type { SQSEvent } from 'aws-lambda';
import { createListenerLambda } from '../../src/lambda/listener';
import { LambdaTestBed } from './support/LambdaTestBed';

describe('listener Lambda (SQS FIFO event source, ReportBatchItemFailures)', () => {
  let bed: LambdaTestBed;
  const flowIds: Record<string, string> = {};

  beforeAll(async () => {
    bed = await LambdaTestBed.start('listener');
    for (const org of ['org-a', 'org-b', 'org-c']) {
      const flow = await bed.saveFlow(org, {
        flow_name: 'manual',
        triggers: [{ type: 'entity_manual', configuration: {} }],
        actions: [{ id: 'noop', type: 'custom-noop' }],
      });
      flowIds[org] = flow.id;
    }
  });
  afterAll(() => bed?.stop());
  afterEach(() => bed.dynamoProxy.throttleRequestsContaining(undefined));

  const handler = () =>
    createListenerLambda({
      env: bed.env({ [ENV.executionsTable]: bed.tables.executions, [ENV.controlTable]: bed.tables.control, [ENV.triggerDlqUrl]: bed.queues.dlqUrl }),
    });
  const manual = (org: string, eventId: string) => JSON.stringify({ event_id: eventId, org_id: org, type: 'manual', flow_id: flowIds[org], entity: { _id: `ent-${eventId}`, _schema: 'order' } });
  const executionOf = (org: string, eventId: string) => bed.stores().executions.getState(org, executionIdFor(org, eventId, flowIds[org]!));

  it('dead-letters a poison message with its reason, reports only the transient failure and the rest of its group', async () => {
    // org-c's DynamoDB partition is throttled for the whole invocation: a failure that may pass later.
    bed.dynamoProxy.throttleRequestsContaining('ORG#org-c');
    const records = [
      bed.sqsRecord('org-a', manual('org-a', 'a1')),
      bed.sqsRecord('org-b', manual('org-b', 'b1')),
      bed.sqsRecord('org-a', '{"event_id": "a2", not json'), // poison, in the middle of org-a's group
      bed.sqsRecord('org-c', manual('org-c', 'c1')),
      bed.sqsRecord('org-a', manual('org-a', 'a3')),
      bed.sqsRecord('org-c', manual('org-c', 'c2')),
      bed.sqsRecord('org-b', manual('org-b', 'b2')),
    ];
    const [, , a2, c1, , c2] = records;
    const event: SQSEvent = { Records: records };

    const response = await handler()(event);

    // c1 failed and c2 was not attempted (it must not overtake c1); nothing else is retried.
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: c1!.messageId }, { itemIdentifier: c2!.messageId }] });
    expect(bed.dynamoProxy.throttled).toBeGreaterThan(0);
    // The poison message did not block org-a: a3 after it was processed.
    for (const [org, id] of [['org-a', 'a1'], ['org-a', 'a3'], ['org-b', 'b1'], ['org-b', 'b2']] as const) {
      expect(await executionOf(org, id)).toMatchObject({ status: 'starting', org_id: org });
    }
    expect(await executionOf('org-c', 'c1')).toBeUndefined();
    expect(await executionOf('org-c', 'c2')).toBeUndefined();

    const dead = await bed.drain(bed.queues.dlqUrl);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.Body).toBe(a2!.body);
    expect(dead[0]!.Attributes?.MessageGroupId).toBe('org-a');
    expect(dead[0]!.MessageAttributes?.reason?.StringValue).toMatch(/^body is not valid JSON/);
    expect(bed.metrics).toContainEqual({ name: METRIC.eventsRejected, value: 1, stage: 'test' });
  });

  it('creates nothing twice when the same batch is delivered again, and dead-letters an event whose org differs from its group', async () => {
    const first = bed.sqsRecord('org-b', manual('org-b', 'b9'));
    const forged = bed.sqsRecord('org-b', manual('org-a', 'a9'));
    const fn = handler();

    expect(await fn({ Records: [first, forged] })).toEqual({ batchItemFailures: [] });
    const created = await executionOf('org-b', 'b9');
    expect(await fn({ Records: [first] })).toEqual({ batchItemFailures: [] });

    expect(await executionOf('org-b', 'b9')).toEqual(created);
    expect(await executionOf('org-a', 'a9')).toBeUndefined();
    const dead = await bed.drain(bed.queues.dlqUrl);
    expect(dead.map((m) => m.MessageAttributes?.reason?.StringValue)).toEqual(['message group org-b does not match org_id org-a']);
  });

  it('refuses to start with every problem of its environment named', async () => {
    const fn = createListenerLambda({ env: { [ENV.stage]: 'Prod!', [ENV.executionsTable]: bed.tables.executions, AUTOFLOW_CONTROL_TABEL: 'x' } });
    await expect(fn({ Records: [] })).rejects.toThrow(
      /AUTOFLOW_STAGE must be 1-16 lower-case.*AUTOFLOW_CONTROL_TABLE is required.*AUTOFLOW_TRIGGER_DLQ_URL is required.*AUTOFLOW_CONTROL_TABEL is not a known field \(did you mean "AUTOFLOW_CONTROL_TABLE"\?\)/,
    );
  });
});
