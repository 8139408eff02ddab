import { createHash } from 'node:crypto';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { NonRetryableError, RetryableError } from '@autoflow/core';
import { type Clock, type Logger, type Timer, type TimerService, silentLogger, timerName } from '@autoflow/engine';
import { timerMessageBody } from './timerMessage';

/** Where timers wait: the timers queue and its DLQ, and the Scheduler group and role for later timers. */
export interface SchedulerTimerSettings {
  queueUrl: string;
  queueArn: string;
  deadLetterQueueArn: string;
  scheduleGroup: string;
  /** the role EventBridge Scheduler assumes to send a due timer to the queue (and to its DLQ) */
  schedulerRoleArn: string;
}

export interface SchedulerTimerServiceDeps {
  sqs: SQSClient;
  scheduler: SchedulerClient;
  settings: SchedulerTimerSettings;
  clock: Clock;
  logger?: Logger;
}

/** SQS holds a message back at most 15 minutes (`DelaySeconds` ≤ 900); later timers go to the Scheduler. */
export const SQS_MAX_DELAY_MS = 900_000;

/**
 * How often and how long the Scheduler retries sending a due timer to the queue before it goes to
 * the DLQ: the service's maxima (185 attempts, 24 hours), as a lost timer leaves an execution
 * waiting until the sweeper notices.
 */
export const SCHEDULE_RETRY_POLICY = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 } as const;

const BATCH = 10;

/**
 * The schedule name of a timer: unique per (org, execution, index, seq), as execution ids are unique
 * only within an org, and within the Scheduler's limits (≤ 64 characters of [0-9A-Za-z._-]), which
 * an execution id need not fit. A hash also keeps org and execution ids out of the name.
 */
export function scheduleNameOf(timer: Pick<Timer, 'org_id' | 'execution_id' | 'index' | 'seq'>): string {
  return `timer-${createHash('sha256').update(`${timer.org_id}\u0000${timerName(timer)}`).digest('base64url')}`;
}

/** A one-time schedule expression in UTC, rounded up to the second: a timer never fires before it is due. */
export function atExpression(dueAt: number): string {
  return `at(${new Date(Math.ceil(dueAt / 1000) * 1000).toISOString().slice(0, 19)})`;
}

/** `DelaySeconds` for a timer due within 15 minutes, rounded up to the second. */
export function delaySecondsOf(dueAt: number, now: number): number {
  return Math.min(Math.max(Math.ceil((dueAt - now) / 1000), 0), SQS_MAX_DELAY_MS / 1000);
}

/**
 * The timer port on AWS. A timer due within 15 minutes is a message on the timers queue, held back
 * with `DelaySeconds` (precise to the second); a later one is an EventBridge Scheduler one-time
 * schedule (precise to about a minute) whose target puts the same message on the same queue when
 * it is due, and which deletes itself after it ran. Either way one function reads the queue and
 * hands the timer to `Dispatcher.onTimer`. Nothing runs and nothing is read while timers wait.
 *
 * Arming is idempotent: a schedule that exists already counts as armed, and a second message for a
 * queued timer is a duplicate delivery, which the fencing token makes a no-op. See
 * docs/decisions/0008-timers.md.
 */
export class SchedulerTimerService implements TimerService {
  private readonly logger: Logger;

  constructor(private readonly deps: SchedulerTimerServiceDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  async arm(timers: readonly Timer[]): Promise<void> {
    const now = this.deps.clock.now();
    const near = timers.filter((t) => t.due_at - now <= SQS_MAX_DELAY_MS);
    const far = timers.filter((t) => t.due_at - now > SQS_MAX_DELAY_MS);
    const results = await Promise.allSettled([this.enqueue(near, now), this.schedule(far)]);
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failed.length > 0) throw failed[0];
  }

