import type { RetryPolicy } from '../retry';

/**
 * The compact execution state: the one item the dispatcher and workers update per action.
 * It must stay small (target ≤ 1 KB) whatever the entity snapshot or the action outputs
 * weigh, so it holds only what decides what runs next. Everything bulky (flow snapshot,
 * entity snapshot, trigger event, outputs) lives in items of its own.
 */
export const Status = {
  pending: 'pending',
  starting: 'starting',
  in_progress: 'in_progress',
  paused: 'paused',
  scheduled: 'scheduled',
  success: 'success',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped',
  hot: 'hot',
} as const;
export type Status = (typeof Status)[keyof typeof Status];

export const FINAL: ReadonlySet<Status> = new Set<Status>(['success', 'failed', 'cancelled', 'skipped', 'hot']);
export const isFinal = (s: Status): boolean => FINAL.has(s);

/**
 * Per-action slot, aligned by index with the plan's actions (which hold ids and types).
 * Short attribute names keep the state item small.
 */
export interface ActionSlot {
  /** status */
  s: Status;
  /** attempts dispatched so far (monotonic across retriggers) */
  n: number;
  /** attempts before the latest retrigger; the retry policy counts from here */
  n0?: number;
  /** started at (epoch ms) of the latest attempt */
  at?: number;
  /** ended at (epoch ms) */
  end?: number;
  /** next retry due (epoch ms) when s = scheduled for a retry */
  ra?: number;
  /**
   * what a `scheduled` slot waits for: a retry back-off, a delay (`schedules[]`), a wait step's
   * event or timeout, or the action's send window
   */
  k?: TimerKind;
  /** scheduled at (epoch ms): when a delay, wait timeout or send window is due */
  sa?: number;
  /**
   * fencing token of the slot's timer: the `seq` of the state write that armed it. A timer that
   * fires carries it; one that finds another value (or no longer a scheduled slot) is a no-op.
   */
  ts?: number;
  /** the slot's delay (its own or its condition block's) has passed: it is not armed again */
  sd?: 1;
  /** failed, and allow_failure (the action's or its condition block's) let the execution go on */
  af?: 1;
  /** short reason: skip reason or error code */
  why?: string;
}

/** What a timer wakes an execution for. */
export const TimerKind = {
  retry: 'retry',
  delay: 'delay',
  wait: 'wait',
  window: 'window',
} as const;
export type TimerKind = (typeof TimerKind)[keyof typeof TimerKind];

export interface ExecutionState {
  org_id: string;
  execution_id: string;
  flow_id: string;
  entity_id?: string;
  status: Status;
  created_at: number;
  updated_at: number;
  /** fencing token: every write is conditional on the seq it read and increments it */
  seq: number;
  /** index of the action being run, -1 before the first */
  cur: number;
  /** by then something must have happened, or the sweeper re-drives the execution */
  lease_until: number;
  /** holds its org slot and entity lock (taken before an action runs, released when none runs) */
  held?: boolean;
  /** RETRY_AND_STOP: finish after this action */
  stop_after?: number;
  /**
   * set by the write that parks the execution to wait for admission, to that write's seq: that
   * write does not wake the dispatcher (it would find the same full slot or held lock); the
   * write of whoever releases one (a new seq) does
   */
  parked?: number;
  acts: ActionSlot[];
  reason?: string;
}

/**
 * Whether a stored state asks the dispatcher to act. This is the one definition of it: the
 * executions store writes it on the state item and the stream filter selects on it.
 * - Not final, with no action running, scheduled or paused (those end by a result or a timer),
 *   and not the write that parked it to wait for admission: something is to be decided.
 * - Final while still holding its org slot and entity lock (ended from outside, by a cancel):
 *   they are to be released.
 */
export function wakesDispatcher(state: Pick<ExecutionState, 'status' | 'held' | 'seq' | 'parked' | 'acts'>): boolean {
  if (FINAL.has(state.status)) return state.held === true;
  return !state.acts.some(isBusySlot) && state.parked !== state.seq;
}

/** A slot that ends by itself (a result, a timer or a callback), so nothing is to be decided while it lasts. */
export const isBusySlot = (a: ActionSlot): boolean => a.s === 'in_progress' || a.s === 'scheduled' || a.s === 'paused';

/** Whether the state has an action running, and so must keep its org slot and entity lock. */
export const runsAnAction = (state: Pick<ExecutionState, 'status' | 'acts'>): boolean =>
  !FINAL.has(state.status) && state.acts.some((a) => a.s === 'in_progress');

export interface PlanAction {
  id: string;
  type: string;
  condition_id?: string;
  allow_failure?: boolean;
  retry: RetryPolicy;
  timeout_ms: number;
  /** the schedule the action waits for: its own `schedule_id`, else its condition block's */
  schedule_id?: string;
  /** its condition is BEFORE_SCHEDULE: checked before the schedule is armed, not again when it fires */
  check_first?: true;
  /** set when the schedule is the condition block's: the block's actions wait and fail together */
  block?: {
    condition_id: string;
    /** the condition's allow_failure: a block that cannot be scheduled is cancelled, the execution goes on */
    allow_failure?: true;
  };
  /** the action has a send window (the engine computes when it opens) */
  send_window?: true;
  /** a wait step (run by the engine, no worker): its timeout as an ISO 8601 duration, and whether an event can end it */
  wait?: { timeout: string; event: boolean };
}

/** What the state machine needs from the flow; stored with the execution, immutable. */
export interface ExecutionPlan {
  actions: PlanAction[];
}

export interface ActionError {
  code: string;
  reason: string;
  retryable: boolean;
  retry_after_ms?: number;
  info?: Record<string, unknown>;
}

/** A worker's result for one attempt of one action: written once, in an item of its own. */
export interface ActionResult {
  index: number;
  action_id: string;
  attempt: number;
  status: 'success' | 'failed';
  started_at: number;
  ended_at: number;
  outputs?: Record<string, unknown>;
  error?: ActionError;
  /**
   * `cancel_execution`: the action ended its own execution (cancel-flow-execution);
   * `pause`: the action waits for a callback through the public resume endpoint.
   */
  effect?: 'cancel_execution' | 'pause';
  /** sha256 of the single-use resume token handed to a pausing action */
  resume_hash?: string;
}

export interface Dispatch {
  org_id: string;
  execution_id: string;
  flow_id: string;
  index: number;
  attempt: number;
  action_id: string;
  action_type: string;
  dispatch_id: string;
  /** the worker's claim writes `next` only if the state still has this seq */
  expect_seq: number;
}

export type Decision =
  | { kind: 'none'; reason: string }
  /** `next` is committed by the worker's claim, conditional on `dispatch.expect_seq` */
  | { kind: 'dispatch'; next: ExecutionState; dispatch: Dispatch }
  /** `next` is written now, conditional on `expect_seq` */
  | { kind: 'write'; next: ExecutionState; expect_seq: number };

export const dispatchIdOf = (executionId: string, index: number, attempt: number): string =>
  `${executionId}.${index}.${attempt}`;

/**
 * What a fired timer leads to: a decision, or, for a wait step that timed out, a result the
 * engine stores like a worker's (first writer wins: the matching event and the timeout race
 * for the same result item) and whose record then drives `onResult`.
 */
export type TimerDecision = Decision | { kind: 'complete'; result: ActionResult };
