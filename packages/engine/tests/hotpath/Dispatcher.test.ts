import { type ExecutionState, cancel, initialState, wakesDispatcher } from '@autoflow/core';
import type { ActionHandler } from '../../src/actions/ActionHandler';
import { Dispatcher } from '../../src/dispatcher/Dispatcher';
import { planOf } from '../../src/executions/planOf';
import type { Entity, StoredFlow } from '../../src/ports';
import { WorkerRunner } from '../../src/worker/WorkerRunner';
import { CollectingPublisher, InMemoryExecutionLog, type StreamRecord } from '../support/InMemoryExecutionLog';

const ORG = 'org-h';
const clock = { now: () => 1_750_000_000_000 };

function flowOf(actions: number): StoredFlow {
  return {
    id: 'flow-1',
    org_id: ORG,
    flow_name: 'three steps',
    triggers: [{ type: 'entity_manual', configuration: {} }] as StoredFlow['triggers'],
    actions: Array.from({ length: actions }, (_, i) => ({ id: `a${i}`, type: 'step', config: { n: i } })),
  };
}

/** The engine's hot path over in-memory ports: what the stream and the bus would carry, delivered by hand. */
function bed(options: { entity?: Entity; handler?: ActionHandler } = {}) {
  const log = new InMemoryExecutionLog();
  const publisher = new CollectingPublisher();
  const seen: Array<{ action: string; entity?: Entity; outputs: Record<string, unknown> }> = [];
  const handler: ActionHandler =
    options.handler ??
    (async (ctx) => {
      seen.push({ action: ctx.action.id, ...(ctx.entity ? { entity: ctx.entity as Entity } : {}), outputs: ctx.outputs });
      return { outputs: { done: ctx.action.id } };
    });
  const dispatcher = new Dispatcher({ executions: log, publisher, clock });
  const worker = new WorkerRunner({ executions: log, handlers: { get: (type) => (type === 'step' ? handler : undefined) }, clock });
  const deliver = async (d: Dispatcher, record: StreamRecord) =>
    record.kind === 'state' ? d.onState(record.state) : d.onResult(record.org_id, record.execution_id, record.result, record.claimed_seq);

  /** Runs stream records and dispatches until nothing is left. */
  const settle = async (d: Dispatcher = dispatcher): Promise<void> => {
    for (;;) {
      const records = log.drain();
      const messages = publisher.take();
      if (records.length === 0 && messages.length === 0) return;
      for (const r of records) await deliver(d, r);
      for (const m of messages) await worker.run(m);
    }
  };

  const start = async (flow: StoredFlow, id = 'x-1'): Promise<ExecutionState> => {
    const state = initialState({ org_id: ORG, execution_id: id, flow_id: flow.id, entity_id: 'e-1', plan: planOf(flow), now: clock.now() });
    await log.create({ state, flow, trigger: { event_id: 'evt-1', type: 'manual' }, ...(options.entity ? { entity: options.entity } : {}) });
    return state;
  };
  return { log, publisher, dispatcher, worker, seen, settle, start, deliver };
}

const entity: Entity = { _id: 'e-1', _schema: 'contract', status: 'signed' };

