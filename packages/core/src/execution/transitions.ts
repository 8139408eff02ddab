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
  dispatchIdOf,
  isFinal,
} from './ExecutionState';

export interface DecideContext {
  now: number;
  random: () => number;
  /** evaluates a condition block of the flow against the execution's data */
  evaluateCondition: (conditionId: string) => { result: boolean; reason: string };
  /** how long a dispatched action may run before the sweeper treats it as lost */
  leaseGraceMs?: number;
  /** how long a freshly created or woken execution may wait for the dispatcher */
  idleLeaseMs?: number;
}

const DEFAULT_GRACE_MS = 30_000;
const DEFAULT_IDLE_LEASE_MS = 60_000;
const MAX_REASON = 80;
/** A paused execution waits for a person or a system; the sweeper looks at it once a day. */
const PAUSED_LEASE_MS = 24 * 60 * 60_000;

const clip = (s: string): string => (s.length > MAX_REASON ? `${s.slice(0, MAX_REASON - 1)}…` : s);

function bump(state: ExecutionState, now: number, acts: ActionSlot[], patch: Partial<ExecutionState> = {}): ExecutionState {
  return { ...state, ...patch, acts, seq: state.seq + 1, updated_at: now };
}

/** Finds the next action to run from `from`, skipping actions whose condition is false. */
export function advance(state: ExecutionState, plan: ExecutionPlan, ctx: DecideContext, from: number, acts: ActionSlot[] = state.acts.map((a) => ({ ...a }))): Decision {
  const stopAfter = state.stop_after;
  for (let i = from; i < acts.length; i++) {
    const slot = acts[i]!;
    if (slot.s !== 'pending') continue;
    if (stopAfter !== undefined && i > stopAfter) break;
    const action = plan.actions[i];
    if (!action) throw new Error(`plan has no action at index ${i}`);
    if (action.condition_id) {
      const outcome = ctx.evaluateCondition(action.condition_id);
      if (!outcome.result) {
        acts[i] = { ...slot, s: 'skipped', why: clip(outcome.reason), end: ctx.now };
        continue;
      }
    }
    const attempt = slot.n + 1;
    acts[i] = { ...slot, s: 'in_progress', n: attempt, at: ctx.now, ...{ end: undefined, ra: undefined, why: undefined } };
    stripUndefined(acts[i]!);
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

/** Closes the execution: failed if any action failed without allow_failure, else success. */
function finish(state: ExecutionState, acts: ActionSlot[], now: number): Decision {
  // An action left pending here was beyond stop_after (RETRY_AND_STOP): it is skipped.
  const closed = acts.map((a) => (a.s === 'pending' ? { ...a, s: 'skipped' as Status, why: a.why ?? 'not run (retry and stop)' } : a));
  const failed = closed.some((a) => a.s === 'failed' && a.why !== ALLOWED_FAILURE);
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
  const busy = state.acts.findIndex((a) => a.s === 'in_progress' || a.s === 'scheduled' || a.s === 'paused');
  if (busy !== -1) return { kind: 'none', reason: `action ${plan.actions[busy]?.id} is ${state.acts[busy]!.s}` };
  const first = state.acts.findIndex((a) => a.s === 'pending');
  return advance(state, plan, ctx, first === -1 ? state.acts.length : first);
}

/** Reaction to a worker's result for one attempt. A stale or replayed result is a no-op. */
export function onResult(state: ExecutionState, plan: ExecutionPlan, result: ActionResult, ctx: DecideContext): Decision {
  const slot = state.acts[result.index];
  if (isFinal(state.status)) return { kind: 'none', reason: `execution is ${state.status}` };
  if (!slot || state.cur !== result.index || slot.s !== 'in_progress' || slot.n !== result.attempt) {
    return { kind: 'none', reason: 'stale result' };
  }
  const acts = state.acts.map((a) => ({ ...a }));
  if (result.status === 'success') {
    acts[result.index] = { ...slot, s: 'success', end: result.ended_at };
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
    const due = ctx.now + decision.delayMs;
    acts[index] = { ...slot, s: 'scheduled', ra: due, end: endedAt, why: clip(error.code) };
    return { kind: 'write', next: bump(state, ctx.now, acts, { lease_until: due }), expect_seq: state.seq };
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
    if ((slot.ra ?? 0) > ctx.now) return { kind: 'none', reason: 'retry not due' };
    const acts = state.acts.map((a) => ({ ...a }));
    acts[scheduled] = { ...slot, s: 'pending' };
    return advance(state, plan, ctx, scheduled, acts);
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
  const reopen = (a: ActionSlot): ActionSlot => {
    const { ra: _ra, why: _why, end: _end, ...rest } = a;
    return { ...rest, s: 'pending', n0: a.n };
  };
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
