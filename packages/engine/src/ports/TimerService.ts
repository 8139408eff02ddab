import type { TimerSpec } from '@autoflow/core';

/**
 * A durable one-shot timer of one execution. Its identity is (org, execution, index, seq): the
 * slot it wakes and the fencing token it was armed with. `Dispatcher.onTimer` takes it back
 * when it fires; a late, duplicated or cancelled timer that fires anyway is a no-op there.
 */
export interface Timer extends TimerSpec {
  org_id: string;
  execution_id: string;
}

/** A stable name for a timer, unique per (org, execution, index, seq); safe as a key or schedule name suffix. */
export const timerName = (t: Pick<Timer, 'execution_id' | 'index' | 'seq'>): string => `${t.execution_id}.${t.index}.${t.seq}`;

/**
 * Where timers wait (EventBridge Scheduler and SQS delays on AWS, a timer table and an in-process
 * wheel on the embedded stack). Waiting costs nothing per minute; a due timer is handed to the
 * dispatcher's `onTimer` at least once.
 */
export interface TimerService {
  /** Arms timers; arming one that is armed already changes nothing. */
  arm(timers: readonly Timer[]): Promise<void>;
  /** Disarms timers; one that is gone (fired, never armed) is ignored. */
  disarm(timers: readonly Timer[]): Promise<void>;
}
