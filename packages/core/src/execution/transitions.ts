/**
 * Execution state transitions as pure functions: state (+ an input) in, a decision out.
 * The dispatcher and the sweeper are the only callers; they persist the decision with a
 * conditional write on `seq`, so a replayed input produces the same decision and loses the
 * race harmlessly.
 */
import { retryDecision } from '../retry';
import {
  type ActionError,
  type ActionResult,
  type ActionSlot,
  type Decision,
  type ExecutionPlan,
  type ExecutionState,
  type Status,
  type TimerDecision,
  type TimerKind,
  dispatchIdOf,
  isBusySlot,
  isFinal,
} from './ExecutionState';
import type { TimerSpec } from './timers';

/** When a schedule fires, or why it cannot be computed. */
export type FireTime = { ok: true; at: number } | { ok: false; reason: string };

export interface DecideContext {
  now: number;
  random: () => number;
  /** evaluates a condition block of the flow against the execution's data */
  evaluateCondition: (conditionId: string) => { result: boolean; reason: string };
  /** how long a dispatched action may run before the sweeper treats it as lost */
  leaseGraceMs?: number;
  /** how long a freshly created or woken execution may wait for the dispatcher */
  idleLeaseMs?: number;
  /** when the schedule of the action at `index` fires (its own, else its condition block's) */
  fireTimeOf?: (index: number) => FireTime;
  /** the first minute at or after `now` at which the send window of the action at `index` is open */
  windowOpensAt?: (index: number) => number;
  /** `from` plus an ISO 8601 duration, calendar units in UTC */
  addDuration?: (from: number, duration: string) => number;
}

/** Error code of a schedule that cannot be computed or whose fire time has passed (epilot's). */
export const INVALID_SCHEDULE_CONFIG = 'INVALID_SCHEDULE_CONFIG';
/**
 * A fire time this far in the past still runs now rather than failing: timers are precise to
 * about a minute, and a trigger-relative delay of zero is always a few milliseconds late.
 */
export const PAST_FIRE_TOLERANCE_MS = 60_000;
/**
 * A state waiting on a timer is out of the sweeper's view; its lease says when it would be
 * overdue should it ever come back into view (a timer that is lost, not late).
 */
export const TIMER_GRACE_MS = 15 * 60_000;

const DEFAULT_GRACE_MS = 30_000;
const DEFAULT_IDLE_LEASE_MS = 60_000;
const MAX_REASON = 80;
const MAX_FAILURE_REASON = 240;
/** A paused execution waits for a person or a system; the sweeper looks at it once a day. */
const PAUSED_LEASE_MS = 24 * 60 * 60_000;

const clip = (s: string): string => (s.length > MAX_REASON ? `${s.slice(0, MAX_REASON - 1)}…` : s);

function bump(state: ExecutionState, now: number, acts: ActionSlot[], patch: Partial<ExecutionState> = {}): ExecutionState {
  return { ...state, ...patch, acts, seq: state.seq + 1, updated_at: now };
}

/**
 * Finds the next action to run from `from`: arms its delay (`schedules[]`) unless it has passed,
 * skips it when its condition is false, waits for its send window, starts a wait step, or
 * dispatches it. A slot that waits gets a fencing token (`ts`): the seq this decision writes.
 */
