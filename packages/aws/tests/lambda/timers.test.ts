import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ENV, LambdaConfigError, scheduleNameOf, timerMessageBody } from '@autoflow/aws';
import type { ExecutionState } from '@autoflow/core';
import type { StoredFlow, Timer } from '@autoflow/engine';
import { SqsQueues, toSqsRecord } from '@autoflow/local';
import type { SQSRecord } from 'aws-lambda';
import { createTimersLambda } from '../../src/lambda/timers';
import { SchedulerStub } from '../timers/SchedulerStub';
import { LambdaTestBed } from './support/LambdaTestBed';

const GROUP = 'autoflow-test-timers';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/autoflow-test-timers-scheduler';

interface Queue {
  name: string;
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

describe('timers Lambda (standard SQS event source, ReportBatchItemFailures)', () => {
  let bed: LambdaTestBed;
  let scheduler: SchedulerStub;
  let queues = 0;
  let flow: StoredFlow;

  beforeAll(async () => {
    bed = await LambdaTestBed.start('timers');
    scheduler = await SchedulerStub.start();
    // the function's SchedulerClient finds the stub as any SDK v3 client finds an endpoint override
    process.env.AWS_ENDPOINT_URL_SCHEDULER = scheduler.url;
    flow = await bed.saveFlow('org-t', { flow_name: 'delayed step', triggers: [{ type: 'entity_manual', configuration: {} }], actions: [{ id: 'later', type: 'custom-step' }] });
  });
  afterAll(async () => {
    await scheduler?.stop();
    await bed?.stop();
  });
  beforeEach(() => {
    scheduler.clear();
    bed.eventBridge.clear();
  });

  /** A timers queue and its DLQ on fauxqs, as the stateful stack creates them (one per test). */
  async function timersQueue(visibilityTimeoutSeconds = 360, maxReceiveCount = 5): Promise<Queue> {
    const name = `autoflow-test-timers-${++queues}`;
    const created = await new SqsQueues(bed.sqs).create({ name, fifo: false, visibilityTimeoutSeconds, dlq: { name: `${name}-dlq`, maxReceiveCount } });
    const onEndpoint = (url: string) => `${new URL(bed.queues.triggerUrl).origin}${new URL(url).pathname}`;
    return { name, url: onEndpoint(created.queue.url), arn: created.queue.arn, dlqUrl: onEndpoint(created.dlq!.url), dlqArn: created.dlq!.arn };
  }

  const timersLambda = (queue: Queue) =>
    createTimersLambda({
      env: bed.env({
        [ENV.executionsTable]: bed.tables.executions,
        [ENV.controlTable]: bed.tables.control,
        [ENV.automationBus]: 'autoflow-test-automation',
        [ENV.timersQueueUrl]: queue.url,
        [ENV.timersQueueArn]: queue.arn,
        [ENV.timersDlqArn]: queue.dlqArn,
        [ENV.timersScheduleGroup]: GROUP,
        [ENV.timersSchedulerRoleArn]: ROLE_ARN,
      }),
    });

  /** Sends a body to the queue and receives it as Lambda's poller would, as a record of the event. */
  async function delivered(queue: Queue, body: string): Promise<SQSRecord> {
    await bed.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
    const [message] = await receive(queue.url);
    return toSqsRecord(message!, queue.arn, 'us-east-1');
  }
  async function receive(url: string) {
    const out = await bed.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }));
    return out.Messages ?? [];
  }
  async function inspect(queue: Queue): Promise<{ delayed: Array<{ body: string; sentTimestamp: number; delayUntil?: number }> }> {
    const res = await fetch(`${new URL(queue.url).origin}/_fauxqs/queues/${queue.name}`);
    return ((await res.json()) as { messages: { delayed: Array<{ body: string; sentTimestamp: number; delayUntil?: number }> } }).messages;
  }
  const timer = (execution_id: string, due_at: number): Timer => ({ org_id: 'org-t', execution_id, index: 0, seq: 2, due_at, kind: 'delay' });

  /** An execution whose first action waits for a delay until `dueAt`, and the timer its state write armed. */
  async function waitingExecution(executionId: string, dueAt: number): Promise<Timer> {
    await bed.createExecution(flow, executionId);
    const { executions } = bed.stores();
    const { state } = (await executions.load('org-t', executionId))!;
    const seq = state.seq + 1;
    const next: ExecutionState = {
      ...state,
      seq,
      status: 'scheduled',
      updated_at: Date.now(),
      lease_until: dueAt + 60_000,
      acts: state.acts.map((slot, i) => (i === 0 ? { ...slot, s: 'scheduled', k: 'delay', sa: dueAt, ts: seq } : slot)),
    };
    await executions.writeState(next, state.seq);
    return { org_id: 'org-t', execution_id: executionId, index: 0, seq, due_at: dueAt, kind: 'delay' };
  }

  it('hands a due timer to the dispatcher, which reads the execution from its table (a timer of an execution that is gone does nothing)', async () => {
    const queue = await timersQueue();
    const fn = timersLambda(queue);

    const response = await fn({ Records: [await delivered(queue, timerMessageBody(timer('x-gone', Date.now() - 1_000)))] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(bed.eventBridge.entries).toEqual([]);
  });

  it('arms a timer that came early again: on the queue for the rest of a short wait, on the Scheduler for a long one', async () => {
    const queue = await timersQueue();
    const fn = timersLambda(queue);
    // the Scheduler and SQS deliver on their clocks; the dispatcher goes by its own
    const soon = await waitingExecution('x-soon', Date.now() + 5 * 60_000);
    const later = await waitingExecution('x-later', Date.now() + 3 * 3_600_000);

    const response = await fn({ Records: [await delivered(queue, timerMessageBody(soon)), await delivered(queue, timerMessageBody(later))] });

    expect(response).toEqual({ batchItemFailures: [] });
    const [requeued, ...others] = (await inspect(queue)).delayed;
    expect(others).toEqual([]);
    expect(JSON.parse(requeued!.body)).toEqual(soon);
    expect((requeued!.delayUntil! - requeued!.sentTimestamp) / 1000).toBeGreaterThan(295);
    expect((requeued!.delayUntil! - requeued!.sentTimestamp) / 1000).toBeLessThanOrEqual(300);
    expect(scheduler.inGroup(GROUP)).toEqual([
      expect.objectContaining({
        Name: scheduleNameOf(later),
        Target: expect.objectContaining({ Arn: queue.arn, RoleArn: ROLE_ARN, DeadLetterConfig: { Arn: queue.dlqArn } }),
      }),
    ]);
  });

  it('fails a message that is not a timer until the redrive policy moves it to the timers DLQ', async () => {
    const queue = await timersQueue(1, 1);
    const fn = timersLambda(queue);
    const body = JSON.stringify({ hello: 'world' });

    const response = await fn({ Records: [await delivered(queue, body)] });
    expect(response.batchItemFailures).toHaveLength(1);

    // not deleted: once visible again, its next receive is over maxReceiveCount and SQS moves it
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await receive(queue.url)).toEqual([]);
    expect((await bed.drain(queue.dlqUrl)).map((m) => m.Body)).toEqual([body]);
  });

  it('refuses to start without the timer settings, naming each missing variable', async () => {
    const fn = createTimersLambda({
      env: bed.env({ [ENV.executionsTable]: bed.tables.executions, [ENV.controlTable]: bed.tables.control, [ENV.automationBus]: 'autoflow-test-automation' }),
    });

    const failure = await fn({ Records: [] }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(LambdaConfigError);
    expect((failure as LambdaConfigError).problems.map((p) => p.path)).toEqual([
      ENV.timersQueueUrl,
      ENV.timersQueueArn,
      ENV.timersDlqArn,
      ENV.timersScheduleGroup,
      ENV.timersSchedulerRoleArn,
    ]);
  });
});
