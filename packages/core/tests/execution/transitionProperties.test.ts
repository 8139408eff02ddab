import fc from 'fast-check';
import {
  type ActionResult,
  type Decision,
  type Dispatch,
  dispatchIdOf,
  type ExecutionPlan,
  type ExecutionState,
  isFinal,
  onResult,
  onStateChanged,
  onSweep,
  onTimer,
  type PlanAction,
  timersOf,
} from '../../src/execution';
import { action, ctxAt, failed, newExecution, planOf, policy, succeeded, T0 } from './fixtures';

const CONDITIONS = { 'c-yes': { result: true, reason: 'holds' }, 'c-no': { result: false, reason: 'does not hold' } };

const planAction = (i: number): fc.Arbitrary<PlanAction> =>
  fc
    .record({
      allow_failure: fc.boolean(),
      max_attempts: fc.integer({ min: 1, max: 3 }),
      initial_delay_ms: fc.integer({ min: 0, max: 5_000 }),
      condition_id: fc.constantFrom(undefined, 'c-yes', 'c-no'),
    })
    .map(({ allow_failure, max_attempts, initial_delay_ms, condition_id }) =>
      action(`a${i}`, {
        allow_failure,
        retry: policy({ max_attempts, initial_delay_ms }),
        ...(condition_id ? { condition_id } : {}),
      }),
    );

const plans: fc.Arbitrary<ExecutionPlan> = fc
  .integer({ min: 1, max: 5 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => planAction(i))))
  .map((actions) => planOf(...actions));

type Outcome = { ok: true; cancel: boolean } | { ok: false; code: string; retryable: boolean };

const outcome: fc.Arbitrary<Outcome> = fc.oneof(
  fc.record({ ok: fc.constant(true as const), cancel: fc.constant(false) }),
  fc.record({ ok: fc.constant(false as const), code: fc.constantFrom('INTERNAL_ERROR', 'TIMEOUT_ERROR', 'BAD_CONFIG'), retryable: fc.boolean() }),
);

/** What may happen to an execution: a worker reports (possibly a replay of an older attempt), the sweeper runs, the state changes. */
type Step =
  | { kind: 'result'; back: number; outcome: Outcome; after: number }
  | { kind: 'sweep'; after: number; stored: { back: number; outcome: Outcome } | undefined }
  | { kind: 'changed' }
  /** the clock moves on and the execution's due timers fire; `stale` also fires an outdated copy */
  | { kind: 'timer'; after: number; stale: boolean };

const steps: fc.Arbitrary<Step[]> = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('result' as const), back: fc.nat({ max: 3 }), outcome, after: fc.nat({ max: 2_000 }) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('sweep' as const),
        after: fc.nat({ max: 60_000 }),
        stored: fc.option(fc.record({ back: fc.nat({ max: 1 }), outcome }), { nil: undefined }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'changed' as const }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('timer' as const), after: fc.nat({ max: 10_000 }), stale: fc.boolean() }) },
  ),
  { maxLength: 40 },
);

function resultFor(dispatch: Dispatch, o: Outcome, at: number): ActionResult {
  if (o.ok) return succeeded(dispatch, at, o.cancel ? { effect: 'cancel_execution' } : {});
  return failed(dispatch, at, { code: o.code, retryable: o.retryable });
}

/** Checks one transition and returns the state after it is committed. */
function checkTransition(plan: ExecutionPlan, before: ExecutionState, decision: Decision): ExecutionState {
  if (decision.kind === 'none') return before;

  expect(isFinal(before.status)).toBe(false);
  const { next } = decision;
  expect(next.seq).toBe(before.seq + 1);
  expect(decision.kind === 'dispatch' ? decision.dispatch.expect_seq : decision.expect_seq).toBe(before.seq);
  expect(next.acts).toHaveLength(plan.actions.length);
  expect(next.acts.filter((a) => a.s === 'in_progress').length).toBeLessThanOrEqual(1);
  before.acts.forEach((slot, i) => {
    if (isFinal(slot.s)) expect(next.acts[i]!.s).toBe(slot.s);
  });
  if (isFinal(next.status)) expect(next.acts.some((a) => a.s === 'pending' || a.s === 'scheduled')).toBe(false);

  if (decision.kind === 'dispatch') {
    const { dispatch } = decision;
    expect(next.status).toBe('in_progress');
    expect(next.cur).toBe(dispatch.index);
    expect(dispatch.action_id).toBe(plan.actions[dispatch.index]!.id);
    expect(next.acts[dispatch.index]).toMatchObject({ s: 'in_progress', n: dispatch.attempt });
    expect(dispatch.dispatch_id).toBe(dispatchIdOf(before.execution_id, dispatch.index, dispatch.attempt));
  }
  return next;
}

