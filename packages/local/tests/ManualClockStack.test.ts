import { isFinal } from '@autoflow/core';
import { executionIdFor } from '@autoflow/engine';
import { saveFlow } from '../../../test/support/flows';
import { EmbeddedStack, ManualClock } from '../src';

const T0 = Date.parse('2027-01-01T09:00:00.000Z');
const DAY = 86_400_000;

describe('an embedded stack on a manual clock', () => {
  let stack: EmbeddedStack;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    stack = await EmbeddedStack.start({
      clock,
      sweepIntervalMs: 0,
      pollIntervalMs: 25,
      customHandlers: {
        // slow enough that an idle check taken while it runs would see the work in flight
        slow: async () => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return { outputs: { done: true } };
        },
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('runs its timers on that clock, in manual mode', () => {
    expect(stack.manualClock).toBe(clock);
    expect(stack.clock).toBe(clock);
    expect(stack.timers.mode).toBe('manual');
  });

  it('is idle only once an event published before has run its execution to the end', async () => {
    const org = 'idle-org';
    const flow = await saveFlow(stack, org, {
      flow_name: 'two slow steps',
      triggers: [{ type: 'entity_manual', configuration: {} }],
      actions: [
        { id: 'first', type: 'slow', config: {} },
        { id: 'second', type: 'slow', config: {} },
      ],
    });
    await stack.publishEvents([{ event_id: 'idle-1', org_id: org, type: 'manual', flow_id: flow.id, entity: { _id: 'x-1', _schema: 'thing' } }]);

    await stack.idle();

    const state = await stack.stores.executions.getState(org, executionIdFor(org, 'idle-1', flow.id));
    expect(state && isFinal(state.status)).toBe(true);
    expect(state?.status).toBe('success');
  });

  it('fires a due timer only when the clock is moved, and answers where the clock stands and how many fired', async () => {
    const timer = { org_id: 'timer-org', execution_id: 'no-such-execution', index: 0, seq: 1, due_at: T0 + DAY, kind: 'delay' as const };
    await stack.timers.arm([timer]);
    expect(stack.timers.armed).toBe(1);

    expect(await stack.advanceClock(T0 + DAY - 1)).toEqual({ now: T0 + DAY - 1, fired: 0 });
    expect(await stack.advanceClock(T0 + 2 * DAY)).toEqual({ now: T0 + 2 * DAY, fired: 1 });

    expect(clock.now()).toBe(T0 + 2 * DAY);
    expect(stack.timers.armed).toBe(0);
  });

  it('refuses a ManualClock with timers on the real clock, before starting anything', async () => {
    await expect(EmbeddedStack.start({ clock: new ManualClock(), timers: { mode: 'real' } })).rejects.toThrow(/needs a clock that moves by itself/);
  });
});
