import {
  type ActionResult,
  type ActionSchedule,
  ConflictError,
  type DecideContext,
  type Decision,
  type EventPattern,
  type ExecutionState,
  type SendWindow,
  type TimerDecision,
  addDuration,
  computeFireTime,
  evaluateConditions,
  isFinal,
  matchesPattern,
  nextWindowTime,
  onResult,
  onStateChanged,
  onSweep,
  onTimer,
  resolveWindowZone,
  runsAnAction,
  type SweepInput,
  timerChanges,
} from '@autoflow/core';
import { outputsOf } from '../executions/outputsOf';
import { planOf } from '../executions/planOf';
import { WAIT_LOOKBACK_MS, waitEventResult } from '../executions/waitOutcome';
import { writeState } from '../executions/writeState';
import type { Admission } from './Admission';
import { KnownExecutions } from './KnownExecutions';
import type { Clock, DispatchPublisher, DispatchWork, Entity, ExecutionLog, ExecutionRecord, Logger, RecentEventStore, Timer, TimerService } from '../ports';
import { silentLogger } from '../ports';

export interface DispatcherDeps {
  executions: Pick<ExecutionLog, 'getState' | 'load' | 'writeState' | 'putResult'>;
  /** org slots and entity locks; without it, executions run without admission control */
  admission?: Admission;
  publisher: DispatchPublisher;
  /** where scheduled slots wait (retries, delays, wait timeouts, send windows) */
  timers?: TimerService;
  /** reads the entity afresh when a timer fires (AFTER_SCHEDULE conditions, date attributes) */
  entities?: { get(orgId: string, entityId: string): Promise<Entity | undefined> };
  /** the per-entity look-back a wait step checks when it starts */
  recentEvents?: RecentEventStore;
  clock: Clock;
  random?: () => number;
  logger?: Logger;
  /** observes every applied decision (the dev server prints them) */
  onTransition?: (state: ExecutionState, decision: Decision) => void;
  /** executions whose snapshots the dispatcher keeps in memory (default 1,000) */
  rememberExecutions?: number;
}

export type DispatchOutcome = 'dispatched' | 'written' | 'waiting' | 'released' | 'none' | 'conflict' | 'missing' | 'early';

/** A pending execution is normally woken by a release; the sweeper re-checks it after this. */
const PENDING_LEASE_MS = 5 * 60_000;

/**
 * What the worker needs is carried in the dispatch message while the message stays this small
 * (EventBridge takes 256 KB per entry); beyond it the worker reads the execution itself.
 */
const MAX_CARRIED_BYTES = 200_000;

/**
 * The only component that decides what runs next. It reacts to changes of an execution's item
 * collection (a new or changed state, a worker's result), computes the next transition with the
 * pure state machine and either publishes `dispatch-<type>` (the worker's claim commits the
 * transition) or writes it. Every write is conditional, so a replayed record is a no-op.
 *
 * What it reads is what it does not hold already: the state comes with the stream record, or is
 * the one its own last dispatch asked the worker to claim (a result names the seq its worker
 * claimed); the flow, entity and trigger snapshots never change and are kept in memory per
 * execution, with the results seen so far. One read of the item collection fills that memory
 * when it lacks something (another container handled earlier records, or it was evicted).
 */
export class Dispatcher {
  private readonly logger: Logger;
  private readonly known: KnownExecutions;
  /** records decided on a state the caller carried (a stream image, the claimed state), not one read just now */
  private readonly carried = new WeakSet<ExecutionRecord>();

  constructor(private readonly deps: DispatcherDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.known = new KnownExecutions(deps.rememberExecutions ?? 1_000);
  }

  /** A state item was inserted or changed; `state` is the item as written. */
  async onState(state: ExecutionState): Promise<DispatchOutcome> {
    if (isFinal(state.status)) {
      this.known.forget(state.org_id, state.execution_id);
      // Ended from outside (cancelled through the API) while holding its slot and lock.
      return state.held ? this.releaseFinal(state) : 'none';
    }
    // A record older than this dispatcher's own last dispatch (a replay): decide only if the
    // dispatch was never claimed, i.e. the stored state is still this one.
    const dispatched = this.known.get(state.org_id, state.execution_id)?.dispatched;
    if (dispatched && dispatched.seq > state.seq) {
      const stored = await this.deps.executions.getState(state.org_id, state.execution_id);
      if (stored?.seq !== state.seq) return 'none';
    }
    const record = await this.recordFor(state.org_id, state.execution_id, state);
    if (!record) return 'missing';
    return this.apply(record, onStateChanged(record.state, planOf(record.flow), this.context(record)));
  }

