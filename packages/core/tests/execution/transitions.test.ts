import {
  ALLOWED_FAILURE,
  advance,
  cancel,
  dispatchIdOf,
  type ExecutionState,
  initialState,
  isFinal,
  onResult,
  onStateChanged,
  type Status,
  TIMER_GRACE_MS,
} from '../../src/execution';
import {
  action,
  asDispatch,
  asWrite,
  committed,
  ctxAt,
  failed,
  GRACE_MS,
  newExecution,
  planOf,
  policy,
  succeeded,
  T0,
  TIMEOUT_MS,
} from './fixtures';

const statuses = (state: ExecutionState): Status[] => state.acts.map((a) => a.s);

describe('initialState', () => {
  it('creates a starting execution with every action pending and waiting for the dispatcher', () => {
    const state = newExecution(planOf(action('a'), action('b', { type: 'send-email' })));

    expect(state).toEqual({
      org_id: 'org-1',
      execution_id: 'exec-1',
      flow_id: 'flow-1',
      entity_id: 'ent-1',
      status: 'starting',
      created_at: T0,
      updated_at: T0,
      seq: 0,
      cur: -1,
      lease_until: T0 + 60_000,
      acts: [
        { s: 'pending', n: 0 },
        { s: 'pending', n: 0 },
      ],
    });
  });

  it('omits entity_id when there is no entity', () => {
    const state = initialState({ org_id: 'o', execution_id: 'e', flow_id: 'f', plan: planOf(action('a')), now: T0 });

    expect(state).not.toHaveProperty('entity_id');
  });

  it('uses the given idle lease', () => {
    const state = initialState({ org_id: 'o', execution_id: 'e', flow_id: 'f', plan: planOf(), now: T0, idleLeaseMs: 5 });

    expect(state.lease_until).toBe(T0 + 5);
  });

  it('keeps actions pending for an execution queued behind a limit', () => {
    const state = initialState({ org_id: 'o', execution_id: 'e', flow_id: 'f', plan: planOf(action('a')), now: T0, status: 'pending' });

    expect(state.status).toBe('pending');
    expect(statuses(state)).toEqual(['pending']);
  });

  it('skips every action of a hot execution', () => {
    const state = initialState({ org_id: 'o', execution_id: 'e', flow_id: 'f', plan: planOf(action('a'), action('b')), now: T0, status: 'hot' });

    expect(state.status).toBe('hot');
    expect(statuses(state)).toEqual(['skipped', 'skipped']);
  });
});

