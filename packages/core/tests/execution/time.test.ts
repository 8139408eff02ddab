import {
  type DecideContext,
  type Decision,
  type ExecutionState,
  type FireTime,
  INVALID_SCHEDULE_CONFIG,
  RetryStrategy,
  TIMER_GRACE_MS,
  type TimerDecision,
  addDuration,
  cancel,
  cancelSchedule,
  onResult,
  onStateChanged,
  onTimer,
  retrigger,
  timerChanges,
  timersOf,
} from '../../src/execution';
import { action, asDispatch, asWrite, committed, ctxAt, newExecution, planOf, succeeded, T0 } from './fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A context whose schedules fire at the given times (by action index) and whose conditions answer as given. */
const timeCtx = (now: number, fire: Record<number, FireTime> = {}, conditions: Record<string, boolean> = {}, extra: Partial<DecideContext> = {}): DecideContext => ({
  ...ctxAt(now, Object.fromEntries(Object.entries(conditions).map(([id, result]) => [id, { result, reason: `${id} is ${result}` }]))),
  fireTimeOf: (i) => fire[i] ?? { ok: false, reason: `no fire time for ${i}` },
  addDuration,
  ...extra,
});

const asTimerWrite = (d: TimerDecision) => asWrite(d as Decision);
const fireOf = (state: ExecutionState, index: number) => ({ index, seq: state.acts[index]!.ts! });

describe('delays (schedules[])', () => {
  const plan = planOf(action('a'), action('b', { schedule_id: 'in-1-hour' }), action('c'));

  /** A has run and succeeded at T0 + 10. */
  function afterA(fireAt = T0 + HOUR) {
    const first = asDispatch(onStateChanged(newExecution(plan), plan, timeCtx(T0)));
    const decision = onResult(first.next, plan, succeeded(first.dispatch, T0 + 10), timeCtx(T0 + 10, { 1: { ok: true, at: fireAt } }));
    return { before: first.next, decision };
  }

  it('leaves a delayed action scheduled with its fire time, the execution scheduled and later actions pending', () => {
    const { before, decision } = afterA();
    const next = asWrite(decision).next;

    expect(next.status).toBe('scheduled');
    expect(next.cur).toBe(1);
    expect(next.acts.map((a) => a.s)).toEqual(['success', 'scheduled', 'pending']);
    expect(next.acts[1]).toMatchObject({ k: 'delay', sa: T0 + HOUR, ts: before.seq + 1 });
    expect(next.lease_until).toBe(T0 + HOUR + TIMER_GRACE_MS);
    expect(timerChanges(before, next)).toEqual({ arm: [{ index: 1, seq: before.seq + 1, due_at: T0 + HOUR, kind: 'delay' }], disarm: [] });
  });

  it('runs the delayed action when its timer fires, and the next one after it without waiting', () => {
    const waiting = committed(afterA().decision);
    const fired = asDispatch(onTimer(waiting, plan, fireOf(waiting, 1), timeCtx(T0 + HOUR)) as Decision);

    expect(fired.dispatch).toMatchObject({ index: 1, action_id: 'b', attempt: 1 });
    expect(fired.next.acts[1]).toMatchObject({ s: 'in_progress', sd: 1, sa: T0 + HOUR, at: T0 + HOUR });
    expect(timersOf(fired.next)).toEqual([]);
    const last = asDispatch(onResult(fired.next, plan, succeeded(fired.dispatch, T0 + HOUR + 5), timeCtx(T0 + HOUR + 5)));
    expect(last.dispatch.action_id).toBe('c');
  });

  it.each([
    ['a timer that fires again after it ran', (w: ExecutionState) => committed(onTimer(w, plan, fireOf(w, 1), timeCtx(T0 + HOUR)) as Decision), (w: ExecutionState) => fireOf(w, 1)],
    ['a timer armed for another seq', (w: ExecutionState) => w, (w: ExecutionState) => ({ index: 1, seq: w.acts[1]!.ts! - 1 })],
    ['a timer of a cancelled execution', (w: ExecutionState) => committed(cancel(w, T0 + 5, 'stop')), (w: ExecutionState) => fireOf(w, 1)],
  ])('does nothing for %s', (_name, change, timerOf) => {
    const waiting = committed(afterA().decision);
    const timer = timerOf(waiting);

    expect(onTimer(change(waiting), plan, timer, timeCtx(T0 + HOUR)).kind).toBe('none');
  });

  it('runs at once when the fire time is now or less than a minute ago', () => {
    expect(asDispatch(afterA(T0 + 10 - 30_000).decision).dispatch.action_id).toBe('b');
  });

  it.each<[string, FireTime]>([
    ['cannot be computed', { ok: false, reason: 'attribute "due" of the trigger entity is missing' }],
    ['has passed', { ok: true, at: T0 - DAY }],
  ])('fails the execution with INVALID_SCHEDULE_CONFIG when the fire time %s', (_name, fire) => {
    const first = asDispatch(onStateChanged(newExecution(plan), plan, timeCtx(T0)));
    const next = asWrite(onResult(first.next, plan, succeeded(first.dispatch, T0 + 10), timeCtx(T0 + 10, { 1: fire }))).next;

    expect(next.status).toBe('failed');
    expect(next.acts[1]).toMatchObject({ s: 'failed', why: expect.stringMatching(new RegExp(`^${INVALID_SCHEDULE_CONFIG}: schedule in-1-hour: `)) });
    expect(next.acts[2]).toMatchObject({ s: 'skipped' });
  });

  it("lets the execution go on past an action whose schedule fails when the action allows failure", () => {
    const tolerant = planOf(action('b', { schedule_id: 's', allow_failure: true }), action('c'));
    const d = asDispatch(onStateChanged(newExecution(tolerant), tolerant, timeCtx(T0, { 0: { ok: false, reason: 'no date' } })));

    expect(d.dispatch.action_id).toBe('c');
    expect(d.next.acts[0]).toMatchObject({ s: 'failed', af: 1 });
  });
});

