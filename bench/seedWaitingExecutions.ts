/**
 * Puts executions into a waiting state without the event pipeline (which runs about 13
 * executions a second here): the items the listener would have created and the state the
 * dispatcher would then have written, built with the same functions, written in parallel
 * BatchWriteItem calls, and their timers armed through the stack's timer service.
 */
import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type DecideContext, type ExecutionState, addDuration, initialState, onStateChanged, timerChanges } from '@autoflow/core';
import { type Entity, type StoredFlow, type Timer, executionIdFor, planOf } from '@autoflow/engine';
import type { EmbeddedStack } from '@autoflow/local';

export interface WaitingSeed {
  stack: EmbeddedStack;
  /** a client of the benchmark's own, so its writes are not counted as the engine's */
  client: DynamoDBClient;
  org: string;
  /** a flow whose first step waits (a wait step, a delay from `schedules[]`) */
  flow: StoredFlow;
  /** the listener's and the dispatcher's clock for these executions */
  now: number;
  /** executions `from` … `from + count - 1` (their event ids are `<eventPrefix>-<n>`) */
  from: number;
  count: number;
  eventPrefix: string;
  /** the entity the execution is about (its snapshot is stored as the listener stores it) */
  entityOf?: (n: number) => Entity | undefined;
  /** BatchWriteItem calls in flight at once (default 16) */
  concurrency?: number;
}

export interface SeededExecution {
  execution_id: string;
  state: ExecutionState;
  timers: Timer[];
}

/** Executions written and armed per round: bounds memory and keeps arming close behind writing. */
const ROUND = 1_000;

/**
 * What the dispatcher's context gives a flow without conditions, `schedules[]` or send windows
 * (see `Dispatcher.context`): the clock and calendar arithmetic.
 */
const decideContext = (now: number): DecideContext => ({
  now,
  random: Math.random,
  evaluateCondition: (id) => ({ result: false, reason: `condition ${id} is not part of this benchmark` }),
  addDuration,
});

/** Builds one execution as listener and dispatcher would: initial state, then the waiting state and the timers it arms. */
export function waitingExecution(seed: Pick<WaitingSeed, 'stack' | 'org' | 'flow' | 'now' | 'eventPrefix' | 'entityOf'>, n: number): SeededExecution & { items: Record<string, unknown>[] } {
  const { stack, org, flow, now } = seed;
  const eventId = `${seed.eventPrefix}-${n}`;
  const executionId = executionIdFor(org, eventId, flow.id);
  const entity = seed.entityOf?.(n);
  const plan = planOf(flow);
  const initial = initialState({ org_id: org, execution_id: executionId, flow_id: flow.id, ...(entity ? { entity_id: entity._id } : {}), plan, now });
  const decision = onStateChanged(initial, plan, decideContext(now));
  if (decision.kind !== 'write') throw new Error(`the flow's first step does not wait: the dispatcher would ${decision.kind}`);
  const state = decision.next;
  const timers = timerChanges(initial, state).arm.map((t) => ({ ...t, org_id: org, execution_id: executionId }));
  if (timers.length === 0) throw new Error("the flow's first step arms no timer");
  const executions = stack.stores.executions;
  const items = [
    ...executions.snapshotItems({ state: initial, flow, ...(entity ? { entity } : {}), trigger: { event_id: eventId, type: 'manual' } }),
    executions.stateItem(state),
  ];
  return { execution_id: executionId, state, timers, items };
}

/**
 * Writes and arms `count` waiting executions, a round of 1,000 at a time: a round's items are
 * written while the previous round's timers are being armed. Returns them (without their items).
 */
export async function seedWaitingExecutions(seed: WaitingSeed): Promise<{ executions: SeededExecution[]; items: number }> {
  const executions: SeededExecution[] = [];
  let items = 0;
  const table = seed.stack.tables.executions;
  let arming: Promise<void> = Promise.resolve();
  for (let start = seed.from; start < seed.from + seed.count; start += ROUND) {
    const round = Array.from({ length: Math.min(ROUND, seed.from + seed.count - start) }, (_, k) => waitingExecution(seed, start + k));
    const requests: WriteRequest[] = round.flatMap((e) => e.items.map((item) => ({ PutRequest: { Item: marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true }) } })));
    items += requests.length;
    await batchWrite(seed.client, table, requests, seed.concurrency ?? 16);
    await arming;
    // Armed through the service itself (its item and its heap entry), after the states exist.
    arming = seed.stack.timers.arm(round.flatMap((e) => e.timers));
    for (const { execution_id, state, timers } of round) executions.push({ execution_id, state, timers });
  }
  await arming;
  return { executions, items };
}

async function batchWrite(client: DynamoDBClient, table: string, requests: WriteRequest[], concurrency: number): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      let pending: WriteRequest[] | undefined = batches[next++];
      while (pending && pending.length > 0) {
        const res = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
        pending = res.UnprocessedItems?.[table];
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