export function advance(state: ExecutionState, plan: ExecutionPlan, ctx: DecideContext, from: number, acts: ActionSlot[] = state.acts.map((a) => ({ ...a }))): Decision {
  const stopAfter = state.stop_after;
  for (let i = from; i < acts.length; i++) {
    const slot = acts[i]!;
    if (slot.s !== 'pending') continue;
    if (stopAfter !== undefined && i > stopAfter) break;
    const action = plan.actions[i];
    if (!action) throw new Error(`plan has no action at index ${i}`);
    const checkFirst = action.check_first === true;
    if (action.condition_id && (checkFirst ? slot.sd === undefined : action.schedule_id === undefined || slot.sd !== undefined)) {
      const outcome = ctx.evaluateCondition(action.condition_id);
      if (!outcome.result) {
        acts[i] = { ...slot, s: 'skipped', why: clip(outcome.reason), end: ctx.now };
        continue;
      }
    }
    if (action.schedule_id !== undefined && slot.sd === undefined) {
      const fire = ctx.fireTimeOf ? ctx.fireTimeOf(i) : ({ ok: false, reason: 'schedules cannot be computed here' } as const);
      const problem = !fire.ok ? fire.reason : fire.at < ctx.now - PAST_FIRE_TOLERANCE_MS ? `fire time ${new Date(fire.at).toISOString()} has passed` : undefined;
      if (problem !== undefined) {
        const failed = failSchedule(state, plan, acts, i, `${INVALID_SCHEDULE_CONFIG}: schedule ${action.schedule_id}: ${problem}`, ctx.now);
        if (failed) return failed;
        continue;
      }
      if (fire.ok && fire.at > ctx.now) return wait(state, acts, i, 'delay', fire.at, ctx.now, { status: 'scheduled', cur: i });
      passDelay(plan, acts, i);
      // AFTER_SCHEDULE: the condition is checked now that the (already due) schedule passed.
      if (action.condition_id && !checkFirst) {
        i--;
        continue;
      }
    }
    if (action.send_window && ctx.windowOpensAt) {
      const opens = ctx.windowOpensAt(i);
      if (opens > ctx.now) return wait(state, acts, i, 'window', opens, ctx.now, { status: 'scheduled', cur: i });
    }
    const attempt = slot.n + 1;
    if (action.wait) {
      const add = ctx.addDuration ?? ((at: number) => at);
      acts[i] = { ...clean(acts[i]!), n: attempt, at: ctx.now };
      return wait(state, acts, i, 'wait', add(ctx.now, action.wait.timeout), ctx.now, { status: 'scheduled', cur: i });
    }
    acts[i] = { ...clean(acts[i]!), s: 'in_progress', n: attempt, at: ctx.now };
    const next = bump(state, ctx.now, acts, {
      status: 'in_progress',
      cur: i,
      lease_until: ctx.now + action.timeout_ms + (ctx.leaseGraceMs ?? DEFAULT_GRACE_MS),
    });
    return {
      kind: 'dispatch',
      next,
      dispatch: {
        org_id: state.org_id,
        execution_id: state.execution_id,
        flow_id: state.flow_id,
        index: i,
        attempt,
        action_id: action.id,
        action_type: action.type,
        dispatch_id: dispatchIdOf(state.execution_id, i, attempt),
        expect_seq: state.seq,
      },
    };
  }
  return finish(state, acts, ctx.now);
}

/**
 * The slot without what a previous wait or attempt left on it. That its delay passed stays, and
 * so does when it was scheduled (`sa`): the execution document shows it.
 */
function clean(slot: ActionSlot): ActionSlot {
  const { end: _end, ra: _ra, why: _why, k: _k, ts: _ts, af: _af, ...rest } = slot;
  return rest;
}

/** The slot at `index` waits on a timer; the execution releases its slot and lock meanwhile. */
function wait(state: ExecutionState, acts: ActionSlot[], index: number, kind: TimerKind, due: number, now: number, patch: Partial<ExecutionState>): Decision {
  const slot = acts[index]!;
  const token = state.seq + 1;
  acts[index] =
    kind === 'retry'
      ? { ...slot, s: 'scheduled', k: kind, ra: due, ts: token }
      : { ...slot, s: 'scheduled', k: kind, sa: due, ts: token };
  return { kind: 'write', next: bump(state, now, acts, { ...patch, lease_until: due + TIMER_GRACE_MS }), expect_seq: state.seq };
}

/**
 * A schedule that cannot be computed (or has passed) fails its action with
 * INVALID_SCHEDULE_CONFIG. A condition block's schedule with the condition's allow_failure
 * cancels the block's actions and goes on; an action's allow_failure lets it fail and go on;
 * otherwise the execution fails. Returns the decision when the execution stops here.
 */