  /**
   * A worker wrote the result of one attempt (or a wait step ended). `claimedSeq` is the seq of
   * the state the worker claimed: when it is the state this dispatcher dispatched, that is the
   * state to decide on (a change since, such as a cancel, makes the conditional write that
   * follows fail, and is handled by its own record).
   */
  async onResult(orgId: string, executionId: string, result: ActionResult, claimedSeq?: number): Promise<DispatchOutcome> {
    const dispatched = this.known.get(orgId, executionId)?.dispatched;
    const state = claimedSeq !== undefined && dispatched?.seq === claimedSeq ? dispatched : undefined;
    const record = await this.recordFor(orgId, executionId, state, result);
    if (!record) return 'missing';
    return this.apply(record, onResult(record.state, planOf(record.flow), result, this.context(record)));
  }

  /**
   * A timer fired. A timer fired early (the clock has not reached the slot's due time) is
   * `'early'`: the caller arms it again. A late, duplicated or cancelled timer changes nothing.
   */
  async onTimer(timer: Timer): Promise<DispatchOutcome> {
    const record = await this.load(timer.org_id, timer.execution_id);
    if (!record) return 'missing';
    const slot = record.state.acts[timer.index];
    const due = slot?.k === 'retry' ? slot.ra : slot?.sa;
    if (slot?.ts === timer.seq && due !== undefined && due > this.deps.clock.now()) return 'early';
    // Armed just before the state write that it belongs to, and that write is not visible yet.
    if (record.state.seq < timer.seq && !isFinal(record.state.status)) throw new Error(`timer ${timer.execution_id}.${timer.index}.${timer.seq} is ahead of its execution (seq ${record.state.seq}); try again`);
    return this.apply(record, onTimer(record.state, planOf(record.flow), timer, this.context(record)));
  }

  /** The sweeper found the execution's lease expired. */
  async onLeaseExpired(orgId: string, executionId: string): Promise<DispatchOutcome> {
    const record = await this.load(orgId, executionId);
    if (!record) return 'missing';
    const { state } = record;
    const running = state.acts[state.cur];
    const result = running?.s === 'in_progress' ? record.results.find((r) => r.index === state.cur && r.attempt === running.n) : undefined;
    const input: SweepInput = running?.s === 'in_progress' ? { kind: 'in_progress', ...(result ? { result } : {}) } : { kind: 'idle' };
    return this.apply(record, onSweep(state, planOf(record.flow), input, this.context(record)));
  }

  /**
   * The execution to decide on: `state` when the caller holds it, else the stored one; the
   * snapshots and results from memory when it has them all (every succeeded action's result),
   * else from one read of the item collection, which also refreshes the memory.
   */
  private async recordFor(orgId: string, executionId: string, state?: ExecutionState, result?: ActionResult): Promise<ExecutionRecord | undefined> {
    const known = this.known.get(orgId, executionId);
    if (known) {
      if (result) known.remember(result);
      const current = state ?? (await this.deps.executions.getState(orgId, executionId));
      if (!current) return undefined;
      if (known.covers(current)) {
        const record = await this.withEntityNow(known.record(current));
        if (state) this.carried.add(record);
        return record;
      }
    }
    return this.load(orgId, executionId);
  }

  /** The whole item collection, read once; what it holds is remembered for the next records. */
  private async load(orgId: string, executionId: string): Promise<ExecutionRecord | undefined> {
    const record = await this.deps.executions.load(orgId, executionId);
    if (!record) return undefined;
    if (isFinal(record.state.status)) this.known.forget(orgId, executionId);
    else this.known.set(record);
    return this.withEntityNow(record);
  }

  /**
   * A flow that waits for time (schedules) decides on the entity as it is now, read afresh, not
   * on the trigger's snapshot: days may have passed, and a delayed condition (AFTER_SCHEDULE) or
   * a date to schedule from must see today's data. The worker still gets the snapshot.
   */
  private async withEntityNow(record: ExecutionRecord): Promise<ExecutionRecord> {
    const entityId = record.state.entity_id;
    if (!entityId || !this.deps.entities || isFinal(record.state.status)) return record;
    if (!planOf(record.flow).actions.some((a) => a.schedule_id !== undefined)) return record;
    const entity = await this.deps.entities.get(record.state.org_id, entityId);
    return entity ? { ...record, entity } : record;
  }

