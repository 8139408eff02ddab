import {
  type ActionResult,
  ConflictError,
  type DecideContext,
  type Decision,
  type ExecutionState,
  evaluateConditions,
  isFinal,
  onResult,
  onStateChanged,
  onSweep,
  type SweepInput,
} from '@autoflow/core';
import { planOf } from '../executions/planOf';
import type { Admission } from './Admission';
import type { Clock, DispatchPublisher, ExecutionRecord, ExecutionStore, Logger, Timer, TimerService } from '../ports';
import { silentLogger } from '../ports';

export interface DispatcherDeps {
  executions: ExecutionStore;
  /** org slots and entity locks; without it, executions run without admission control */
  admission?: Admission;
  publisher: DispatchPublisher;
  /** where scheduled slots wait (retries, delays, wait timeouts, send windows) */
  timers?: TimerService;
  clock: Clock;
  random?: () => number;
  logger?: Logger;
  /** observes every applied decision (the dev server prints them) */
  onTransition?: (state: ExecutionState, decision: Decision) => void;
}

export type DispatchOutcome = 'dispatched' | 'written' | 'waiting' | 'released' | 'none' | 'conflict' | 'missing' | 'early';

/** A pending execution is normally woken by a release; the sweeper re-checks it after this. */
const PENDING_LEASE_MS = 5 * 60_000;

/**
 * The only component that decides what runs next. It reacts to changes of an execution's item
 * collection (a new or changed state, a worker's result), computes the next transition with the
 * pure state machine and either publishes `dispatch-<type>` (the worker's claim commits the
 * transition) or writes it. Every write is conditional, so a replayed record is a no-op.
 */
export class Dispatcher {
  private readonly logger: Logger;

  constructor(private readonly deps: DispatcherDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  /** A state item was inserted or changed. */
  async onState(orgId: string, executionId: string): Promise<DispatchOutcome> {
    const record = await this.deps.executions.load(orgId, executionId);
    if (!record) return 'missing';
    const { state } = record;
    // Ended from outside (cancelled through the API) while holding its slot and lock.
    if (isFinal(state.status) && state.held) return this.releaseFinal(state);
    return this.apply(record, onStateChanged(state, planOf(record.flow), this.context(record)));
  }

  /** A worker wrote the result of one attempt. */
  async onResult(orgId: string, executionId: string, result: ActionResult): Promise<DispatchOutcome> {
    const record = await this.deps.executions.load(orgId, executionId);
    if (!record) return 'missing';
    return this.apply(record, onResult(record.state, planOf(record.flow), result, this.context(record)));
  }

  /**
   * A timer fired. A timer fired early (the clock has not reached `due_at`) is `'early'`: the
   * caller arms it again. A late, duplicated or cancelled timer changes nothing (`'none'`).
   */
  async onTimer(timer: Timer): Promise<DispatchOutcome> {
    if (timer.due_at > this.deps.clock.now()) return 'early';
    return this.onLeaseExpired(timer.org_id, timer.execution_id);
  }

  /** The sweeper found the execution's lease expired. */
  async onLeaseExpired(orgId: string, executionId: string): Promise<DispatchOutcome> {
    const record = await this.deps.executions.load(orgId, executionId);
    if (!record) return 'missing';
    const { state } = record;
    const running = state.acts[state.cur];
    const input: SweepInput =
      running?.s === 'in_progress'
        ? { kind: 'in_progress', ...optional('result', record.results.find((r) => r.index === state.cur && r.attempt === running.n)) }
        : { kind: 'idle' };
    return this.apply(record, onSweep(state, planOf(record.flow), input, this.context(record)));
  }

  private context(record: ExecutionRecord): DecideContext {
    const now = this.deps.clock.now();
    return {
      now,
      random: this.deps.random ?? Math.random,
      evaluateCondition: (conditionId) => {
        const condition = record.flow.conditions?.find((c) => c.id === conditionId);
        if (!condition) return { result: false, reason: `condition ${conditionId} does not exist` };
        const outputs: Record<string, Record<string, unknown>> = {};
        for (const r of record.results) if (r.status === 'success' && r.outputs) outputs[r.action_id] = r.outputs;
        const evaluation = evaluateConditions(condition as Parameters<typeof evaluateConditions>[0], {
          entity: record.entity ?? {},
          ...(record.trigger?.diff ? { diff: record.trigger.diff } : {}),
          outputs,
        });
        return { result: evaluation.result, reason: evaluation.reason };
      },
    };
  }

  private async apply(record: ExecutionRecord, decision: Decision): Promise<DispatchOutcome> {
    const { state } = record;
    const admission = this.deps.admission;
    switch (decision.kind) {
      case 'none':
        this.logger.debug('no transition', { execution_id: state.execution_id, reason: decision.reason });
        return 'none';
      case 'dispatch': {
        let next = decision.next;
        let wake: string[] = [];
        if (admission && !state.held) {
          const result = await admission.admit(state, this.deps.clock.now(), this.waitingIn(state.org_id));
          if (!result.granted) return this.wait(state, result.waiting_for);
          next = { ...next, held: true };
          wake = result.wake;
        }
        this.deps.onTransition?.(state, decision);
        await this.deps.publisher.publish([{ dispatch: decision.dispatch, next }]);
        await this.wake(state.org_id, wake);
        return 'dispatched';
      }
      case 'write': {
        this.deps.onTransition?.(state, decision);
        const releasing = admission !== undefined && state.held === true && !runsAnAction(decision.next);
        const next = releasing ? { ...decision.next, held: false } : decision.next;
        if (!(await this.write(next, decision.expect_seq))) return 'conflict';
        if (releasing) await this.releaseAndWake(state);
        return 'written';
      }
    }
  }

  /** Not admitted: the execution waits as `pending` until a release wakes it. */
  private async wait(state: ExecutionState, waitingFor: string): Promise<DispatchOutcome> {
    const now = this.deps.clock.now();
    if (state.status === 'pending' && state.lease_until > now) return 'waiting';
    const next: ExecutionState = { ...state, status: 'pending', seq: state.seq + 1, updated_at: now, lease_until: now + PENDING_LEASE_MS };
    this.deps.onTransition?.(state, { kind: 'write', next, expect_seq: state.seq });
    this.logger.debug('execution waits', { execution_id: state.execution_id, waiting_for: waitingFor });
    await this.write(next, state.seq);
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
      const waiting = await this.deps.executions.getState(orgId, executionId);
      if (!waiting || isFinal(waiting.status) || waiting.held) continue;
      // Any change of the state item wakes the dispatcher for it.
      await this.write({ ...waiting, seq: waiting.seq + 1, updated_at: this.deps.clock.now() }, waiting.seq);
    }
  }

  /** Still waiting for admission: not final and holding nothing. */
  private waitingIn(orgId: string): (executionId: string) => Promise<boolean> {
    return async (executionId) => {
      const state = await this.deps.executions.getState(orgId, executionId);
      return state !== undefined && !isFinal(state.status) && !state.held;
    };
  }

  private async write(next: ExecutionState, expectSeq: number): Promise<boolean> {
    try {
      await this.deps.executions.writeState(next, expectSeq);
      return true;
    } catch (err) {
      if (err instanceof ConflictError) return false;
      throw err;
    }
  }
}

/** Whether the state has an action running (and so must keep its slot and lock). */
const runsAnAction = (state: ExecutionState): boolean => !isFinal(state.status) && state.acts.some((a) => a.s === 'in_progress');

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