function failSchedule(state: ExecutionState, plan: ExecutionPlan, acts: ActionSlot[], index: number, reason: string, now: number): Decision | undefined {
  const action = plan.actions[index]!;
  // Longer than a skip reason: it is the only record of why (no worker result exists), and written once.
  const why = reason.length > MAX_FAILURE_REASON ? `${reason.slice(0, MAX_FAILURE_REASON - 1)}…` : reason;
  if (action.block?.allow_failure) {
    plan.actions.forEach((a, j) => {
      if (j >= index && a.block?.condition_id === action.block!.condition_id && acts[j]!.s === 'pending') acts[j] = { ...acts[j]!, s: 'cancelled', why, end: now };
    });
    return undefined;
  }
  if (action.allow_failure) {
    acts[index] = { ...acts[index]!, s: 'failed', why, af: 1, end: now };
    return undefined;
  }
  acts[index] = { ...acts[index]!, s: 'failed', why, end: now };
  for (let j = index + 1; j < acts.length; j++) {
    if (acts[j]!.s === 'pending') acts[j] = { ...acts[j]!, s: 'skipped', why: `execution failed at ${action.id}` };
  }
  return { kind: 'write', next: bump(state, now, acts, { status: 'failed' }), expect_seq: state.seq };
}

/** Closes the execution: failed if any action failed without allow_failure, else success. */
function finish(state: ExecutionState, acts: ActionSlot[], now: number): Decision {
  // An action left pending here was beyond stop_after (RETRY_AND_STOP): it is skipped.
  const closed = acts.map((a) => (a.s === 'pending' ? { ...a, s: 'skipped' as Status, why: a.why ?? 'not run (retry and stop)' } : a));
  const failed = closed.some((a) => a.s === 'failed' && a.af === undefined && a.why !== ALLOWED_FAILURE);
  const next = bump(state, now, closed, { status: failed ? 'failed' : 'success' });
  delete next.stop_after;
  return { kind: 'write', next, expect_seq: state.seq };
}

/** Marker stored in `why` for a failure that allow_failure let through. */
export const ALLOWED_FAILURE = 'allowed failure';

function stripUndefined(o: object): void {
  for (const k of Object.keys(o) as (keyof typeof o)[]) if (o[k] === undefined) delete o[k];
}

/**
 * Reaction to a change of the state item itself: a new execution, a retrigger, a resume.
 * Runs the first pending action unless something is already running or waiting.
 */
export function onStateChanged(state: ExecutionState, plan: ExecutionPlan, ctx: DecideContext): Decision {
  if (isFinal(state.status)) return { kind: 'none', reason: `execution is ${state.status}` };
  if (state.status === 'paused') return { kind: 'none', reason: 'execution is paused' };
  const busy = state.acts.findIndex(isBusySlot);
  if (busy !== -1) return { kind: 'none', reason: `action ${plan.actions[busy]?.id} is ${state.acts[busy]!.s}` };
  const first = state.acts.findIndex((a) => a.s === 'pending');
  return advance(state, plan, ctx, first === -1 ? state.acts.length : first);
}

/** Reaction to a worker's result for one attempt. A stale or replayed result is a no-op. */
export function onResult(state: ExecutionState, plan: ExecutionPlan, result: ActionResult, ctx: DecideContext): Decision {
  const slot = state.acts[result.index];
  if (isFinal(state.status)) return { kind: 'none', reason: `execution is ${state.status}` };
  const waiting = slot?.s === 'scheduled' && slot.k === 'wait';
  if (!slot || state.cur !== result.index || !(slot.s === 'in_progress' || waiting) || slot.n !== result.attempt) {
    return { kind: 'none', reason: 'stale result' };
  }
  const acts = state.acts.map((a) => ({ ...a }));
  if (result.status === 'success') {
    acts[result.index] = { ...clean(slot), s: 'success', end: result.ended_at };
    if (result.effect === 'cancel_execution') {
      return cancel({ ...state, acts }, ctx.now, `cancelled by action ${result.action_id}`);
    }
    if (result.effect === 'pause') {
      acts[result.index] = { ...slot, s: 'paused' };
      return { kind: 'write', next: bump(state, ctx.now, acts, { status: 'paused', lease_until: ctx.now + PAUSED_LEASE_MS }), expect_seq: state.seq };
    }
    return advance(state, plan, ctx, result.index + 1, acts);
  }
  return onFailure(state, plan, result.index, result.error ?? { code: 'INTERNAL_ERROR', reason: 'unknown failure', retryable: true }, result.ended_at, ctx, acts);
}

