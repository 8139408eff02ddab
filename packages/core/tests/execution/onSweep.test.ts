import { type Decision, type ExecutionState, initialState, onResult, onStateChanged, onSweep, onTimer, type Status, TIMER_GRACE_MS } from '../../src/execution';
import { action, asDispatch, asWrite, committed, ctxAt, failed, GRACE_MS, newExecution, planOf, policy, succeeded, T0, TIMEOUT_MS } from './fixtures';

describe('onSweep', () => {
  const retrying = planOf(action('a', { retry: policy({ max_attempts: 3, initial_delay_ms: 1_000, backoff_rate: 2 }) }), action('b'));

  function dispatched(plan = retrying) {
    const first = asDispatch(onStateChanged(newExecution(plan), plan, ctxAt(T0)));
    return { state: first.next, dispatch: first.dispatch };
  }

  function scheduled() {
    const { state, dispatch } = dispatched();
    const next = committed(onResult(state, retrying, failed(dispatch, T0 + 100), ctxAt(T0 + 100)));
    return { state: next, dispatch };
  }

  it('does nothing while the lease runs', () => {
    const { state } = dispatched();

    expect(onSweep(state, retrying, { kind: 'in_progress' }, ctxAt(state.lease_until - 1))).toEqual({ kind: 'none', reason: 'lease not expired' });
  });

  it.each<[Status]>([['success'], ['failed'], ['cancelled']])('does nothing to an execution that is %s', (status) => {
    const { state } = dispatched();

    expect(onSweep({ ...state, status }, retrying, { kind: 'idle' }, ctxAt(state.lease_until + 1))).toEqual({ kind: 'none', reason: `execution is ${status}` });
  });

  it('does nothing when the lease expired but the retry is not due yet', () => {
    const { state } = scheduled();
    const early: ExecutionState = { ...state, lease_until: T0 };

    expect(onSweep(early, retrying, { kind: 'idle' }, ctxAt(T0 + 500))).toEqual({ kind: 'none', reason: 'timer not due' });
  });

  it('leaves a waiting retry to its timer until the timer would be overdue', () => {
    const { state } = scheduled();
    const due = state.acts[0]!.ra!;

    expect(due).toBe(T0 + 100 + 1_000);
    expect(state.lease_until).toBe(due + TIMER_GRACE_MS);
    expect(onSweep(state, retrying, { kind: 'idle' }, ctxAt(due))).toEqual({ kind: 'none', reason: 'lease not expired' });
  });

  it('fires a retry whose timer was lost once the lease expired, as the timer would have', () => {
    const { state } = scheduled();
    const late = state.lease_until;

    const decision = asDispatch(onSweep(state, retrying, { kind: 'idle' }, ctxAt(late)));

    expect(decision).toEqual(onTimer(state, retrying, { index: 0, seq: state.acts[0]!.ts! }, ctxAt(late)));
    expect(decision.dispatch).toMatchObject({ index: 0, attempt: 2 });
  });

  it('dispatches the next attempt when the retry timer fires', () => {
    const { state } = scheduled();
    const due = state.acts[0]!.ra!;

    const decision = asDispatch(onTimer(state, retrying, { index: 0, seq: state.acts[0]!.ts! }, ctxAt(due)) as Decision);

    expect(decision.dispatch).toMatchObject({ index: 0, attempt: 2, dispatch_id: 'exec-1.0.2', expect_seq: state.seq });
    expect(decision.next.seq).toBe(state.seq + 1);
    expect(decision.next.acts[0]).toStrictEqual({ s: 'in_progress', n: 2, at: due });
    expect(decision.next.lease_until).toBe(due + TIMEOUT_MS + GRACE_MS);
  });

  it('doubles the delay after the second failure and gives up after the third', () => {
    const { state } = scheduled();
    const timer = (s: ExecutionState) => ({ index: 0, seq: s.acts[0]!.ts! });
    const second = asDispatch(onTimer(state, retrying, timer(state), ctxAt(T0 + 1_100)) as Decision);

    const again = committed(onResult(second.next, retrying, failed(second.dispatch, T0 + 1_200), ctxAt(T0 + 1_200)));
    expect(again.acts[0]).toMatchObject({ s: 'scheduled', ra: T0 + 1_200 + 2_000 });

    const third = asDispatch(onTimer(again, retrying, timer(again), ctxAt(T0 + 3_200)) as Decision);
    expect(third.dispatch.attempt).toBe(3);

    const done = asWrite(onResult(third.next, retrying, failed(third.dispatch, T0 + 3_300), ctxAt(T0 + 3_300)));
    expect(done.next.status).toBe('failed');
    expect(done.next.acts.map((a) => a.s)).toEqual(['failed', 'skipped']);
  });

  it('replays a stored result of the running attempt as onResult would', () => {
    const { state, dispatch } = dispatched();
    const result = succeeded(dispatch, T0 + 50);
    const ctx = ctxAt(state.lease_until);

    const decision = onSweep(state, retrying, { kind: 'in_progress', result }, ctx);

    expect(decision).toEqual(onResult(state, retrying, result, ctx));
    expect(asDispatch(decision).dispatch.action_id).toBe('b');
  });

  it('treats a silent worker as a timed-out attempt and lets the retry policy decide', () => {
    const { state } = dispatched();
    const now = state.lease_until;

    const decision = asWrite(onSweep(state, retrying, { kind: 'in_progress' }, ctxAt(now)));

    expect(decision.expect_seq).toBe(state.seq);
    expect(decision.next.acts[0]).toMatchObject({ s: 'scheduled', why: 'TIMEOUT_ERROR', end: now, ra: now + 1_000 });
    expect(decision.next.status).toBe('in_progress');
  });

  it('fails the execution on a timeout when the action has no retries left', () => {
    const plan = planOf(action('a'), action('b'));
    const { state } = dispatched(plan);

    const decision = asWrite(onSweep(state, plan, { kind: 'in_progress' }, ctxAt(state.lease_until + 1)));

    expect(decision.next.status).toBe('failed');
    expect(decision.next.acts.map((a) => [a.s, a.why])).toEqual([
      ['failed', 'TIMEOUT_ERROR'],
      ['skipped', 'execution failed at a'],
    ]);
  });

  it('lets an allowed failure time out and runs on', () => {
    const plan = planOf(action('a', { allow_failure: true }), action('b'));
    const { state } = dispatched(plan);

    const decision = asDispatch(onSweep(state, plan, { kind: 'in_progress' }, ctxAt(state.lease_until)));

    expect(decision.dispatch.action_id).toBe('b');
  });

  it('dispatches again a new execution whose first dispatch was lost', () => {
    const state = newExecution(retrying);
    const ctx = ctxAt(state.lease_until + 1);

    const decision = onSweep(state, retrying, { kind: 'idle' }, ctx);

    expect(decision).toEqual(onStateChanged(state, retrying, ctx));
    expect(asDispatch(decision).dispatch).toMatchObject({ index: 0, attempt: 1, expect_seq: 0, dispatch_id: 'exec-1.0.1' });
  });

  it('extends the lease of a paused execution so it is checked again later', () => {
    const state: ExecutionState = { ...newExecution(retrying), status: 'paused' };
    const now = state.lease_until + 1;

    const decision = asWrite(onSweep(state, retrying, { kind: 'idle' }, { ...ctxAt(now), idleLeaseMs: 7_000 }));

    expect(decision.expect_seq).toBe(state.seq);
    expect(decision.next).toEqual({ ...state, seq: state.seq + 1, updated_at: now, lease_until: now + 7_000 });
  });

  it('extends the lease by a minute when no idle lease is given', () => {
    const state: ExecutionState = { ...initialState({ org_id: 'o', execution_id: 'e', flow_id: 'f', plan: retrying, now: T0 }), status: 'paused' };
    const { now, random, evaluateCondition } = ctxAt(state.lease_until);

    expect(asWrite(onSweep(state, retrying, { kind: 'idle' }, { now, random, evaluateCondition })).next.lease_until).toBe(now + 60_000);
  });

  it('tries a pending execution again (admission decides whether it may run)', () => {
    const state = initialState({ org_id: 'o', execution_id: 'e', flow_id: 'f', plan: retrying, now: T0, status: 'pending' });
    const ctx = ctxAt(state.lease_until + 1);

    expect(asDispatch(onSweep(state, retrying, { kind: 'idle' }, ctx)).dispatch).toMatchObject({ index: 0, attempt: 1 });
  });
});