  private context(record: ExecutionRecord): DecideContext {
    const now = this.deps.clock.now();
    const { flow, state } = record;
    const outputs = outputsOf(record.results);
    return {
      now,
      random: this.deps.random ?? Math.random,
      evaluateCondition: (conditionId) => {
        const condition = flow.conditions?.find((c) => c.id === conditionId);
        if (!condition) return { result: false, reason: `condition ${conditionId} does not exist` };
        const evaluation = evaluateConditions(condition as Parameters<typeof evaluateConditions>[0], {
          entity: record.entity ?? {},
          ...(record.trigger?.diff ? { diff: record.trigger.diff } : {}),
          outputs,
        });
        return { result: evaluation.result, reason: evaluation.reason };
      },
      fireTimeOf: (index) => {
        const scheduleId = planOf({ actions: [flow.actions[index]!], conditions: flow.conditions }).actions[0]?.schedule_id;
        const schedule = (flow.schedules as ActionSchedule[] | undefined)?.find((x) => x.id === scheduleId);
        if (!schedule) return { ok: false, reason: `schedule ${scheduleId} is not in the flow` };
        // When earlier actions ended: from their results (the one being handled is not in the state yet), else their slots.
        const ended = new Map<string, number>();
        for (const r of record.results) if (r.status === 'success') ended.set(r.action_id, Math.max(ended.get(r.action_id) ?? 0, r.ended_at));
        const actions: Record<string, { outputs?: Record<string, unknown>; ended_at?: number }> = {};
        flow.actions.forEach((a, i) => {
          const end = ended.get(a.id) ?? (state.acts[i]?.s === 'success' ? state.acts[i]?.end : undefined);
          actions[a.id] = { ...(outputs[a.id] ? { outputs: outputs[a.id] } : {}), ...(end !== undefined ? { ended_at: end } : {}) };
        });
        return computeFireTime(schedule, { triggeredAt: state.created_at, ...(record.entity ? { entity: record.entity } : {}), actions });
      },
      windowOpensAt: (index) => {
        const window = flow.actions[index]?.send_window as SendWindow | undefined;
        return window ? nextWindowTime(window, resolveWindowZone(window, record.entity), now) : now;
      },
      addDuration,
    };
  }

  private async apply(record: ExecutionRecord, decision: TimerDecision): Promise<DispatchOutcome> {
    const { state } = record;
    const admission = this.deps.admission;
    switch (decision.kind) {
      case 'none':
        this.logger.debug('no transition', { execution_id: state.execution_id, reason: decision.reason });
        return 'none';
      case 'complete':
        // The wait step's result: its stream record drives onResult, as a worker's would.
        await this.deps.executions.putResult(state.org_id, state.execution_id, decision.result);
        return 'written';
      case 'dispatch': {
        let next = decision.next;
        let wake: string[] = [];
        if (admission && !state.held) {
          // Admission is taken before the claim that commits it: on a carried state that is no
          // longer the stored one (a later wake), a slot taken now would never be used. The
          // later write's own record decides instead.
          if (this.carried.has(record) && (await this.deps.executions.getState(state.org_id, state.execution_id))?.seq !== state.seq) return 'none';
          const result = await admission.admit(state, this.deps.clock.now(), this.waitingIn(state.org_id));
          if (!result.granted) {
            const outcome = await this.wait(state, decision, result.waiting_for);
            await this.wake(state.org_id, result.wake ?? []);
            return outcome;
          }
          next = { ...next, held: true };
          wake = result.wake;
        }
        this.deps.onTransition?.(state, decision);
        const work = this.workFor(record, decision.dispatch.index);
        await this.deps.publisher.publish([{ dispatch: decision.dispatch, next, ...(work ? { work } : {}) }]);
        this.known.get(state.org_id, state.execution_id)?.dispatchedState(next);
        await this.wake(state.org_id, wake);
        return 'dispatched';
      }
      case 'write': {
        this.deps.onTransition?.(state, decision);
        const releasing = admission !== undefined && state.held === true && !runsAnAction(decision.next);
        const next = releasing ? { ...decision.next, held: false } : decision.next;
        if (!(await this.write(next, decision.expect_seq, state))) return 'conflict';
        if (isFinal(next.status)) this.known.forget(state.org_id, state.execution_id);
        if (releasing) await this.releaseAndWake(state);
        const waitStarted = timerChanges(state, next).arm.find((t) => t.kind === 'wait');
        if (waitStarted) await this.lookBack({ ...record, state: next }, waitStarted.index);
        return 'written';
      }
    }
  }