function onFailure(state: ExecutionState, plan: ExecutionPlan, index: number, error: ActionError, endedAt: number, ctx: DecideContext, acts: ActionSlot[]): Decision {
  const slot = acts[index]!;
  const action = plan.actions[index]!;
  const decision = retryDecision(action.retry, {
    attempt: slot.n - (slot.n0 ?? 0),
    errorCode: error.code,
    retryable: error.retryable,
    retryAfterMs: error.retry_after_ms,
    random: ctx.random,
  });
  if (decision.retry) {
    acts[index] = { ...slot, end: endedAt, why: clip(error.code) };
    return wait(state, acts, index, 'retry', ctx.now + decision.delayMs, ctx.now, {});
  }
  if (action.allow_failure) {
    acts[index] = { ...slot, s: 'failed', end: endedAt, why: ALLOWED_FAILURE };
    return advance(state, plan, ctx, index + 1, acts);
  }
  acts[index] = { ...slot, s: 'failed', end: endedAt, why: clip(error.code) };
  for (let i = index + 1; i < acts.length; i++) {
    if (acts[i]!.s === 'pending') acts[i] = { ...acts[i]!, s: 'skipped', why: `execution failed at ${action.id}` };
  }
  return { kind: 'write', next: bump(state, ctx.now, acts, { status: 'failed' }), expect_seq: state.seq };
}

export type SweepInput =
  | { kind: 'idle' }
  /** the stored result of the in-progress attempt, if the worker wrote one */
  | { kind: 'in_progress'; result?: ActionResult };

/**
 * What the sweeper does with an execution whose lease expired: fire a due retry, replay a
 * result whose follow-up was lost, treat a silent worker as a timed-out attempt, or re-run the
 * dispatcher's decision for an execution nobody picked up.
 */
export function onSweep(state: ExecutionState, plan: ExecutionPlan, input: SweepInput, ctx: DecideContext): Decision {
  if (isFinal(state.status)) return { kind: 'none', reason: `execution is ${state.status}` };
  if (state.lease_until > ctx.now) return { kind: 'none', reason: 'lease not expired' };
  const scheduled = state.acts.findIndex((a) => a.s === 'scheduled');
  if (scheduled !== -1) {
    const slot = state.acts[scheduled]!;
    const due = slot.k === 'retry' || slot.k === undefined ? slot.ra : slot.sa;
    if ((due ?? 0) > ctx.now) return { kind: 'none', reason: 'timer not due' };
    const fired = fire(state, plan, scheduled, ctx);
    // A wait step's timeout is a result only the dispatcher can store: re-drive it through the timer.
    return fired.kind === 'complete' ? { kind: 'none', reason: 'wait step timed out; its timer completes it' } : fired;
  }
  const running = state.acts.findIndex((a) => a.s === 'in_progress');
  if (running !== -1) {
    if (input.kind === 'in_progress' && input.result) return onResult(state, plan, input.result, ctx);
    const acts = state.acts.map((a) => ({ ...a }));
    return onFailure(state, plan, running, { code: 'TIMEOUT_ERROR', reason: 'no result before the lease expired', retryable: true }, ctx.now, ctx, acts);
  }
  const decision = onStateChanged(state, plan, ctx);
  if (decision.kind !== 'none') return decision;
  // Nothing to run yet (paused, pending behind a limit): extend the lease so it is checked later.
  return {
    kind: 'write',
    next: bump(state, ctx.now, state.acts, { lease_until: ctx.now + (ctx.idleLeaseMs ?? DEFAULT_IDLE_LEASE_MS) }),
    expect_seq: state.seq,
  };
}

/**
 * A timer fired. A late, duplicated or cancelled timer (the slot no longer waits, or waits with
 * another fencing token) changes nothing. A retry or send window runs the action; a delay marks
 * its action (and the rest of its condition block) as past the schedule and runs it; a wait
 * step's timeout ends it with `outcome: timeout`.
 */
export function onTimer(state: ExecutionState, plan: ExecutionPlan, timer: Pick<TimerSpec, 'index' | 'seq'>, ctx: DecideContext): TimerDecision {
  if (isFinal(state.status)) return { kind: 'none', reason: `execution is ${state.status}` };
  const slot = state.acts[timer.index];
  if (!slot || slot.s !== 'scheduled' || slot.ts !== timer.seq) return { kind: 'none', reason: 'stale timer' };
  return fire(state, plan, timer.index, ctx);
}