describe('onStateChanged', () => {
  const plan = planOf(action('a'), action('b'));

  it('dispatches the first action of a new execution', () => {
    const state = newExecution(plan);
    const now = T0 + 50;

    const decision = onStateChanged(state, plan, ctxAt(now));

    expect(decision).toEqual({
      kind: 'dispatch',
      dispatch: {
        org_id: 'org-1',
        execution_id: 'exec-1',
        flow_id: 'flow-1',
        index: 0,
        attempt: 1,
        action_id: 'a',
        action_type: 'trigger-webhook',
        dispatch_id: 'exec-1.0.1',
        expect_seq: 0,
      },
      next: {
        ...state,
        status: 'in_progress',
        seq: 1,
        cur: 0,
        updated_at: now,
        lease_until: now + TIMEOUT_MS + GRACE_MS,
        acts: [{ s: 'in_progress', n: 1, at: now }, state.acts[1]],
      },
    });
  });

  it('leases a dispatched action for its timeout plus 30 s when no grace is given', () => {
    const state = newExecution(plan);
    const { evaluateCondition, random } = ctxAt(T0);

    const decision = asDispatch(onStateChanged(state, plan, { now: T0, random, evaluateCondition }));

    expect(decision.next.lease_until).toBe(T0 + TIMEOUT_MS + 30_000);
  });

  it('does not modify the state it is given', () => {
    const state = newExecution(plan);
    const copy = structuredClone(state);

    onStateChanged(state, plan, ctxAt(T0));

    expect(state).toEqual(copy);
  });

  it('skips an action whose condition is false, with the reason, and dispatches the next', () => {
    const gated = planOf(action('a', { condition_id: 'c-1' }), action('b'));
    const state = newExecution(gated);

    const decision = asDispatch(onStateChanged(state, gated, ctxAt(T0 + 1, { 'c-1': { result: false, reason: 'status is not placed' } })));

    expect(decision.dispatch).toMatchObject({ index: 1, action_id: 'b', attempt: 1, dispatch_id: 'exec-1.1.1', expect_seq: 0 });
    expect(decision.next.acts[0]).toEqual({ s: 'skipped', n: 0, why: 'status is not placed', end: T0 + 1 });
    expect(decision.next.cur).toBe(1);
  });

  it('clips a long skip reason to 80 characters', () => {
    const gated = planOf(action('a', { condition_id: 'c-1' }), action('b'));

    const decision = asDispatch(onStateChanged(newExecution(gated), gated, ctxAt(T0, { 'c-1': { result: false, reason: 'x'.repeat(500) } })));

    expect(decision.next.acts[0]!.why).toHaveLength(80);
    expect(decision.next.acts[0]!.why!.endsWith('…')).toBe(true);
  });

  it('finishes with success when every remaining action is skipped', () => {
    const gated = planOf(action('a', { condition_id: 'c-1' }), action('b', { condition_id: 'c-1' }));
    const state = newExecution(gated);

    const decision = asWrite(onStateChanged(state, gated, ctxAt(T0 + 1, { 'c-1': { result: false, reason: 'no' } })));

    expect(decision.expect_seq).toBe(0);
    expect(decision.next.status).toBe('success');
    expect(decision.next.seq).toBe(1);
    expect(statuses(decision.next)).toEqual(['skipped', 'skipped']);
  });

  it('finishes with success at once when the flow has no actions', () => {
    const decision = asWrite(onStateChanged(newExecution(planOf()), planOf(), ctxAt(T0)));

    expect(decision.next.status).toBe('success');
  });

  it.each<[string, Partial<ExecutionState>, string]>([
    ['the execution succeeded', { status: 'success' }, 'execution is success'],
    ['the execution is cancelled', { status: 'cancelled' }, 'execution is cancelled'],
    ['the execution is paused', { status: 'paused' }, 'execution is paused'],
  ])('does nothing when %s', (_name, patch, reason) => {
    expect(onStateChanged({ ...newExecution(plan), ...patch }, plan, ctxAt(T0))).toEqual({ kind: 'none', reason });
  });

  it('dispatches the first action of an execution queued behind a limit, for admission to decide again', () => {
    const decision = asDispatch(onStateChanged({ ...newExecution(plan), status: 'pending' }, plan, ctxAt(T0)));

    expect(decision.dispatch).toMatchObject({ index: 0, attempt: 1 });
    expect(decision.next.status).toBe('in_progress');
  });

  it.each<[Status]>([['in_progress'], ['scheduled'], ['paused']])('does nothing while an action is %s', (s) => {
    const base = newExecution(plan);
    const state: ExecutionState = { ...base, status: 'in_progress', acts: [{ ...base.acts[0]!, s, n: 1 }, base.acts[1]!] };

    expect(onStateChanged(state, plan, ctxAt(T0))).toEqual({ kind: 'none', reason: `action a is ${s}` });
  });
});

describe('advance', () => {
  it('throws when the plan has fewer actions than the state', () => {
    const state = newExecution(planOf(action('a'), action('b')));

    expect(() => advance(state, planOf(action('a')), ctxAt(T0), 1)).toThrow('plan has no action at index 1');
  });

  it('starts from the given index', () => {
    const plan = planOf(action('a'), action('b'));

    expect(asDispatch(advance(newExecution(plan), plan, ctxAt(T0), 1)).dispatch.action_id).toBe('b');
  });
});

describe('dispatchIdOf', () => {
  it('joins execution, index and attempt', () => {
    expect(dispatchIdOf('exec-9', 2, 3)).toBe('exec-9.2.3');
  });
});