/** Runs the steps against a fresh execution, checking every transition; returns the end state. */
function simulate(plan: ExecutionPlan, script: Step[]): ExecutionState {
  let now = T0;
  let state = newExecution(plan, now);
  const dispatched: Dispatch[] = [];
  const apply = (decision: Decision) => {
    state = checkTransition(plan, state, decision);
    if (decision.kind === 'dispatch') dispatched.push(decision.dispatch);
  };
  const recent = (back: number): Dispatch | undefined => dispatched[dispatched.length - 1 - Math.min(back, dispatched.length - 1)];

  apply(onStateChanged(state, plan, ctxAt(now, CONDITIONS)));
  for (const step of script) {
    if (step.kind === 'changed') {
      apply(onStateChanged(state, plan, ctxAt(now, CONDITIONS)));
    } else if (step.kind === 'timer') {
      now += step.after;
      for (const timer of timersOf(state)) {
        if (step.stale) expect(onTimer(state, plan, { ...timer, seq: timer.seq - 1 }, ctxAt(now, CONDITIONS))).toEqual({ kind: 'none', reason: 'stale timer' });
        if (timer.due_at > now) continue;
        const decision = onTimer(state, plan, timer, ctxAt(now, CONDITIONS));
        if (decision.kind === 'complete') throw new Error('no wait steps in these plans');
        apply(decision);
        // The same timer delivered twice: the second delivery changes nothing.
        expect(onTimer(state, plan, timer, ctxAt(now, CONDITIONS)).kind).toBe('none');
      }
    } else if (step.kind === 'result') {
      now += step.after;
      const dispatch = recent(step.back);
      if (dispatch) apply(onResult(state, plan, resultFor(dispatch, step.outcome, now), ctxAt(now, CONDITIONS)));
    } else {
      now += step.after;
      const dispatch = step.stored && recent(step.stored.back);
      const input = step.stored && dispatch ? { kind: 'in_progress' as const, result: resultFor(dispatch, step.stored.outcome, now) } : { kind: 'idle' as const };
      apply(onSweep(state, plan, input, ctxAt(now, CONDITIONS)));
    }
  }
  return state;
}

describe('execution transitions (properties)', () => {
  it('keep seq, slots and final states consistent whatever results, replays and sweeps arrive', () => {
    fc.assert(
      fc.property(plans, steps, (plan, script) => {
        const end = simulate(plan, script);

        expect(end.acts).toHaveLength(plan.actions.length);
      }),
      { numRuns: 500 },
    );
  });

  it('keep the same invariants when actions may cancel their execution', () => {
    const cancelling: fc.Arbitrary<Step[]> = steps.map((script) =>
      script.map((step, i) => (step.kind === 'result' && step.outcome.ok && i % 3 === 0 ? { ...step, outcome: { ok: true as const, cancel: true } } : step)),
    );

    fc.assert(
      fc.property(plans, cancelling, (plan, script) => {
        const end = simulate(plan, script);

        expect(['starting', 'in_progress', 'success', 'failed', 'cancelled']).toContain(end.status);
      }),
      { numRuns: 300 },
    );
  });

  it('end with success when every attempt succeeds, each action having run once or been skipped by its condition', () => {
    fc.assert(
      fc.property(plans, (plan) => {
        const script: Step[] = plan.actions.map(() => ({ kind: 'result', back: 0, outcome: { ok: true, cancel: false }, after: 10 }));

        const end = simulate(plan, script);

        expect(end.status).toBe('success');
        end.acts.forEach((slot, i) => {
          const skipped = plan.actions[i]!.condition_id === 'c-no';
          expect(slot).toMatchObject(skipped ? { s: 'skipped', n: 0 } : { s: 'success', n: 1 });
        });
      }),
    );
  });

  it('end failed when an action that may not fail keeps failing, after exactly max_attempts attempts', () => {
    fc.assert(
      fc.property(plans, (plan) => {
        const script: Step[] = [];
        for (let i = 0; i < 30; i++) {
          script.push({ kind: 'result', back: 0, outcome: { ok: false, code: 'INTERNAL_ERROR', retryable: true }, after: 10 });
          script.push({ kind: 'timer', after: 10_000, stale: false });
        }

        const end = simulate(plan, script);

        const runnable = plan.actions.map((a, i) => ({ a, i })).filter(({ a }) => a.condition_id !== 'c-no');
        const fatal = runnable.find(({ a }) => !a.allow_failure);
        expect(end.status).toBe(fatal ? 'failed' : 'success');
        for (const { a, i } of runnable) {
          if (fatal && i > fatal.i) expect(end.acts[i]!.s).toBe('skipped');
          else expect(end.acts[i]).toMatchObject({ s: 'failed', n: a.retry.maxAttempts });
        }
      }),
    );
  });
});
