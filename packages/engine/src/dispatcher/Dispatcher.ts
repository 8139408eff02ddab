import {
  type ActionResult,
  ConflictError,
  type DecideContext,
  type Decision,
  type ExecutionState,
  evaluateConditions,
  onResult,
  onStateChanged,
  onSweep,
  type SweepInput,
} from '@autoflow/core';
import { planOf } from '../executions/planOf';
import type { Clock, DispatchPublisher, ExecutionRecord, ExecutionStore, Logger } from '../ports';
import { silentLogger } from '../ports';

export interface DispatcherDeps {
  executions: ExecutionStore;
  publisher: DispatchPublisher;
  clock: Clock;
  random?: () => number;
  logger?: Logger;
  /** observes every applied decision (the dev server prints them) */
  onTransition?: (state: ExecutionState, decision: Decision) => void;
}

export type DispatchOutcome = 'dispatched' | 'written' | 'none' | 'conflict' | 'missing';

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
    return this.apply(record, onStateChanged(record.state, planOf(record.flow), this.context(record)));
  }

  /** A worker wrote the result of one attempt. */
  async onResult(orgId: string, executionId: string, result: ActionResult): Promise<DispatchOutcome> {
    const record = await this.deps.executions.load(orgId, executionId);
    if (!record) return 'missing';
    return this.apply(record, onResult(record.state, planOf(record.flow), result, this.context(record)));
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
    this.deps.onTransition?.(state, decision);
    switch (decision.kind) {
      case 'none':
        this.logger.debug('no transition', { execution_id: state.execution_id, reason: decision.reason });
        return 'none';
      case 'dispatch':
        await this.deps.publisher.publish([{ dispatch: decision.dispatch, next: decision.next }]);
        return 'dispatched';
      case 'write':
        try {
          await this.deps.executions.writeState(decision.next, decision.expect_seq);
          return 'written';
        } catch (err) {
          if (err instanceof ConflictError) return 'conflict';
          throw err;
        }
    }
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
