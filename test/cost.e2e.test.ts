import { EmbeddedStack } from '@autoflow/local';
import { actionPathWrites, measureExecution } from './support/executionCost';

/**
 * DESIGN §5 budgets per action, measured with ReturnConsumedCapacity on DynamoDB Local:
 * ≤ 2 write request units and ≤ 1 EventBridge entry per action, with a 20 KB entity snapshot.
 */
describe('the cost of an action', () => {
  let stack: EmbeddedStack;

  beforeAll(async () => {
    stack = await EmbeddedStack.start({
      meterCapacity: true,
      sweepIntervalMs: 0,
      pollIntervalMs: 25,
      customHandlers: { noop: async () => ({ outputs: { ok: true } }) },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('stays within 2 write units and 1 EventBridge entry per action on an execution with a 20 KB snapshot', async () => {
    const three = await measureExecution(stack, 'cost-org', 3, 20_000);
    const six = await measureExecution(stack, 'cost-org', 6, 20_000);

    // The snapshot is written once per execution, never per action.
    expect(three.writes['create.snapshots']).toBeGreaterThanOrEqual(20);
    expect(six.writes['create.snapshots']).toBe(three.writes['create.snapshots']);
    // Each worker claim and each result fits in 1 unit; the final write also drops the
    // execution from the sweeper's sparse index, once per execution.
    expect(six.calls.writeState).toBe(6);
    expect(six.calls['writeState.final']).toBe(1);
    expect(six.writes.writeState! / six.calls.writeState!).toBeLessThanOrEqual(1);
    expect(six.calls.putResult).toBe(6);
    expect(six.writes.putResult! / six.calls.putResult!).toBeLessThanOrEqual(1);
    // Three more actions cost at most 2 units each.
    const perAction = (actionPathWrites(six) - actionPathWrites(three)) / 3;
    expect(perAction).toBeGreaterThan(0);
    expect(perAction).toBeLessThanOrEqual(2);
    // One dispatch entry and one worker invocation per action.
    expect(three.eventBridgeEntries).toBe(3);
    expect(six.eventBridgeEntries).toBe(6);
    expect(six.workerInvocations).toBe(6);
  });
});
