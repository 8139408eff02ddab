import {
  type ExecutionPlan,
  type ExecutionState,
  onResult,
  onStateChanged,
  onSweep,
  retrigger,
  RetryStrategy,
} from '../../src/execution';
import { action, asDispatch, asWrite, committed, ctxAt, failed, newExecution, planOf, policy, succeeded, T0 } from './fixtures';

const NOW = T0 + 100_000;

/** Runs `plan` with the given outcome per action id (default success) until it ends. */
function runToEnd(plan: ExecutionPlan, outcome: Record<string, 'fail' | 'fail-final'> = {}, state = newExecution(plan)): ExecutionState {
  let clock = T0;
  let decision = onStateChanged(state, plan, ctxAt(clock));
  for (let steps = 0; steps < 50; steps++) {
    clock += 1_000_000;
    if (decision.kind === 'none') throw new Error(`stuck: ${decision.reason}`);
    if (decision.next.status !== 'in_progress') return decision.next;
    if (decision.kind === 'dispatch') {
      const d = decision.dispatch;
      const wanted = outcome[d.action_id];
      const result = wanted === undefined ? succeeded(d, clock) : failed(d, clock, { code: 'UPSTREAM', retryable: wanted === 'fail' });
      decision = onResult(decision.next, plan, result, ctxAt(clock));
    } else {
      decision = onSweep(decision.next, plan, { kind: 'idle' }, ctxAt(clock));
    }
  }
  throw new Error('did not end');
}

/** The write a retrigger asks for; fails the test when it was refused. */
function accepted(result: ReturnType<typeof retrigger>) {
  expect(result).toMatchObject({ ok: true });
  if (!result.ok) throw new Error(result.reason);
  return result.decision;
}

/** Retriggers and runs the execution to its end, everything succeeding. */
function retriggerAndRun(state: ExecutionState, plan: ExecutionPlan, actionId: string, strategy: RetryStrategy): ExecutionState {
  return runToEnd(plan, {}, accepted(retrigger(state, plan, actionId, strategy, NOW)).next);
}