describe('condition blocks with a schedule', () => {
  const block = (extra = {}) => ({ condition_id: 'c1', schedule_id: 'tomorrow', block: { condition_id: 'c1' }, ...extra });
  const plan = planOf(action('x', block()), action('y', block()), action('z'));
  const fire = { 0: { ok: true as const, at: T0 + DAY }, 1: { ok: true as const, at: T0 + DAY } };

  it('AFTER_SCHEDULE (default): arms without checking the condition, checks it when the timer fires', () => {
    const waiting = asWrite(onStateChanged(newExecution(plan), plan, timeCtx(T0, fire, { c1: false }))).next;
    expect(waiting.acts[0]).toMatchObject({ s: 'scheduled', k: 'delay' });

    const holds = asDispatch(onTimer(waiting, plan, fireOf(waiting, 0), timeCtx(T0 + DAY, fire, { c1: true })) as Decision);
    expect(holds.dispatch.action_id).toBe('x');
    // The rest of the block passed its schedule too: it does not wait again.
    expect(holds.next.acts[1]).toMatchObject({ s: 'pending', sd: 1 });

    const fails = asDispatch(onTimer(waiting, plan, fireOf(waiting, 0), timeCtx(T0 + DAY, fire, { c1: false })) as Decision);
    expect(fails.dispatch.action_id).toBe('z');
    expect(fails.next.acts.map((a) => a.s)).toEqual(['skipped', 'skipped', 'in_progress']);
  });

  it('BEFORE_SCHEDULE: skips the block at once when the condition fails, and arms nothing', () => {
    const before = planOf(action('x', block({ check_first: true })), action('y', block({ check_first: true })), action('z'));
    const d = asDispatch(onStateChanged(newExecution(before), before, timeCtx(T0, fire, { c1: false })));

    expect(d.dispatch.action_id).toBe('z');
    expect(timersOf(d.next)).toEqual([]);
  });

  it('BEFORE_SCHEDULE: arms when the condition holds and does not check it again at fire time', () => {
    const before = planOf(action('x', block({ check_first: true })), action('z'));
    const waiting = asWrite(onStateChanged(newExecution(before), before, timeCtx(T0, fire, { c1: true }))).next;

    expect(asDispatch(onTimer(waiting, before, fireOf(waiting, 0), timeCtx(T0 + DAY, fire, { c1: false })) as Decision).dispatch.action_id).toBe('x');
  });

  it("cancels the whole block and goes on when the block's schedule fails and the condition allows failure", () => {
    const tolerant = planOf(action('x', block({ block: { condition_id: 'c1', allow_failure: true } })), action('y', block({ block: { condition_id: 'c1', allow_failure: true } })), action('z'));
    const d = asDispatch(onStateChanged(newExecution(tolerant), tolerant, timeCtx(T0, { 0: { ok: false, reason: 'no date' } })));

    expect(d.dispatch.action_id).toBe('z');
    expect(d.next.acts.slice(0, 2)).toEqual([
      expect.objectContaining({ s: 'cancelled', why: `${INVALID_SCHEDULE_CONFIG}: schedule tomorrow: no date` }),
      expect.objectContaining({ s: 'cancelled' }),
    ]);
  });

  it('waits once for a block whose schedule is due at once: later actions of the block do not compute it again', () => {
    const due = { 0: { ok: true as const, at: T0 }, 1: { ok: true as const, at: T0 } };
    const x = asDispatch(onStateChanged(newExecution(plan), plan, timeCtx(T0, due)));
    expect(x.next.acts[1]).toMatchObject({ s: 'pending', sd: 1 });
    // Ten minutes later the fire time would have passed; the block already waited for it.
    const later = T0 + 10 * 60_000;
    expect(asDispatch(onResult(x.next, plan, succeeded(x.dispatch, later), timeCtx(later, due))).dispatch.action_id).toBe('y');
  });

  it('RETRY_ALL_PARENT_CONDITION_ACTIONS re-runs the block without waiting for its schedule again', () => {
    const waiting = asWrite(onStateChanged(newExecution(plan), plan, timeCtx(T0, fire))).next;
    const x = asDispatch(onTimer(waiting, plan, fireOf(waiting, 0), timeCtx(T0 + DAY, fire)) as Decision);
    const y = asDispatch(onResult(x.next, plan, succeeded(x.dispatch, T0 + DAY + 1), timeCtx(T0 + DAY + 1, fire)));
    const z = asDispatch(onResult(y.next, plan, succeeded(y.dispatch, T0 + DAY + 2), timeCtx(T0 + DAY + 2, fire)));
    const done = committed(onResult(z.next, plan, succeeded(z.dispatch, T0 + DAY + 3), timeCtx(T0 + DAY + 3, fire)));
    expect(done.status).toBe('success');

    const reopened = retrigger(done, plan, 'y', RetryStrategy.RETRY_ALL_PARENT_CONDITION_ACTIONS, T0 + 2 * DAY);
    if (!reopened.ok) throw new Error(reopened.reason);
    const again = asDispatch(onStateChanged(reopened.decision.next, plan, timeCtx(T0 + 2 * DAY, fire)));
    expect(again.dispatch.action_id).toBe('x');
  });
});

