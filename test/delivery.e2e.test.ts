import { cancel } from '@autoflow/core';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { createDispatcherHandler, executionKeys } from '@autoflow/aws';
import { type DispatchMessage, executionIdFor } from '@autoflow/engine';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { saveFlow, statusChanged } from './support/flows';
import { waitFor } from './support/waitFor';
import { finishedExecution, useEmbeddedStack } from './support/useEmbeddedStack';

/** At-least-once delivery everywhere, exactly one execution and one side effect. */
describe('duplicate deliveries and invalid input', () => {
  const dispatched: DispatchMessage[] = [];
  let release: () => void = () => {};
  let gate = Promise.resolve();
  const env = useEmbeddedStack({
    customHandlers: {
      // A custom action that runs until the test releases it.
      gate: async () => {
        await gate;
        return { outputs: { released: true } };
      },
    },
  });

  beforeAll(() => {
    env.stack.bus.addRule({
      name: 'spy',
      pattern: { source: ['autoflow.dispatcher'] },
      target: async (event) => void dispatched.push(event.detail as DispatchMessage),
    });
  });

  afterAll(() => release());

  const finished = (org: string, id: string) => finishedExecution(env.stack, org, id);

  const manualEvent = (org: string, eventId: string, flowId: string, entityId = 'e-1') => ({
    event_id: eventId,
    org_id: org,
    type: 'manual',
    flow_id: flowId,
    entity: { _id: entityId, _schema: 'order', status: 'placed' },
  });

  it('creates one execution and one webhook call when the same SQS message arrives twice', async () => {
    const org = 'dup-sqs';
    const flow = await saveFlow(env.stack, org, {
      flow_name: 'manual webhook',
      triggers: [{ type: 'entity_manual', configuration: {} }],
      actions: [{ id: 'hook', type: 'trigger-webhook', config: { url: `${env.hooks.url}/dup-sqs` } }],
    });
    const body = JSON.stringify(manualEvent(org, 'evt-1', flow.id));
    // Two deliveries of one event (distinct deduplication ids, so the queue keeps both).
    for (const dedup of ['a', 'b']) {
      await env.stack.clients.sqs.send(new SendMessageCommand({ QueueUrl: env.stack.queues.triggerUrl, MessageBody: body, MessageGroupId: org, MessageDeduplicationId: dedup }));
    }
    const id = executionIdFor(org, 'evt-1', flow.id);
    const execution = await finished(org, id);
    expect(execution?.execution_status).toBe('success');
    // Give the second delivery time to be processed before counting.
    await waitFor('both messages consumed', async () => ((await queueDepth(env.stack.queues.triggerUrl)) === 0 ? true : undefined));
    const all = await env.stack.stores.executions.listByEntity(org, 'e-1');
    expect(all.map((s) => s.execution_id)).toEqual([id]);
    expect(env.hooks.received('/dup-sqs')).toHaveLength(1);
    expect((await env.stack.stores.flows.get(org, flow.id))?.runs).toBe(1);
  });

  it('ignores replayed stream records and re-published dispatch events: one side effect each', async () => {
    const org = 'dup-stream';
    gate = new Promise<void>((resolve) => (release = resolve));
    const flow = await saveFlow(env.stack, org, {
      flow_name: 'gate then webhook',
      triggers: [{ type: 'entity_manual', configuration: {} }],
      actions: [
        { id: 'gate', type: 'gate', config: {} },
        { id: 'hook', type: 'trigger-webhook', config: { url: `${env.hooks.url}/dup-stream` } },
      ],
    });
    await env.stack.publishEvents([manualEvent(org, 'evt-2', flow.id, 'e-2')]);
    const id = executionIdFor(org, 'evt-2', flow.id);
    await waitFor('the gate action to run', async () => ((await env.stack.stores.executions.getState(org, id))?.acts[0]?.s === 'in_progress' ? true : undefined));

    // Replay the state item's INSERT record while the first action runs: no second dispatch.
    const dispatcher = createDispatcherHandler(env.stack.dispatcher);
    const before = env.stack.publisher.entriesPublished;
    const items = await collection(org, id);
    const insert = streamEvent('INSERT', items.find((i) => i.sk?.S === 'STATE')!, { ...items.find((i) => i.sk?.S === 'STATE')!, seq: { N: '0' } });
    expect(await dispatcher(insert)).toEqual({ batchItemFailures: [] });
    expect(await dispatcher(insert)).toEqual({ batchItemFailures: [] });
    expect(env.stack.publisher.entriesPublished).toBe(before);

    release();
    const execution = await finished(org, id);
    expect(execution?.execution_status).toBe('success');

    // Replay every record of the finished execution, twice.
    const done = await collection(org, id);
    const replay: DynamoDBStreamEvent = {
      Records: done.flatMap((item) => streamEvent('INSERT', item).Records).concat(done.flatMap((item) => streamEvent('INSERT', item).Records)),
    };
    const entries = env.stack.publisher.entriesPublished;
    expect(await dispatcher(replay)).toEqual({ batchItemFailures: [] });
    expect(env.stack.publisher.entriesPublished).toBe(entries);

    // Re-publish the webhook's dispatch event: the worker's claim refuses it.
    const hookDispatch = dispatched.find((d) => d.dispatch.execution_id === id && d.dispatch.action_id === 'hook');
    expect(hookDispatch).toBeDefined();
    await env.stack.publisher.publish([hookDispatch!]);
    await env.stack.publisher.publish([hookDispatch!]);
    await env.stack.bus.idle();
    expect(env.hooks.received('/dup-stream')).toHaveLength(1);
    const after = await env.stack.getExecution(org, id);
    expect((after as any).actions[1]).toMatchObject({ execution_status: 'success', attempts: 1 });
  });

  it('releases the entity lock of an execution cancelled while it runs, so the next one on the entity starts', async () => {
    const org = 'cancel-running';
    gate = new Promise<void>((resolve) => (release = resolve));
    const flow = await saveFlow(env.stack, org, {
      flow_name: 'gate',
      triggers: [{ type: 'entity_manual', configuration: {} }],
      actions: [{ id: 'gate', type: 'gate', config: {} }],
    });
    await env.stack.publishEvents([
      { event_id: 'first', org_id: org, type: 'manual', flow_id: flow.id, entity: { _id: 'shared', _schema: 'order' } },
      { event_id: 'second', org_id: org, type: 'manual', flow_id: flow.id, entity: { _id: 'shared', _schema: 'order' } },
    ]);
    const first = executionIdFor(org, 'first', flow.id);
    const second = executionIdFor(org, 'second', flow.id);
    await waitFor('the first to run and the second to wait', async () => {
      const [a, b] = await Promise.all([env.stack.stores.executions.getState(org, first), env.stack.stores.executions.getState(org, second)]);
      return a?.acts[0]?.s === 'in_progress' && b?.status === 'pending' ? true : undefined;
    });
    // Cancel the first the way the API does: a conditional write of the cancelled state.
    const running = (await env.stack.stores.executions.getState(org, first))!;
    const decision = cancel(running, Date.now(), 'cancelled by a person');
    if (decision.kind !== 'write') throw new Error('expected a write');
    await env.stack.stores.executions.writeState(decision.next, decision.expect_seq);
    // The second one gets the lock and runs (its gate is the same promise: open it now).
    await waitFor('the second to run', async () => ((await env.stack.stores.executions.getState(org, second))?.acts[0]?.s === 'in_progress' ? true : undefined));
    release();
    expect((await finished(org, second))?.execution_status).toBe('success');
    expect((await env.stack.stores.executions.getState(org, first))?.status).toBe('cancelled');
  });

  it('dead-letters invalid events with their reason and still processes the valid events beside them', async () => {
    const org = 'invalid-mix';
    const flow = await saveFlow(env.stack, org, {
      flow_name: 'manual webhook',
      triggers: [{ type: 'entity_manual', configuration: {} }],
      actions: [{ id: 'hook', type: 'trigger-webhook', config: { url: `${env.hooks.url}/invalid-mix` } }],
    });
    const bodies = [
      JSON.stringify(manualEvent(org, 'ok-1', flow.id, 'e-ok-1')),
      '{"this is": not json',
      JSON.stringify({ event_id: 'bad-1', org_id: org, type: 'teleport' }),
      JSON.stringify({ event_id: 'bad-2', org_id: 'another-org', type: 'manual', flow_id: flow.id, entity: { _id: 'x', _schema: 'order' } }),
      JSON.stringify(manualEvent(org, 'ok-2', flow.id, 'e-ok-2')),
    ];
    for (const [i, body] of bodies.entries()) {
      await env.stack.clients.sqs.send(new SendMessageCommand({ QueueUrl: env.stack.queues.triggerUrl, MessageBody: body, MessageGroupId: org, MessageDeduplicationId: `m${i}` }));
    }
    for (const eventId of ['ok-1', 'ok-2']) {
      expect((await finished(org, executionIdFor(org, eventId, flow.id)))?.execution_status).toBe('success');
    }
    const dead: Message[] = [];
    await waitFor('three dead letters', async () => {
      const out = await env.stack.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: env.stack.queues.dlqUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 60 }),
      );
      for (const m of out.Messages ?? []) {
        dead.push(m);
        // FIFO: the group's next message is only handed out once this one is deleted.
        await env.stack.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: env.stack.queues.dlqUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
      return dead.length >= 3 ? true : undefined;
    });
    const reasons = dead.map((m) => m.MessageAttributes?.reason?.StringValue ?? '');
    expect(reasons.find((r) => r.includes('not valid JSON'))).toBeDefined();
    expect(reasons.find((r) => r.includes('type'))).toBeDefined();
    expect(reasons.find((r) => r.includes('does not match org_id'))).toBeDefined();
    expect(dead.map((m) => m.Body)).toEqual(expect.arrayContaining([bodies[1], bodies[2], bodies[3]]));
    expect(env.hooks.received('/invalid-mix')).toHaveLength(2);
  });

  async function queueDepth(url: string): Promise<number> {
    const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
    const out = await env.stack.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  }

  async function collection(org: string, id: string) {
    const out = await env.stack.clients.dynamodb.send(
      new QueryCommand({ TableName: env.stack.tables.executions, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: executionKeys.collection(org, id) } } }),
    );
    return (out.Items ?? []) as Array<Record<string, any>>;
  }

  function streamEvent(eventName: 'INSERT' | 'MODIFY', item: Record<string, any>, newImage: Record<string, any> = item): DynamoDBStreamEvent {
    return {
      Records: [
        {
          eventID: `replay-${Math.random()}`,
          eventName,
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: 'us-east-1',
          dynamodb: { Keys: { pk: item.pk, sk: item.sk }, NewImage: newImage, SequenceNumber: '1', SizeBytes: 1, StreamViewType: 'NEW_AND_OLD_IMAGES' },
          eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/replay/stream/1',
        },
      ],
    };
  }
});