describe('onResult', () => {
  /** A new execution of `plan` with its first action dispatched (committed by the worker's claim). */
  function started(plan = planOf(action('a'), action('b'), action('c'))) {
    const first = asDispatch(onStateChanged(newExecution(plan), plan, ctxAt(T0)));
    return { plan, state: first.next, dispatch: first.dispatch };
  }

  it('dispatches the next action after a success', () => {
    const { plan, state, dispatch } = started();
    const now = T0 + 1_000;

    const decision = asDispatch(onResult(state, plan, succeeded(dispatch, now - 10), ctxAt(now)));

    expect(decision.dispatch).toMatchObject({ index: 1, action_id: 'b', attempt: 1, dispatch_id: 'exec-1.1.1', expect_seq: state.seq });
    expect(decision.next.seq).toBe(state.seq + 1);
    expect(decision.next.cur).toBe(1);
    expect(decision.next.acts[0]).toEqual({ s: 'success', n: 1, at: T0, end: now - 10 });
    expect(decision.next.lease_until).toBe(now + TIMEOUT_MS + GRACE_MS);
  });

  it('writes success when the last action succeeds', () => {
    const plan = planOf(action('a'));
    const { state, dispatch } = started(plan);

    const decision = asWrite(onResult(state, plan, succeeded(dispatch, T0 + 500), ctxAt(T0 + 600)));

    expect(decision.expect_seq).toBe(state.seq);
    expect(decision.next).toMatchObject({ status: 'success', seq: state.seq + 1, updated_at: T0 + 600 });
    expect(decision.next.acts[0]).toMatchObject({ s: 'success', end: T0 + 500 });
  });

  it('skips the next action when its condition is false, with the reason, and runs the one after', () => {
    const plan = planOf(action('a'), action('b', { condition_id: 'c-b' }), action('c'));
    const { state, dispatch } = started(plan);

    const decision = asDispatch(onResult(state, plan, succeeded(dispatch, T0 + 5), ctxAt(T0 + 6, { 'c-b': { result: false, reason: 'amount <= 100' } })));

    expect(decision.dispatch.action_id).toBe('c');
    expect(decision.next.acts[1]).toMatchObject({ s: 'skipped', why: 'amount <= 100', end: T0 + 6 });
  });

  it('writes success when every action after the success is skipped', () => {
    const plan = planOf(action('a'), action('b', { condition_id: 'no' }), action('c', { condition_id: 'no' }));
    const { state, dispatch } = started(plan);

    const decision = asWrite(onResult(state, plan, succeeded(dispatch, T0 + 5), ctxAt(T0 + 6, { no: { result: false, reason: 'nope' } })));

    expect(decision.next.status).toBe('success');
    expect(statuses(decision.next)).toEqual(['success', 'skipped', 'skipped']);
  });

  describe('failures', () => {
    it('schedules a retry after the backoff when the retry policy allows one', () => {
      const plan = planOf(action('a', { retry: policy({ max_attempts: 3, initial_delay_ms: 2_000 }) }), action('b'));
      const { state, dispatch } = started(plan);
      const now = T0 + 700;

      const decision = asWrite(onResult(state, plan, failed(dispatch, now - 5, { code: 'TIMEOUT_ERROR' }), ctxAt(now)));

      expect(decision.expect_seq).toBe(state.seq);
      expect(decision.next.status).toBe('in_progress');
      expect(decision.next.seq).toBe(state.seq + 1);
      // The retry waits on a timer fenced by the seq this write commits; the lease only matters if the timer is lost.
      expect(decision.next.lease_until).toBe(now + 2_000 + TIMER_GRACE_MS);
      expect(decision.next.acts[0]).toEqual({ s: 'scheduled', n: 1, at: T0, end: now - 5, ra: now + 2_000, why: 'TIMEOUT_ERROR', k: 'retry', ts: state.seq + 1 });
      expect(decision.next.acts[1]!.s).toBe('pending');
    });

    it('waits at least as long as the error asked', () => {
      const plan = planOf(action('a', { retry: policy({ max_attempts: 2, initial_delay_ms: 1_000 }) }));
      const { state, dispatch } = started(plan);

      const decision = asWrite(onResult(state, plan, failed(dispatch, T0 + 1, { code: 'RATE_LIMITED', retry_after_ms: 9_000 }), ctxAt(T0 + 2)));

      expect(decision.next.acts[0]!.ra).toBe(T0 + 2 + 9_000);
    });

    it('treats a failure without error as a retryable internal error', () => {
      const plan = planOf(action('a', { retry: policy({ max_attempts: 2, initial_delay_ms: 100 }) }));
      const { state, dispatch } = started(plan);
      const { error: _error, ...bare } = failed(dispatch, T0 + 1);

      const decision = asWrite(onResult(state, plan, bare, ctxAt(T0 + 2)));

      expect(decision.next.acts[0]).toMatchObject({ s: 'scheduled', why: 'INTERNAL_ERROR', ra: T0 + 102 });
    });

    it.each<[string, { code: string; retryable: boolean }, Parameters<typeof policy>[0]]>([
      ['a code that is never retried', { code: 'BAD_CONFIG', retryable: true }, {}],
      ['a code the policy lists as non-retryable', { code: 'NOT_FOUND', retryable: true }, { non_retryable_error_codes: ['NOT_FOUND'] }],
      ['an error that is not retryable', { code: 'INTERNAL_ERROR', retryable: false }, {}],
    ])('does not retry %s', (_name, error, extra) => {
      const plan = planOf(action('a', { retry: policy({ max_attempts: 5, ...extra }) }), action('b'));
      const { state, dispatch } = started(plan);

      const decision = asWrite(onResult(state, plan, failed(dispatch, T0 + 1, error), ctxAt(T0 + 2)));

      expect(decision.next.status).toBe('failed');
      expect(decision.next.acts[0]).toMatchObject({ s: 'failed', why: error.code });
      expect(decision.next.acts[0]).not.toHaveProperty('ra');
    });

    it('fails the execution and skips the later pending actions when the action may not fail', () => {
      const { plan, state, dispatch } = started();

      const decision = asWrite(onResult(state, plan, failed(dispatch, T0 + 10, { code: 'BAD_REQUEST' }), ctxAt(T0 + 20)));

      expect(decision.expect_seq).toBe(state.seq);
      expect(decision.next.status).toBe('failed');
      expect(decision.next.acts).toEqual([
        { s: 'failed', n: 1, at: T0, end: T0 + 10, why: 'BAD_REQUEST' },
        { s: 'skipped', n: 0, why: 'execution failed at a' },
        { s: 'skipped', n: 0, why: 'execution failed at a' },
      ]);
    });

    it('marks an allowed failure, runs on, and ends the execution with success', () => {
      const plan = planOf(action('a', { allow_failure: true }), action('b'));
      const { state, dispatch } = started(plan);

      const next = asDispatch(onResult(state, plan, failed(dispatch, T0 + 10, { code: 'BAD_REQUEST' }), ctxAt(T0 + 20)));

      expect(next.next.acts[0]).toMatchObject({ s: 'failed', why: ALLOWED_FAILURE, end: T0 + 10 });
      expect(next.dispatch.action_id).toBe('b');

      const done = asWrite(onResult(next.next, plan, succeeded(next.dispatch, T0 + 30), ctxAt(T0 + 40)));

      expect(done.next.status).toBe('success');
      expect(statuses(done.next)).toEqual(['failed', 'success']);
    });

    it('retries an action that may fail before letting it fail', () => {
      const plan = planOf(action('a', { allow_failure: true, retry: policy({ max_attempts: 2 }) }), action('b'));
      const { state, dispatch } = started(plan);

      const decision = asWrite(onResult(state, plan, failed(dispatch, T0 + 10), ctxAt(T0 + 20)));

      expect(decision.next.acts[0]!.s).toBe('scheduled');
    });

    it('ends with success when an allowed failure is the last action', () => {
      const plan = planOf(action('a'), action('b', { allow_failure: true }));
      const { state, dispatch } = started(plan);
      const second = asDispatch(onResult(state, plan, succeeded(dispatch, T0 + 1), ctxAt(T0 + 2)));

      const decision = asWrite(onResult(second.next, plan, failed(second.dispatch, T0 + 3, { retryable: false }), ctxAt(T0 + 4)));

      expect(decision.next.status).toBe('success');
      expect(decision.next.acts[1]!.why).toBe(ALLOWED_FAILURE);
    });
  });

  describe('stale and replayed results', () => {
    it.each<[string, (d: ReturnType<typeof started>) => { state: ExecutionState; result: ReturnType<typeof succeeded> }]>([
      ['an earlier attempt', ({ state, dispatch }) => ({ state, result: succeeded({ ...dispatch, attempt: 0 }, T0 + 1) })],
      ['a later attempt', ({ state, dispatch }) => ({ state, result: succeeded({ ...dispatch, attempt: 2 }, T0 + 1) })],
      ['another index', ({ state, dispatch }) => ({ state, result: succeeded({ ...dispatch, index: 1 }, T0 + 1) })],
      ['an index beyond the plan', ({ state, dispatch }) => ({ state, result: succeeded({ ...dispatch, index: 7 }, T0 + 1) })],
      [
        'an action that already succeeded (a replay)',
        ({ plan, state, dispatch }) => {
          const after = committed(onResult(state, plan, succeeded(dispatch, T0 + 1), ctxAt(T0 + 2)));
          return { state: after, result: succeeded(dispatch, T0 + 1) };
        },
      ],
      [
        'an attempt whose retry is scheduled',
        ({ state, dispatch }) => {
          const plan = planOf(action('a', { retry: policy({ max_attempts: 3 }) }), action('b'), action('c'));
          const after = committed(onResult(state, plan, failed(dispatch, T0 + 1), ctxAt(T0 + 2)));
          return { state: after, result: failed(dispatch, T0 + 1) };
        },
      ],
    ])('ignores a result for %s', (_name, arrange) => {
      const setup = started();
      const { state, result } = arrange(setup);

      expect(onResult(state, setup.plan, result, ctxAt(T0 + 5))).toEqual({ kind: 'none', reason: 'stale result' });
    });

    it.each<[Status]>([['success'], ['failed'], ['cancelled']])('ignores any result once the execution is %s', (status) => {
      const { plan, state, dispatch } = started();

      expect(onResult({ ...state, status }, plan, succeeded(dispatch, T0 + 1), ctxAt(T0 + 2))).toEqual({ kind: 'none', reason: `execution is ${status}` });
    });

    it('gives the same decision when the same result is delivered twice against the same state', () => {
      const { plan, state, dispatch } = started();
      const result = succeeded(dispatch, T0 + 1);

      expect(onResult(state, plan, result, ctxAt(T0 + 2))).toEqual(onResult(state, plan, result, ctxAt(T0 + 2)));
    });
  });

  it('cancels the execution when the action says so', () => {
    const { plan, state, dispatch } = started();

    const decision = asWrite(onResult(state, plan, succeeded(dispatch, T0 + 1, { effect: 'cancel_execution' }), ctxAt(T0 + 2)));

    expect(decision.expect_seq).toBe(state.seq);
    expect(decision.next).toMatchObject({ status: 'cancelled', reason: 'cancelled by action a', seq: state.seq + 1 });
    expect(decision.next.acts.map((a) => [a.s, a.why])).toEqual([
      ['success', undefined],
      ['cancelled', 'cancelled by action a'],
      ['cancelled', 'cancelled by action a'],
    ]);
  });
});