describe('cancelSchedule', () => {
  const plan = planOf(action('x', { condition_id: 'c1', schedule_id: 's', block: { condition_id: 'c1' } }), action('y', { condition_id: 'c1', schedule_id: 's', block: { condition_id: 'c1' } }), action('z'));
  const waiting = () => asWrite(onStateChanged(newExecution(plan), plan, timeCtx(T0, { 0: { ok: true, at: T0 + DAY } }))).next;

  it('skips the actions waiting for the schedule, with the reason, and lets the execution go on', () => {
    const outcome = cancelSchedule(waiting(), plan, 's', T0 + 5);
    if (!outcome.ok) throw new Error(outcome.reason);
    const next = outcome.decision.next;

    expect(next.status).toBe('in_progress');
    expect(next.acts.map((a) => [a.s, a.why])).toEqual([
      ['skipped', 'schedule s was cancelled'],
      ['skipped', 'schedule s was cancelled'],
      ['pending', undefined],
    ]);
    expect(timerChanges(waiting(), next).disarm).toHaveLength(1);
    expect(asDispatch(onStateChanged(next, plan, timeCtx(T0 + 5))).dispatch.action_id).toBe('z');
  });

  it('is refused a second time, for an unknown schedule and once the schedule fired', () => {
    const once = cancelSchedule(waiting(), plan, 's', T0 + 5);
    if (!once.ok) throw new Error(once.reason);
    expect(cancelSchedule(once.decision.next, plan, 's', T0 + 6)).toMatchObject({ ok: false });
    expect(cancelSchedule(waiting(), plan, 'other', T0 + 6)).toMatchObject({ ok: false });
    const w = waiting();
    const fired = committed(onTimer(w, plan, fireOf(w, 0), timeCtx(T0 + DAY)) as Decision);
    expect(cancelSchedule(fired, plan, 's', T0 + DAY + 1)).toMatchObject({ ok: false });
  });
});