  /** What the worker needs to run the action, unless it is too large to carry in the message. */
  private workFor(record: ExecutionRecord, index: number): DispatchWork | undefined {
    const action = record.flow.actions[index];
    if (!action) return undefined;
    const snapshot = this.known.get(record.state.org_id, record.state.execution_id);
    const work: DispatchWork = {
      action,
      flow_name: record.flow.flow_name,
      timeout_ms: planOf(record.flow).actions[index]?.timeout_ms,
      // The trigger's snapshot of the entity, as the worker would read it (not one read afresh for a schedule).
      ...((snapshot?.entity ?? record.entity) ? { entity: snapshot?.entity ?? record.entity } : {}),
      ...(record.trigger ? { trigger: record.trigger } : {}),
      outputs: outputsOf(record.results),
    };
    return Buffer.byteLength(JSON.stringify(work), 'utf8') <= MAX_CARRIED_BYTES ? work : undefined;
  }

  /**
   * A wait step just started: an event it waits for may have arrived moments before (the reply
   * that came while the previous email was being sent). The listener keeps such events per entity
   * for a while; one received since the execution began ends the wait at once.
   */
  private async lookBack(record: ExecutionRecord, index: number): Promise<void> {
    const { state, flow } = record;
    const pattern = (flow.actions[index]?.config as { event?: EventPattern } | undefined)?.event;
    if (!pattern || !state.entity_id || !this.deps.recentEvents) return;
    const now = this.deps.clock.now();
    const from = Math.max(state.created_at, now - WAIT_LOOKBACK_MS);
    const events = await this.deps.recentEvents.since(state.org_id, state.entity_id, from, now);
    const hit = events.find((e) => matchesPattern(pattern, e.event));
    if (!hit) return;
    const slot = state.acts[index]!;
    await this.deps.executions.putResult(
      state.org_id,
      state.execution_id,
      waitEventResult({ index, action_id: flow.actions[index]!.id, attempt: slot.n, started_at: slot.at ?? now, now, event: hit }),
    );
  }

  /**
   * Not admitted: the execution waits as `pending` until a release wakes it. What the decision
   * settled on the way is kept (a fired timer's slot is pending again, a passed delay stays
   * passed, skipped actions stay skipped); only the action it would have dispatched is not started.
   */
  private async wait(state: ExecutionState, decision: Extract<Decision, { kind: 'dispatch' }>, waitingFor: string): Promise<DispatchOutcome> {
    const now = this.deps.clock.now();
    if (state.status === 'pending' && state.lease_until > now) return 'waiting';
    const { index, attempt } = decision.dispatch;
    const acts = decision.next.acts.map((a) => ({ ...a }));
    const { at: _at, ...slot } = acts[index]!;
    acts[index] = { ...slot, s: 'pending', n: attempt - 1 };
    // Parked: this write does not wake the dispatcher again; the write of whoever releases does.
    const next: ExecutionState = { ...decision.next, acts, status: 'pending', updated_at: now, lease_until: now + PENDING_LEASE_MS, parked: decision.next.seq };
    this.deps.onTransition?.(state, { kind: 'write', next, expect_seq: state.seq });
    this.logger.debug('execution waits', { execution_id: state.execution_id, waiting_for: waitingFor });
    await this.write(next, state.seq, state);
    return 'waiting';
  }

  private async releaseFinal(state: ExecutionState): Promise<DispatchOutcome> {
    if (!(await this.write({ ...state, held: false, seq: state.seq + 1 }, state.seq))) return 'conflict';
    await this.releaseAndWake(state);
    return 'released';
  }

  private async releaseAndWake(state: ExecutionState): Promise<void> {
    await this.wake(state.org_id, await this.deps.admission!.release(state, this.waitingIn(state.org_id)));
  }

  private async wake(orgId: string, executionIds: readonly string[]): Promise<void> {
    for (const executionId of executionIds) {
      // A new seq wakes the dispatcher for it (only its own parking write does not). Lost to a
      // concurrent write (typically that parking write itself): read again and wake after it.
      for (let attempt = 1; attempt <= 5; attempt++) {
        const waiting = await this.deps.executions.getState(orgId, executionId);
        if (!waiting || isFinal(waiting.status) || waiting.held) break;
        if (await this.write({ ...waiting, seq: waiting.seq + 1, updated_at: this.deps.clock.now() }, waiting.seq)) break;
      }
    }
  }

  /** Still waiting for admission: not final and holding nothing. */
  private waitingIn(orgId: string): (executionId: string) => Promise<boolean> {
    return async (executionId) => {
      const state = await this.deps.executions.getState(orgId, executionId);
      return state !== undefined && !isFinal(state.status) && !state.held;
    };
  }

  /** Writes `next` (arming and disarming the timers it changes against `prev`); false when the write lost a race. */
  private async write(next: ExecutionState, expectSeq: number, prev?: ExecutionState): Promise<boolean> {
    try {
      await writeState(this.deps, prev ?? next, next, expectSeq);
      return true;
    } catch (err) {
      if (err instanceof ConflictError) return false;
      throw err;
    }
  }
}
