import { randomUUID } from 'node:crypto';
import { isFinal } from '@autoflow/core';
import { executionIdFor } from '@autoflow/engine';
import type { EmbeddedStack } from '@autoflow/local';
import { saveFlow } from './flows';
import { waitFor } from './waitFor';

export interface ExecutionCost {
  actions: number;
  snapshotBytes: number;
  /** write request units by store operation (create.*, writeState, putResult) */
  writes: Record<string, number>;
  calls: Record<string, number>;
  /** EventBridge entries published for the execution */
  eventBridgeEntries: number;
  /** worker invocations (deliveries to worker rules) */
  workerInvocations: number;
}

/**
 * Runs one execution of `actions` no-op custom actions over an entity whose snapshot weighs
 * `snapshotBytes`, on a stack started with `meterCapacity: true` and a `noop` handler, and
 * returns what it consumed.
 */
export async function measureExecution(stack: EmbeddedStack, org: string, actions: number, snapshotBytes: number): Promise<ExecutionCost> {
  const meter = stack.meter;
  if (!meter) throw new Error('start the stack with meterCapacity: true');
  const flow = await saveFlow(stack, org, {
    flow_name: `${actions} no-op actions`,
    triggers: [{ type: 'entity_manual', configuration: {} }],
    // UUID action ids, as the API assigns them: the state item's size must not depend on them.
    actions: Array.from({ length: actions }, () => ({ id: randomUUID(), type: 'noop', config: {} })),
  });
  const eventId = `cost-${actions}-${snapshotBytes}-${Date.now()}`;
  const entity = { _id: `entity-${eventId}`, _schema: 'contract', _title: 'Contract', notes: 'x'.repeat(snapshotBytes) };
  meter.reset();
  const entries = stack.publisher.entriesPublished;
  const deliveries = stack.bus.counters.delivered;
  await stack.publishEvents([{ event_id: eventId, org_id: org, type: 'manual', flow_id: flow.id, entity }]);
  const id = executionIdFor(org, eventId, flow.id);
  await waitFor('the measured execution', async () => {
    const state = await stack.stores.executions.getState(org, id);
    return state && isFinal(state.status) ? state : undefined;
  });
  await stack.bus.idle();
  const snap = meter.snapshot();
  return {
    actions,
    snapshotBytes,
    writes: snap.writes,
    calls: snap.calls,
    eventBridgeEntries: stack.publisher.entriesPublished - entries,
    workerInvocations: stack.bus.counters.delivered - deliveries,
  };
}

/** Write units of the action path: worker claims, results and the final state write. */
export const actionPathWrites = (c: ExecutionCost): number =>
  (c.writes.writeState ?? 0) + (c.writes['writeState.final'] ?? 0) + (c.writes.putResult ?? 0);