describe('wait steps', () => {
  const plan = planOf(action('wait', { type: 'wait', wait: { timeout: 'P3D', event: true } }), action('next'));
  const started = () => asWrite(onStateChanged(newExecution(plan), plan, timeCtx(T0))).next;

  it('start as a scheduled slot with the timeout as its timer', () => {
    const s = started();
    expect(s.status).toBe('scheduled');
    expect(s.acts[0]).toMatchObject({ s: 'scheduled', k: 'wait', n: 1, at: T0, sa: T0 + 3 * DAY });
  });

  it('time out into a result with outcome timeout, which onResult takes like a worker result', () => {
    const s = started();
    const timedOut = onTimer(s, plan, fireOf(s, 0), timeCtx(T0 + 3 * DAY));
    if (timedOut.kind !== 'complete') throw new Error(`expected a result, got ${timedOut.kind}`);
    expect(timedOut.result).toEqual({ index: 0, action_id: 'wait', attempt: 1, status: 'success', started_at: T0, ended_at: T0 + 3 * DAY, outputs: { outcome: 'timeout', waited_ms: 3 * DAY } });

    const next = asDispatch(onResult(s, plan, timedOut.result, timeCtx(T0 + 3 * DAY)));
    expect(next.dispatch.action_id).toBe('next');
    expect(next.next.acts[0]).toMatchObject({ s: 'success', end: T0 + 3 * DAY });
    // The event that comes later for the same attempt is a stale result.
    expect(onResult(next.next, plan, { ...timedOut.result, outputs: { outcome: 'event' } }, timeCtx(T0 + 3 * DAY + 1))).toMatchObject({ kind: 'none', reason: 'stale result' });
  });

  it('run a plain delay when they wait for no event, with calendar months', () => {
    const delay = planOf(action('pause', { type: 'wait', wait: { timeout: 'P1M', event: false } }));
    const jan31 = Date.parse('2027-01-31T10:00:00Z');
    expect(asWrite(onStateChanged(newExecution(delay, jan31), delay, timeCtx(jan31))).next.acts[0]!.sa).toBe(Date.parse('2027-02-28T10:00:00Z'));
  });
});

describe('send windows', () => {
  const plan = planOf(action('mail', { send_window: true }));

  it('wait for the window to open, then run', () => {
    const opens = T0 + 8 * HOUR;
    const ctx = (now: number) => timeCtx(now, {}, {}, { windowOpensAt: () => Math.max(now, opens) });
    const waiting = asWrite(onStateChanged(newExecution(plan), plan, ctx(T0))).next;
    expect(waiting.acts[0]).toMatchObject({ s: 'scheduled', k: 'window', sa: opens });

    expect(asDispatch(onTimer(waiting, plan, fireOf(waiting, 0), ctx(opens)) as Decision).dispatch.action_id).toBe('mail');
  });

  it('run at once inside the window', () => {
    expect(asDispatch(onStateChanged(newExecution(plan), plan, timeCtx(T0, {}, {}, { windowOpensAt: () => T0 }))).dispatch.action_id).toBe('mail');
  });
});

describe('addDuration', () => {
  it.each([
    ['2027-01-31T10:00:00Z', 'P1M', '2027-02-28T10:00:00.000Z'],
    ['2028-01-31T10:00:00Z', 'P1M', '2028-02-29T10:00:00.000Z'],
    ['2027-03-28T00:30:00Z', 'P1D', '2027-03-29T00:30:00.000Z'],
    ['2027-01-01T00:00:00Z', 'P1Y2M3DT4H5M6S', '2028-03-04T04:05:06.000Z'],
    ['2027-01-01T00:00:00Z', 'PT90M', '2027-01-01T01:30:00.000Z'],
    ['2027-01-01T00:00:00Z', 'P2W', '2027-01-15T00:00:00.000Z'],
  ])('%s + %s = %s', (from, duration, expected) => {
    expect(new Date(addDuration(Date.parse(from), duration)).toISOString()).toBe(expected);
  });
});