function fire(state: ExecutionState, plan: ExecutionPlan, index: number, ctx: DecideContext): TimerDecision {
  const slot = state.acts[index]!;
  const action = plan.actions[index]!;
  if (slot.k === 'wait') {
    const started = slot.at ?? ctx.now;
    return {
      kind: 'complete',
      result: {
        index,
        action_id: action.id,
        attempt: slot.n,
        status: 'success',
        started_at: started,
        ended_at: ctx.now,
        outputs: { outcome: 'timeout', waited_ms: ctx.now - started },
      },
    };
  }
  const acts = state.acts.map((a) => ({ ...a }));
  const { k: _k, ts: _ts, ...rest } = slot;
  acts[index] = { ...rest, s: 'pending' };
  if (slot.k === 'delay') passDelay(plan, acts, index);
  return advance(state, plan, ctx, index, acts);
}

/**
 * The delay of the action at `index` has passed: it does not wait again, nor does the rest of its
 * condition block, which waited for the same schedule (the block waits once).
 */
function passDelay(plan: ExecutionPlan, acts: ActionSlot[], index: number): void {
  acts[index] = { ...acts[index]!, sd: 1 };
  const block = plan.actions[index]!.block?.condition_id;
  if (block === undefined) return;
  plan.actions.forEach((a, j) => {
    if (j > index && a.block?.condition_id === block && acts[j]!.s === 'pending') acts[j] = { ...acts[j]!, sd: 1 };
  });
}

/**
 * epilot `cancelSchedule`: the actions waiting for the schedule (the armed one and the rest of
 * its condition block) are skipped with the reason, and the execution goes on with the next
 * action. Nothing waits for the schedule (never armed, already fired, cancelled before): not ok.
 */
export function cancelSchedule(
  state: ExecutionState,
  plan: ExecutionPlan,
  scheduleId: string,
  now: number,
  reason = `schedule ${scheduleId} was cancelled`,
): { ok: true; decision: Extract<Decision, { kind: 'write' }> } | { ok: false; reason: string } {
  if (isFinal(state.status)) return { ok: false, reason: `execution is ${state.status}` };
  const armed = state.acts.findIndex((a, i) => a.s === 'scheduled' && a.k === 'delay' && plan.actions[i]?.schedule_id === scheduleId);
  if (armed === -1) return { ok: false, reason: `no action of the execution waits for schedule ${scheduleId}` };
  const why = clip(reason);
  const block = plan.actions[armed]!.block?.condition_id;
  const acts = state.acts.map((a, i) => {
    const waits = i === armed || (block !== undefined && i > armed && a.s === 'pending' && a.sd === undefined && plan.actions[i]?.block?.condition_id === block);
    return waits ? { ...clean(a), s: 'skipped' as Status, why, end: now } : { ...a };
  });
  const next = bump(state, now, acts, { status: 'in_progress', lease_until: now + DEFAULT_IDLE_LEASE_MS });
  return { ok: true, decision: { kind: 'write', next, expect_seq: state.seq } };
}

/** Cancels a running execution; pending and scheduled actions become cancelled. */
export function cancel(state: ExecutionState, now: number, reason: string): Decision {
  if (isFinal(state.status)) return { kind: 'none', reason: `execution is ${state.status}` };
  const acts = state.acts.map((a) =>
    a.s === 'pending' || a.s === 'scheduled' || a.s === 'paused' ? { ...a, s: 'cancelled' as Status, why: clip(reason) } : { ...a },
  );
  return { kind: 'write', next: bump(state, now, acts, { status: 'cancelled', reason: clip(reason) }), expect_seq: state.seq };
}

/**
 * Resumes an execution paused by one of its actions: that action succeeds and the execution
 * goes on with the next one. Single use: a second resume finds the action no longer paused.
 */
export function resume(
  state: ExecutionState,
  index: number,
  now: number,
): { ok: true; decision: Extract<Decision, { kind: 'write' }> } | { ok: false; reason: string } {
  const slot = state.acts[index];
  if (state.status !== 'paused' || !slot || slot.s !== 'paused') return { ok: false, reason: 'execution is not waiting for this resume' };
  const acts = state.acts.map((a) => ({ ...a }));
  acts[index] = { ...slot, s: 'success', end: now };
  const next = bump(state, now, acts, { status: 'in_progress', lease_until: now + DEFAULT_IDLE_LEASE_MS });
  return { ok: true, decision: { kind: 'write', next, expect_seq: state.seq } };
}