describe('retrigger', () => {
  // b retries once, then fails for good
  const plan = planOf(action('a'), action('b', { retry: policy({ max_attempts: 2, initial_delay_ms: 10 }) }), action('c'), action('d'));
  const failedAtB = runToEnd(plan, { b: 'fail' });

  it('starts from an execution that failed at b after two attempts', () => {
    expect(failedAtB.status).toBe('failed');
    expect(failedAtB.acts.map((a, i) => [plan.actions[i]!.id, a.s, a.n])).toEqual([
      ['a', 'success', 1],
      ['b', 'failed', 2],
      ['c', 'skipped', 0],
      ['d', 'skipped', 0],
    ]);
  });

  describe('RETRY_AND_RESUME', () => {
    it('reopens the failed action and the later skipped ones, keeping the attempt base in n0', () => {
      const result = retrigger(failedAtB, plan, 'b', RetryStrategy.RETRY_AND_RESUME, NOW);
      const { next, expect_seq } = accepted(result);
      expect(expect_seq).toBe(failedAtB.seq);
      expect(next).toMatchObject({ status: 'in_progress', cur: 1, seq: failedAtB.seq + 1, updated_at: NOW, lease_until: NOW + 60_000 });
      expect(next).not.toHaveProperty('stop_after');
      expect(next.acts[0]).toEqual(failedAtB.acts[0]);
      expect(next.acts.slice(1)).toStrictEqual([
        { s: 'pending', n: 2, n0: 2, at: failedAtB.acts[1]!.at },
        { s: 'pending', n: 0, n0: 0 },
        { s: 'pending', n: 0, n0: 0 },
      ]);
    });

    it('dispatches the next attempt number, and the retry policy counts afresh', () => {
      const reopened = accepted(retrigger(failedAtB, plan, 'b', RetryStrategy.RETRY_AND_RESUME, NOW)).next;

      const dispatch = asDispatch(onStateChanged(reopened, plan, ctxAt(NOW + 1)));
      expect(dispatch.dispatch).toMatchObject({ action_id: 'b', attempt: 3, dispatch_id: 'exec-1.1.3', expect_seq: reopened.seq });

      const afterFailure = asWrite(onResult(dispatch.next, plan, failed(dispatch.dispatch, NOW + 2), ctxAt(NOW + 2)));
      expect(afterFailure.next.acts[1]).toMatchObject({ s: 'scheduled', ra: NOW + 2 + 10 });
    });

    it('runs the rest of the flow and ends with success', () => {
      const done = retriggerAndRun(failedAtB, plan, 'b', RetryStrategy.RETRY_AND_RESUME);

      expect(done.status).toBe('success');
      expect(done.acts.map((a) => a.s)).toEqual(['success', 'success', 'success', 'success']);
      expect(done.acts[0]!.n).toBe(1);
    });

    it('clears the reason of a failed execution', () => {
      const withReason: ExecutionState = { ...failedAtB, reason: 'b failed' };

      const { next } = accepted(retrigger(withReason, plan, 'b', RetryStrategy.RETRY_AND_RESUME, NOW));

      expect(next).not.toHaveProperty('reason');
    });

    it('re-runs an allowed failure of an execution that ended with success', () => {
      const lenient = planOf(action('a', { allow_failure: true }), action('b'));
      const ended = runToEnd(lenient, { a: 'fail-final' });
      expect(ended.status).toBe('success');

      const done = retriggerAndRun(ended, lenient, 'a', RetryStrategy.RETRY_AND_RESUME);

      expect(done.status).toBe('success');
      expect(done.acts.map((a) => [a.s, a.n])).toEqual([
        ['success', 2],
        ['success', 1],
      ]);
    });
  });

  describe('RETRY_AND_STOP', () => {
    it('reopens only the failed action and stops after it', () => {
      const result = retrigger(failedAtB, plan, 'b', RetryStrategy.RETRY_AND_STOP, NOW);
      const { next } = accepted(result);
      expect(next.stop_after).toBe(1);
      expect(next.acts.map((a) => a.s)).toEqual(['success', 'pending', 'skipped', 'skipped']);
    });

    it('finishes after the action succeeds and leaves the rest skipped', () => {
      const done = retriggerAndRun(failedAtB, plan, 'b', RetryStrategy.RETRY_AND_STOP);

      expect(done.status).toBe('success');
      expect(done).not.toHaveProperty('stop_after');
      expect(done.acts.map((a, i) => [plan.actions[i]!.id, a.s])).toEqual([
        ['a', 'success'],
        ['b', 'success'],
        ['c', 'skipped'],
        ['d', 'skipped'],
      ]);
    });

    it('skips later actions that were still pending, saying why', () => {
      const retryPlan = planOf(action('a', { retry: policy({ max_attempts: 3 }) }), action('b'));
      const first = asDispatch(onStateChanged(newExecution(retryPlan), retryPlan, ctxAt(T0)));
      const waiting = committed(onResult(first.next, retryPlan, failed(first.dispatch, T0 + 1), ctxAt(T0 + 1)));
      expect(waiting.acts.map((a) => a.s)).toEqual(['scheduled', 'pending']);

      const done = retriggerAndRun(waiting, retryPlan, 'a', RetryStrategy.RETRY_AND_STOP);

      expect(done.status).toBe('success');
      expect(done.acts[1]).toMatchObject({ s: 'skipped', why: 'not run (retry and stop)', n: 0 });
    });
  });

  describe('RETRY_ALL_PARENT_CONDITION_ACTIONS', () => {
    const branched = planOf(action('a'), action('b', { condition_id: 'c-1' }), action('c', { condition_id: 'c-1' }), action('d'));
    const failedAtC = runToEnd(branched, { c: 'fail' });

    it('reopens every action under the same condition, the succeeded ones too, and resumes from the first', () => {
      const result = retrigger(failedAtC, branched, 'c', RetryStrategy.RETRY_ALL_PARENT_CONDITION_ACTIONS, NOW);
      const { next } = accepted(result);
      expect(next.cur).toBe(1);
      expect(next.acts.map((a, i) => [branched.actions[i]!.id, a.s, a.n0])).toEqual([
        ['a', 'success', undefined],
        ['b', 'pending', 1],
        ['c', 'pending', 1],
        ['d', 'pending', 0],
      ]);
      expect(asDispatch(onStateChanged(next, branched, ctxAt(NOW))).dispatch).toMatchObject({ action_id: 'b', attempt: 2 });
    });

    it('runs the block again and the rest of the flow', () => {
      const done = retriggerAndRun(failedAtC, branched, 'c', RetryStrategy.RETRY_ALL_PARENT_CONDITION_ACTIONS);

      expect(done.status).toBe('success');
      expect(done.acts.map((a, i) => [branched.actions[i]!.id, a.s, a.n])).toEqual([
        ['a', 'success', 1],
        ['b', 'success', 2],
        ['c', 'success', 2],
        ['d', 'success', 1],
      ]);
    });

    it('accepts an action that already succeeded', () => {
      expect(retrigger(failedAtC, branched, 'b', RetryStrategy.RETRY_ALL_PARENT_CONDITION_ACTIONS, NOW).ok).toBe(true);
    });

    it('behaves like RETRY_AND_RESUME for an action without condition', () => {
      const all = retrigger(failedAtB, plan, 'b', RetryStrategy.RETRY_ALL_PARENT_CONDITION_ACTIONS, NOW);
      const resume = retrigger(failedAtB, plan, 'b', RetryStrategy.RETRY_AND_RESUME, NOW);

      expect(all).toEqual(resume);
    });
  });

  describe('refusals', () => {
    const firstDispatched = asDispatch(onStateChanged(newExecution(plan), plan, ctxAt(T0)));
    const running = firstDispatched.next;
    const bScheduled = (() => {
      const second = asDispatch(onResult(running, plan, succeeded(firstDispatched.dispatch, T0 + 1), ctxAt(T0 + 1)));
      return committed(onResult(second.next, plan, failed(second.dispatch, T0 + 2), ctxAt(T0 + 2)));
    })();

    it.each<[string, () => ExecutionState, string, RetryStrategy, string]>([
      ['an unknown action', () => failedAtB, 'zzz', RetryStrategy.RETRY_AND_RESUME, 'execution has no action zzz'],
      ['an action that already succeeded (resume)', () => failedAtB, 'a', RetryStrategy.RETRY_AND_RESUME, 'action a already succeeded'],
      ['an action that already succeeded (stop)', () => failedAtB, 'a', RetryStrategy.RETRY_AND_STOP, 'action a already succeeded'],
      ['another action while one is in progress', () => running, 'c', RetryStrategy.RETRY_AND_RESUME, 'action a is in_progress; retrigger when it is done'],
      ['another action while a retry is scheduled', () => bScheduled, 'c', RetryStrategy.RETRY_AND_RESUME, 'action b is scheduled; retrigger when it is done'],
      ['a cancelled execution', () => ({ ...failedAtB, status: 'cancelled' }), 'b', RetryStrategy.RETRY_AND_RESUME, 'execution is cancelled'],
      ['a hot execution', () => ({ ...failedAtB, status: 'hot' }), 'b', RetryStrategy.RETRY_AND_RESUME, 'execution is hot'],
    ])('refuses %s', (_name, arrange, actionId, strategy, reason) => {
      expect(retrigger(arrange(), plan, actionId, strategy, NOW)).toEqual({ ok: false, reason });
    });

    it('accepts the running action itself, whose late result is then stale', () => {
      const result = retrigger(running, plan, 'a', RetryStrategy.RETRY_AND_RESUME, NOW);
      const reopened = accepted(result).next;

      const again = asDispatch(onStateChanged(reopened, plan, ctxAt(NOW)));

      expect(again.dispatch.attempt).toBe(2);
      expect(onResult(again.next, plan, succeeded(firstDispatched.dispatch, NOW + 1), ctxAt(NOW + 1))).toEqual({ kind: 'none', reason: 'stale result' });
    });
  });
});
