import { executionIdFor } from '@autoflow/engine';
import { EmbeddedStack, ManualClock } from '@autoflow/local';
import { saveFlow } from './support/flows';
import { waitFor } from './support/waitFor';

/**
 * The sweeper re-drives work whose lease expired. A clock the test controls makes leases and
 * retry delays testable without sleeping.
 */
describe('the sweeper', () => {
  let stack: EmbeddedStack;
  const clock = new ManualClock();
  let calls = 0;
  let releaseFirst: () => void = () => {};

  beforeAll(async () => {
    stack = await EmbeddedStack.start({
      clock,
      sweepIntervalMs: 0,
      pollIntervalMs: 25,
      customHandlers: {
        // The first attempt never answers, as if its worker died; the second succeeds.
        flaky: async () => {
          calls++;
          if (calls === 1) await new Promise<void>((resolve) => (releaseFirst = resolve));
          return { outputs: { attempt: calls } };
        },
      },
    });
  });

  afterAll(async () => {
    releaseFirst();
    await stack?.stop();
  });

  const state = (org: string, id: string) => stack.stores.executions.getState(org, id);

  it('retries an action whose worker went silent once its lease expires, and ignores the late result', async () => {
    const org = 'sweep-org';
    const flow = await saveFlow(stack, org, {
      flow_name: 'silent worker',
      triggers: [{ type: 'entity_manual', configuration: {} }],
      actions: [{ id: 'flaky', type: 'flaky', timeout_ms: 60_000, retry_policy: { max_attempts: 2, initial_delay_ms: 1_000, jitter: 'none' }, config: {} }],
    });
    await stack.publishEvents([{ event_id: 's-1', org_id: org, type: 'manual', flow_id: flow.id, entity: { _id: 'x-1', _schema: 'thing' } }]);
    const id = executionIdFor(org, 's-1', flow.id);
    await waitFor('the first attempt to run', async () => ((await state(org, id))?.acts[0]?.s === 'in_progress' && calls === 1 ? true : undefined));

    // Before the lease expires, the sweeper leaves the execution alone.
    clock.advance(60_000);
    expect(await stack.sweep()).toMatchObject({ redriven: 0 });
    expect((await state(org, id))?.acts[0]).toMatchObject({ s: 'in_progress', n: 1 });

    // After it, the silent attempt counts as a timeout and a retry is scheduled by the policy.
    clock.advance(31_000);
    expect(await stack.sweep()).toMatchObject({ redriven: 1 });
    const scheduled = await state(org, id);
    expect(scheduled?.acts[0]).toMatchObject({ s: 'scheduled', why: 'TIMEOUT_ERROR', ra: clock.now() + 1_000 });

    // The retry waits on a timer, out of the sweeper's view; when the clock reaches it, the
    // second attempt runs and the execution succeeds.
    expect(await stack.sweep()).toMatchObject({ checked: 0, redriven: 0 });
    expect(await stack.advanceClock(clock.now() + 1_000)).toMatchObject({ fired: 1 });
    const done = await waitFor('the execution to succeed', async () => ((await state(org, id))?.status === 'success' ? state(org, id) : undefined));
    expect(done?.acts[0]).toMatchObject({ s: 'success', n: 2 });

    // The first worker finally answers: its result is stale and changes nothing.
    releaseFirst();
    await waitFor('the late result to be stored', async () => ((await stack.stores.executions.getResult(org, id, 0, 1)) ? true : undefined));
    await stack.bus.idle();
    const after = (await stack.getExecution(org, id)) as Record<string, any>;
    expect(after.execution_status).toBe('success');
    expect(after.actions[0]).toMatchObject({ attempts: 2, outputs: { attempt: 2 } });
  });
});