  /**
   * Deletes the schedules of timers due later than 15 minutes from now. Nearer timers may already
   * be messages on the queue, which cannot be taken back: they fire, find another fencing token (or
   * no scheduled slot) and change nothing. A schedule that is gone (fired, or never created because
   * the timer was queued) is ignored. Other failures are logged, not thrown: disarming is only an
   * optimisation (a schedule left behind fires into a no-op), and a caller's retry would not
   * disarm again anyway.
   */
  async disarm(timers: readonly Timer[]): Promise<void> {
    const now = this.deps.clock.now();
    const far = timers.filter((t) => t.due_at - now > SQS_MAX_DELAY_MS);
    for (let i = 0; i < far.length; i += BATCH) {
      await Promise.all(far.slice(i, i + BATCH).map((t) => this.deleteSchedule(t)));
    }
  }

  private async enqueue(timers: readonly Timer[], now: number): Promise<void> {
    for (let i = 0; i < timers.length; i += BATCH) {
      const chunk = timers.slice(i, i + BATCH);
      const out = await this.deps.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.deps.settings.queueUrl,
          Entries: chunk.map((t, n) => ({ Id: String(n), MessageBody: timerMessageBody(t), DelaySeconds: delaySecondsOf(t.due_at, now) })),
        }),
      );
      if (out.Failed && out.Failed.length > 0) {
        throw new RetryableError('INTERNAL_ERROR', `timers queue refused ${out.Failed.length} timers: ${out.Failed.map((f) => `${f.Code}: ${f.Message}`).join('; ')}`);
      }
    }
  }

  private async schedule(timers: readonly Timer[]): Promise<void> {
    for (let i = 0; i < timers.length; i += BATCH) {
      await Promise.all(timers.slice(i, i + BATCH).map((t) => this.createSchedule(t)));
    }
  }

  private async createSchedule(timer: Timer): Promise<void> {
    try {
      await this.deps.scheduler.send(new CreateScheduleCommand(this.scheduleInput(timer)));
    } catch (err) {
      // The same timer armed twice (a replayed transition, an early timer armed again): armed.
      if (err instanceof ConflictException) return;
      const message = `could not schedule the ${timer.kind} timer of ${timer.execution_id} (action ${timer.index}, seq ${timer.seq}): ${(err as Error).name}: ${(err as Error).message}`;
      // A request the Scheduler refuses as invalid will be refused again: a deployment problem.
      if (err instanceof ValidationException) throw new NonRetryableError('BAD_CONFIG', message, { cause: err });
      throw new RetryableError('INTERNAL_ERROR', message, { cause: err });
    }
  }

  /** The one-time schedule of a timer, as CreateSchedule takes it. */
  private scheduleInput(timer: Timer): CreateScheduleCommandInput {
    const { settings } = this.deps;
    return {
      Name: scheduleNameOf(timer),
      GroupName: settings.scheduleGroup,
      ScheduleExpression: atExpression(timer.due_at),
      ScheduleExpressionTimezone: 'UTC',
      // OFF: the Scheduler fires at the time, not somewhere in a window after it
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Description: `autoflow ${timer.kind} timer, action ${timer.index}, seq ${timer.seq}`,
      Target: {
        Arn: settings.queueArn,
        RoleArn: settings.schedulerRoleArn,
        Input: timerMessageBody(timer),
        RetryPolicy: { ...SCHEDULE_RETRY_POLICY },
        DeadLetterConfig: { Arn: settings.deadLetterQueueArn },
      },
    };
  }

  private async deleteSchedule(timer: Timer): Promise<void> {
    try {
      await this.deps.scheduler.send(new DeleteScheduleCommand({ Name: scheduleNameOf(timer), GroupName: this.deps.settings.scheduleGroup }));
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return;
      this.logger.warn('could not delete a timer schedule; it will fire into a no-op', {
        org_id: timer.org_id,
        execution_id: timer.execution_id,
        index: timer.index,
        seq: timer.seq,
        error: `${(err as Error).name}: ${(err as Error).message}`,
      });
    }
  }
}
