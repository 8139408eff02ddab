import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AutomationError } from '@autoflow/core';
import type { Logger, Timer } from '@autoflow/engine';
import { type Fauxqs, SqsQueues, localAwsClientConfig, startFauxqs } from '@autoflow/local';
import { SCHEDULE_RETRY_POLICY, SchedulerTimerService, type SchedulerTimerSettings, atExpression, scheduleNameOf } from '../../src/timers';
import { SchedulerStub } from './SchedulerStub';

const MINUTE = 60_000;

interface QueuedMessage {
  body: string;
  sentTimestamp: number;
  delayUntil?: number;
}

describe('SchedulerTimerService (fauxqs for SQS, a wire stub for EventBridge Scheduler)', () => {
  let fauxqs: Fauxqs;
  let sqs: SQSClient;
  let stub: SchedulerStub;
  let scheduler: SchedulerClient;
  let settings: SchedulerTimerSettings;
  let queueName: string;
  let queueCount = 0;
  const warnings: Array<{ message: string; extra?: Record<string, unknown> }> = [];
  const logger: Logger = { debug() {}, info() {}, error() {}, warn: (message, extra) => warnings.push({ message, ...(extra ? { extra } : {}) }) };

  beforeAll(async () => {
    fauxqs = await startFauxqs();
    sqs = new SQSClient(localAwsClientConfig(fauxqs.endpoint));
    stub = await SchedulerStub.start();
    scheduler = new SchedulerClient({ endpoint: stub.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    scheduler?.destroy();
    sqs?.destroy();
    await stub?.stop();
    await fauxqs?.stop();
  });

  // A queue of its own per test, so that each sees only the messages it sent.
  beforeEach(async () => {
    queueName = `autoflow-test-timers-${++queueCount}`;
    const created = await new SqsQueues(sqs).create({ name: queueName, fifo: false, visibilityTimeoutSeconds: 360, dlq: { name: `${queueName}-dlq`, maxReceiveCount: 5 } });
    settings = {
      queueUrl: `${fauxqs.endpoint}${new URL(created.queue.url).pathname}`,
      queueArn: created.queue.arn,
      deadLetterQueueArn: created.dlq!.arn,
      scheduleGroup: 'autoflow-test-timers',
      schedulerRoleArn: 'arn:aws:iam::000000000000:role/autoflow-test-timers-scheduler',
    };
    stub.clear();
    warnings.length = 0;
  });

  /** A service whose clock stands at `now` (fauxqs delays by its own clock, so `now` is the real time). */
  const serviceAt = (now: number) => new SchedulerTimerService({ sqs, scheduler, settings, clock: { now: () => now }, logger });
  const timer = (over: Partial<Timer> & Pick<Timer, 'due_at'>): Timer => ({ org_id: 'org-1', execution_id: 'exec-1', index: 0, seq: 3, kind: 'delay', ...over });
  /** Every message on the timers queue, without receiving it (fauxqs' inspection endpoint). */
  async function queued(): Promise<{ ready: QueuedMessage[]; delayed: QueuedMessage[] }> {
    const res = await fetch(`${fauxqs.endpoint}/_fauxqs/queues/${queueName}`);
    return ((await res.json()) as { messages: { ready: QueuedMessage[]; delayed: QueuedMessage[] } }).messages;
  }
  const delaySeconds = (m: QueuedMessage) => (m.delayUntil === undefined ? 0 : (m.delayUntil - m.sentTimestamp) / 1000);

  describe('arm', () => {
    it('queues a timer due within 15 minutes with DelaySeconds rounded up to the second, its body the timer', async () => {
      const now = Date.now();
      const timers = [
        timer({ index: 0, due_at: now - 5_000, kind: 'retry' }), // overdue: at once
        timer({ index: 1, due_at: now + 1_200 }), // 1.2 s → 2 s
        timer({ index: 2, due_at: now + 10 * MINUTE, kind: 'wait' }),
        timer({ index: 3, due_at: now + 15 * MINUTE, kind: 'window' }), // the longest SQS delay
      ];

      await serviceAt(now).arm(timers);

      const { ready, delayed } = await queued();
      expect(ready.map((m) => JSON.parse(m.body))).toEqual([timers[0]]);
      expect(delayed.map((m) => [JSON.parse(m.body), delaySeconds(m)])).toEqual([
        [timers[1], 2],
        [timers[2], 600],
        [timers[3], 900],
      ]);
      expect(stub.calls).toEqual([]);
    });

    it('sends more than ten near timers in batches of ten', async () => {
      const now = Date.now();
      const timers = Array.from({ length: 23 }, (_, index) => timer({ index, due_at: now + 60_000 }));

      await serviceAt(now).arm(timers);

      const { delayed } = await queued();
      expect(delayed.map((m) => JSON.parse(m.body).index).sort((a, b) => a - b)).toEqual(timers.map((t) => t.index));
    });

    it('makes a timer due later a one-time schedule in the group that puts the timer on the queue when due', async () => {
      const now = Date.parse('2026-12-06T10:00:00.000Z');
      const t = timer({ execution_id: 'exec-far', index: 2, seq: 7, due_at: Date.parse('2026-12-20T09:30:00.250Z'), kind: 'delay' });

      await serviceAt(now).arm([t]);

      const schedules = stub.inGroup('autoflow-test-timers');
      expect(schedules).toEqual([
        {
          Name: scheduleNameOf(t),
          GroupName: 'autoflow-test-timers',
          ScheduleExpression: 'at(2026-12-20T09:30:01)',
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Description: 'autoflow delay timer, action 2, seq 7',
          ClientToken: expect.any(String),
          Target: {
            Arn: settings.queueArn,
            RoleArn: settings.schedulerRoleArn,
            Input: expect.any(String),
            RetryPolicy: SCHEDULE_RETRY_POLICY,
            DeadLetterConfig: { Arn: settings.deadLetterQueueArn },
          },
        },
      ]);
      // what the Scheduler puts on the queue when the schedule runs: the timer, as a near timer's body
      expect(JSON.parse(schedules[0]!.Target!.Input!)).toEqual(t);
      expect(await queued()).toMatchObject({ ready: [], delayed: [] });
    });

    it('splits a mixed batch at 15 minutes from now', async () => {
      const now = Date.now();
      const near = timer({ index: 0, due_at: now + 15 * MINUTE });
      const far = timer({ index: 1, due_at: now + 15 * MINUTE + 1 });

      await serviceAt(now).arm([near, far]);

      expect((await queued()).delayed.map((m) => JSON.parse(m.body))).toEqual([near]);
      expect(stub.inGroup(settings.scheduleGroup).map((s) => s.Name)).toEqual([scheduleNameOf(far)]);
    });

    it('counts a schedule that exists already as armed (ConflictException)', async () => {
      const now = Date.now();
      const t = timer({ due_at: now + 60 * MINUTE });
      const service = serviceAt(now);

      await service.arm([t]);
      await expect(service.arm([t])).resolves.toBeUndefined();

      expect(stub.calls.map((c) => c.operation)).toEqual(['CreateSchedule', 'CreateSchedule']);
      expect(stub.inGroup(settings.scheduleGroup)).toHaveLength(1);
    });

    it('fails with a retryable error when the Scheduler throttles, and a non-retryable one when it refuses the request', async () => {
      const now = Date.now();
      const service = serviceAt(now);
      stub.failNext('CreateSchedule', 'ThrottlingException', 429);
      stub.failNext('CreateSchedule', 'ValidationException', 400);

      const throttled = await service.arm([timer({ due_at: now + 60 * MINUTE })]).catch((e: unknown) => e);
      const refused = await service.arm([timer({ due_at: now + 60 * MINUTE })]).catch((e: unknown) => e);

      expect(throttled).toBeInstanceOf(AutomationError);
      expect(throttled).toMatchObject({ retryable: true, code: 'INTERNAL_ERROR' });
      expect((throttled as Error).message).toContain('ThrottlingException');
      expect(refused).toMatchObject({ retryable: false, code: 'BAD_CONFIG' });
    });
  });

  describe('disarm', () => {
    it('deletes the schedule of a timer due later than 15 minutes, and leaves queued timers to their fencing token', async () => {
      const now = Date.now();
      const far = timer({ index: 1, due_at: now + 2 * 60 * MINUTE });
      const near = timer({ index: 0, due_at: now + 5 * MINUTE });
      const service = serviceAt(now);
      await service.arm([near, far]);

      await service.disarm([near, far]);

      expect(stub.inGroup(settings.scheduleGroup)).toEqual([]);
      expect(stub.calls).toEqual([
        { operation: 'CreateSchedule', group: settings.scheduleGroup, name: scheduleNameOf(far) },
        { operation: 'DeleteSchedule', group: settings.scheduleGroup, name: scheduleNameOf(far) },
      ]);
      // a queued message cannot be taken back: it fires, and onTimer finds the slot moved on
      expect((await queued()).delayed.map((m) => JSON.parse(m.body))).toEqual([near]);
    });

    it('ignores a schedule that is gone (ResourceNotFoundException): fired, or never created', async () => {
      const now = Date.now();

      await expect(serviceAt(now).disarm([timer({ due_at: now + 60 * MINUTE })])).resolves.toBeUndefined();

      expect(stub.calls.map((c) => c.operation)).toEqual(['DeleteSchedule']);
      expect(warnings).toEqual([]);
    });

    it('logs, and does not throw, when a schedule could not be deleted: it would fire into a no-op', async () => {
      const now = Date.now();
      stub.failNext('DeleteSchedule', 'ThrottlingException', 429);

      await expect(serviceAt(now).disarm([timer({ due_at: now + 60 * MINUTE })])).resolves.toBeUndefined();

      expect(warnings).toEqual([{ message: expect.stringContaining('could not delete'), extra: expect.objectContaining({ execution_id: 'exec-1', error: expect.stringContaining('ThrottlingException') }) }]);
    });
  });
});

describe('schedule names and expressions', () => {
  const t: Timer = { org_id: 'org-1', execution_id: 'exec-1', index: 0, seq: 1, due_at: 0, kind: 'delay' };

  it.each([
    ['a long execution id', { ...t, execution_id: 'x'.repeat(500) }],
    ['an execution id with characters schedules may not hold', { ...t, execution_id: 'évt:42/flow#1 ✓' }],
  ])('fits the Scheduler’s name rules for %s', (_case, timer) => {
    expect(scheduleNameOf(timer)).toMatch(/^[0-9A-Za-z._-]{1,64}$/);
  });

  it('differs per org, execution, action and seq, and is stable for one timer', () => {
    const names = [t, { ...t, org_id: 'org-2' }, { ...t, execution_id: 'exec-2' }, { ...t, index: 1 }, { ...t, seq: 2 }].map(scheduleNameOf);
    expect(new Set(names).size).toBe(5);
    const rearmed: Timer = { ...t, due_at: 99, kind: 'retry' };
    expect(scheduleNameOf(rearmed)).toBe(names[0]);
  });

  it.each([
    [Date.parse('2027-01-31T23:59:59.000Z'), 'at(2027-01-31T23:59:59)'],
    [Date.parse('2027-01-31T23:59:59.001Z'), 'at(2027-02-01T00:00:00)'],
  ])('writes %s as %s (UTC, never before the due time)', (dueAt, expression) => {
    expect(atExpression(dueAt)).toBe(expression);
  });
});