describe('the dispatcher reads only what it does not hold', () => {
  it('runs a three-action execution with one read of the collection: each action costs its claim and its result', async () => {
    const b = bed({ entity });
    await b.start(flowOf(3));
    await b.settle();
    const calls = [...b.log.calls];

    expect((await b.log.getState(ORG, 'x-1'))?.status).toBe('success');
    // One load when the execution was first seen; per action a claim and a result; one final write.
    expect(calls).toEqual(['create', 'load', 'writeState', 'putResult', 'writeState', 'putResult', 'writeState', 'putResult', 'writeState']);
    // Every handler got the entity snapshot and the outputs of the actions before it, from the message.
    expect(b.seen.map((s) => s.action)).toEqual(['a0', 'a1', 'a2']);
    expect(b.seen.every((s) => s.entity?.status === 'signed')).toBe(true);
    expect(b.seen[2]!.outputs).toEqual({ a0: { done: 'a0' }, a1: { done: 'a1' } });
  });

  it('reads what it lacks when another container handled the earlier records', async () => {
    const b = bed({ entity });
    await b.start(flowOf(2));
    // This dispatcher sees the creation and dispatches the first action; the worker runs it.
    for (const r of b.log.drain()) await b.deliver(b.dispatcher, r);
    for (const m of b.publisher.take()) await b.worker.run(m);
    b.log.resetCalls();

    // Another dispatcher (no memory of the execution) gets the result.
    const other = new Dispatcher({ executions: b.log, publisher: b.publisher, clock });
    const [result] = b.log.drain();
    expect(await b.deliver(other, result!)).toBe('dispatched');
    expect(b.log.calls).toEqual(['load']);
    const [next] = b.publisher.messages;
    expect(next?.dispatch).toMatchObject({ index: 1, action_id: 'a1' });
    expect(next?.work?.outputs).toEqual({ a0: { done: 'a0' } });
  });

  it('drops a replayed state record once the dispatch it led to was claimed', async () => {
    const b = bed();
    await b.start(flowOf(2));
    const [created] = b.log.drain();
    await b.deliver(b.dispatcher, created!);
    await b.worker.run(b.publisher.take()[0]!);

    expect(await b.deliver(b.dispatcher, created!)).toBe('none');
    expect(b.publisher.messages).toHaveLength(0);
  });

  it('dispatches again, with the same dispatch id, a replayed state record whose dispatch was never claimed', async () => {
    const b = bed();
    await b.start(flowOf(1));
    const [created] = b.log.drain();
    await b.deliver(b.dispatcher, created!);
    const [lost] = b.publisher.take();

    expect(await b.deliver(b.dispatcher, created!)).toBe('dispatched');
    const [again] = b.publisher.take();
    expect(again?.dispatch).toEqual(lost?.dispatch);
    expect(await b.worker.run(again!)).toBe('done');
    expect(await b.worker.run(lost!)).toBe('duplicate');
  });

  it('decides on the claimed state, so a cancel between claim and result stops the execution: nothing runs after it', async () => {
    const b = bed();
    await b.start(flowOf(2));
    for (const r of b.log.drain()) await b.deliver(b.dispatcher, r);
    const [first] = b.publisher.take();
    // The worker claims, and the execution is cancelled (through the API) while the action runs.
    await b.log.writeState(first!.next, first!.dispatch.expect_seq);
    const claimed = (await b.log.getState(ORG, 'x-1'))!;
    const cancelled = cancel(claimed, clock.now(), 'stopped by a user');
    if (cancelled.kind !== 'write') throw new Error('cancel should write');
    await b.log.writeState(cancelled.next, cancelled.expect_seq);
    b.log.drain();
    await b.log.putResult(ORG, 'x-1', { index: 0, action_id: 'a0', attempt: 1, status: 'success', started_at: clock.now(), ended_at: clock.now() }, claimed.seq);
    await b.settle();

    expect((await b.log.getState(ORG, 'x-1'))?.status).toBe('cancelled');
    expect(b.seen).toHaveLength(0);
  });

  it('does not carry a dispatch too large for the bus: the worker reads the execution instead', async () => {
    const big: Entity = { _id: 'e-1', _schema: 'contract', notes: 'x'.repeat(250_000) };
    const b = bed({ entity: big });
    await b.start(flowOf(1));
    for (const r of b.log.drain()) await b.deliver(b.dispatcher, r);
    const [message] = b.publisher.take();
    expect(message?.work).toBeUndefined();

    b.log.resetCalls();
    expect(await b.worker.run(message!)).toBe('done');
    expect(b.log.calls).toEqual(['writeState', 'load', 'putResult']);
    expect(b.seen[0]?.entity?.notes).toHaveLength(250_000);
  });
});

describe('wakesDispatcher: the one definition of what the dispatcher reacts to', () => {
  const base = initialState({ org_id: ORG, execution_id: 'x', flow_id: 'f', plan: planOf(flowOf(2)), now: 0 });

  it('wakes it for a state with something to decide', () => {
    expect(wakesDispatcher(base)).toBe(true);
  });

  it('does not wake it while an action runs, waits on a timer or is paused', () => {
    for (const s of ['in_progress', 'scheduled', 'paused'] as const) {
      expect(wakesDispatcher({ ...base, acts: [{ s, n: 1 }, { s: 'pending', n: 0 }] })).toBe(false);
    }
  });

  it('does not wake it for the write that parks an execution for admission, but for the next write (a release)', () => {
    const parked = { ...base, status: 'pending' as const, seq: 3, parked: 3 };
    expect(wakesDispatcher(parked)).toBe(false);
    expect(wakesDispatcher({ ...parked, seq: 4 })).toBe(true);
  });

  it('wakes it for a final state only while it still holds its slot and lock', () => {
    expect(wakesDispatcher({ ...base, status: 'cancelled', held: true })).toBe(true);
    expect(wakesDispatcher({ ...base, status: 'cancelled', held: false })).toBe(false);
    expect(wakesDispatcher({ ...base, status: 'success' })).toBe(false);
  });
});