export const RetryStrategy = {
  RETRY_AND_RESUME: 'RETRY_AND_RESUME',
  RETRY_AND_STOP: 'RETRY_AND_STOP',
  RETRY_ALL_PARENT_CONDITION_ACTIONS: 'RETRY_ALL_PARENT_CONDITION_ACTIONS',
} as const;
export type RetryStrategy = (typeof RetryStrategy)[keyof typeof RetryStrategy];

/**
 * Retriggers a failed (or lost) action. The state goes back to in_progress with the action
 * pending; the dispatcher picks it up from the state change.
 */
export function retrigger(
  state: ExecutionState,
  plan: ExecutionPlan,
  actionId: string,
  strategy: RetryStrategy,
  now: number,
): { ok: true; decision: Extract<Decision, { kind: 'write' }> } | { ok: false; reason: string } {
  const index = plan.actions.findIndex((a) => a.id === actionId);
  if (index === -1 || !state.acts[index]) return { ok: false, reason: `execution has no action ${actionId}` };
  const slot = state.acts[index]!;
  const running = state.acts.findIndex((a) => a.s === 'in_progress' || a.s === 'scheduled');
  if (!isFinal(state.status) && running !== -1 && running !== index) {
    return { ok: false, reason: `action ${plan.actions[running]?.id} is ${state.acts[running]!.s}; retrigger when it is done` };
  }
  if (slot.s === 'success' && strategy !== RetryStrategy.RETRY_ALL_PARENT_CONDITION_ACTIONS) {
    return { ok: false, reason: `action ${actionId} already succeeded` };
  }
  if (state.status === 'cancelled' || state.status === 'hot') {
    return { ok: false, reason: `execution is ${state.status}` };
  }
  // A delay that already passed is not waited for again (RETRY_ALL_PARENT_CONDITION_ACTIONS
  // re-evaluates the block without a second wait).
  const reopen = (a: ActionSlot): ActionSlot => ({ ...clean(a), s: 'pending', n0: a.n });
  const acts = state.acts.map((a) => ({ ...a }));
  const conditionId = plan.actions[index]?.condition_id;
  const sameBlock = (i: number): boolean =>
    strategy === RetryStrategy.RETRY_ALL_PARENT_CONDITION_ACTIONS && conditionId !== undefined && plan.actions[i]?.condition_id === conditionId;
  let from = index;
  for (let i = 0; i < acts.length; i++) {
    const a = acts[i]!;
    const resumeLater = strategy !== RetryStrategy.RETRY_AND_STOP && i > index && a.s !== 'success';
    if (i === index || sameBlock(i) || resumeLater) {
      acts[i] = reopen(a);
      from = Math.min(from, i);
    }
  }
  const patch: Partial<ExecutionState> = { status: 'in_progress', cur: from, lease_until: now + DEFAULT_IDLE_LEASE_MS };
  const next = bump(state, now, acts, patch);
  delete next.reason;
  if (strategy === RetryStrategy.RETRY_AND_STOP) next.stop_after = index;
  else delete next.stop_after;
  return { ok: true, decision: { kind: 'write', next, expect_seq: state.seq } };
}

/** A brand-new execution's state: every action pending, waiting for the dispatcher. */
export function initialState(input: {
  org_id: string;
  execution_id: string;
  flow_id: string;
  entity_id?: string;
  plan: ExecutionPlan;
  now: number;
  status?: Extract<Status, 'starting' | 'pending' | 'hot' | 'skipped'>;
  /** why a hot or skipped execution did not run */
  reason?: string;
  idleLeaseMs?: number;
}): ExecutionState {
  const status = input.status ?? 'starting';
  return {
    org_id: input.org_id,
    execution_id: input.execution_id,
    flow_id: input.flow_id,
    ...(input.entity_id ? { entity_id: input.entity_id } : {}),
    status,
    created_at: input.now,
    updated_at: input.now,
    seq: 0,
    cur: -1,
    lease_until: input.now + (input.idleLeaseMs ?? DEFAULT_IDLE_LEASE_MS),
    acts: input.plan.actions.map(() => ({ s: isFinal(status) ? 'skipped' : 'pending', n: 0 })),
    ...(input.reason ? { reason: clip(input.reason) } : {}),
  };
}
