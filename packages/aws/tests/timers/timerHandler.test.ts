import type { DispatchOutcome, Logger, Timer, TimerService } from '@autoflow/engine';
import type { SQSRecord } from 'aws-lambda';
import { createTimerHandler } from '../../src/handlers/timerHandler';
import { timerMessageBody } from '../../src/timers';

const record = (id: string, body: string): SQSRecord => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  body,
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1700000000000', SenderId: 'AIDA', ApproximateFirstReceiveTimestamp: '1700000000001' },
  messageAttributes: {},
  md5OfBody: 'x',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:autoflow-test-timers',
  awsRegion: 'us-east-1',
});

const timer = (execution_id: string, over: Partial<Timer> = {}): Timer => ({ org_id: 'org-1', execution_id, index: 0, seq: 4, due_at: 1_700_000_000_000, kind: 'delay', ...over });

/** The dispatcher's timer entry, answering per execution as told; it records what it was handed. */
function dispatcherAnswering(outcomes: Record<string, DispatchOutcome | Error>) {
  const fired: Timer[] = [];
  return {
    fired,
    onTimer: async (t: Timer): Promise<DispatchOutcome> => {
      fired.push(t);
      const outcome = outcomes[t.execution_id] ?? 'dispatched';
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  };
}

/** An in-memory timer port: what was armed. */
function recordingTimers(): TimerService & { armed: Timer[] } {
  const armed: Timer[] = [];
  return { armed, arm: async (ts) => void armed.push(...ts), disarm: async () => undefined };
}

function recordingLogger(): Logger & { lines: Array<{ level: string; message: string; extra?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; extra?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) => void lines.push({ level, message, ...(extra ? { extra } : {}) });
  return { lines, debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error') };
}

describe('createTimerHandler', () => {
  it('hands every timer of the batch to onTimer and reports no failures', async () => {
    const dispatcher = dispatcherAnswering({ 'exec-2': 'none' }); // a late or fenced timer: a no-op
    const handle = createTimerHandler({ dispatcher, timers: recordingTimers() });
    const timers = [timer('exec-1'), timer('exec-2', { kind: 'retry', index: 2 }), timer('exec-3', { kind: 'wait' })];

    const response = await handle({ Records: timers.map((t, i) => record(String(i), timerMessageBody(t))) });

    expect(response.batchItemFailures).toEqual([]);
    expect(dispatcher.fired).toEqual(expect.arrayContaining(timers));
    expect(dispatcher.fired).toHaveLength(3);
  });

  it('arms a timer that came before its due time again, and counts it as handled', async () => {
    const timers = recordingTimers();
    const early = timer('exec-early', { due_at: 1_800_000_000_000 });
    const handle = createTimerHandler({ dispatcher: dispatcherAnswering({ 'exec-early': 'early' }), timers });

    const response = await handle({ Records: [record('1', timerMessageBody(early)), record('2', timerMessageBody(timer('exec-due')))] });

    expect(response.batchItemFailures).toEqual([]);
    expect(timers.armed).toEqual([early]);
  });

  it.each([
    ['not JSON', '{"org_id":'],
    ['JSON without the timer’s fields', JSON.stringify({ org_id: 'org-1', execution_id: 'exec-1', index: -1, kind: 'nap' })],
  ])('fails a record whose body is %s, logging why, so that redrive moves it to the DLQ', async (_case, body) => {
    const dispatcher = dispatcherAnswering({});
    const logger = recordingLogger();
    const handle = createTimerHandler({ dispatcher, timers: recordingTimers(), logger });

    const response = await handle({ Records: [record('bad', body), record('good', timerMessageBody(timer('exec-1')))] });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(dispatcher.fired.map((t) => t.execution_id)).toEqual(['exec-1']);
    expect(logger.lines).toEqual([
      { level: 'error', message: expect.stringContaining('timers DLQ'), extra: expect.objectContaining({ message_id: 'bad', reason: expect.stringContaining('timer message is invalid') }) },
    ]);
  });

  it('names every problem of a message with its path', async () => {
    const logger = recordingLogger();
    const handle = createTimerHandler({ dispatcher: dispatcherAnswering({}), timers: recordingTimers(), logger });

    await handle({ Records: [record('bad', JSON.stringify({ org_id: 'org-1', execution_id: 'exec-1', index: -1, seq: 2, due_at: 5, kind: 'nap' }))] });

    const reason = String(logger.lines[0]?.extra?.reason);
    expect(reason).toContain('index');
    expect(reason).toContain('kind');
  });

  it('fails only the record whose timer threw, while the others succeed', async () => {
    const dispatcher = dispatcherAnswering({ 'exec-2': new Error('DynamoDB throttled') });
    const handle = createTimerHandler({ dispatcher, timers: recordingTimers(), logger: recordingLogger() });

    const response = await handle({ Records: ['exec-1', 'exec-2', 'exec-3'].map((id, i) => record(String(i), timerMessageBody(timer(id)))) });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '1' }]);
    expect(dispatcher.fired).toHaveLength(3);
  });

  it('fails the record when an early timer could not be armed again, so SQS delivers it again', async () => {
    const timers: TimerService = { arm: async () => Promise.reject(new Error('Scheduler throttled')), disarm: async () => undefined };
    const handle = createTimerHandler({ dispatcher: dispatcherAnswering({ 'exec-early': 'early' }), timers, logger: recordingLogger() });

    const response = await handle({ Records: [record('1', timerMessageBody(timer('exec-early')))] });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: '1' }]);
  });
});