describe('cancel', () => {
  const plan = planOf(action('a'), action('b', { retry: policy({ max_attempts: 3 }) }), action('c'));

  function withScheduledRetry(): ExecutionState {
    const first = asDispatch(onStateChanged(newExecution(plan), plan, ctxAt(T0)));
    const second = asDispatch(onResult(first.next, plan, succeeded(first.dispatch, T0 + 1), ctxAt(T0 + 2)));
    return committed(onResult(second.next, plan, failed(second.dispatch, T0 + 3), ctxAt(T0 + 4)));
  }

  it('cancels pending and scheduled actions and keeps finished ones', () => {
    const state = withScheduledRetry();

    const decision = asWrite(cancel(state, T0 + 10, 'stopped by user'));

    expect(decision.expect_seq).toBe(state.seq);
    expect(decision.next).toMatchObject({ status: 'cancelled', reason: 'stopped by user', seq: state.seq + 1, updated_at: T0 + 10 });
    expect(decision.next.acts.map((a, i) => [plan.actions[i]!.id, a.s, a.why])).toEqual([
      ['a', 'success', undefined],
      ['b', 'cancelled', 'stopped by user'],
      ['c', 'cancelled', 'stopped by user'],
    ]);
  });

  it('cancels a new execution before anything ran', () => {
    const decision = asWrite(cancel(newExecution(plan), T0 + 1, 'not needed'));

    expect(decision.next.status).toBe('cancelled');
    expect(statuses(decision.next)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('leaves a running action to finish; its late result is then ignored', () => {
    const first = asDispatch(onStateChanged(newExecution(plan), plan, ctxAt(T0)));

    const cancelled = committed(cancel(first.next, T0 + 1, 'stop'));

    expect(cancelled.acts[0]!.s).toBe('in_progress');
    expect(onResult(cancelled, plan, succeeded(first.dispatch, T0 + 2), ctxAt(T0 + 3))).toEqual({ kind: 'none', reason: 'execution is cancelled' });
  });

  it('clips a long reason', () => {
    const decision = asWrite(cancel(newExecution(plan), T0, 'r'.repeat(400)));

    expect(decision.next.reason).toHaveLength(80);
  });

  it.each<[Status]>([['success'], ['failed'], ['cancelled'], ['skipped'], ['hot']])('does nothing to an execution that is %s', (status) => {
    expect(isFinal(status)).toBe(true);
    expect(cancel({ ...newExecution(plan), status }, T0, 'x')).toEqual({ kind: 'none', reason: `execution is ${status}` });
  });
});
