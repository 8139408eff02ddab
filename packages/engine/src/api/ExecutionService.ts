import { randomUUID } from 'node:crypto';
import {
  ALLOWED_FAILURE,
  ConflictError,
  type ExecutionState,
  RetryStrategy,
  ValidationError,
  cancel,
  cancelSchedule,
  retrigger,
} from '@autoflow/core';
import { executionIdFor } from '../executions/executionId';
import { planOf } from '../executions/planOf';
import { resumeExecution } from '../executions/resumeExecution';
import { parseResumeToken } from '../executions/resumeToken';
import { toExecutionDocument } from '../executions/toExecutionDocument';
import { writeState } from '../executions/writeState';
import type { Clock, EntityStore, ExecutionStore, FlowStore, TimerService } from '../ports';
import { type ApiCaller, callerInfo } from './ApiCaller';
import type { EventService } from './EventService';
import { InvalidStateError, NotFoundError } from './errors';

export type ExecutionDocument = Record<string, unknown>;

export interface ExecutionServiceDeps {
  executions: ExecutionStore;
  flows: FlowStore;
  entities: EntityStore;
  events: EventService;
  clock: Clock;
  /** disarms the timers of cancelled executions and schedules */
  timers?: TimerService;
  /** how long a manual start waits for the listener to create the execution (default 10 s) */
  startWaitMs?: number;
  /** how often it looks (default 100 ms) */
  startPollMs?: number;
  newEventId?: () => string;
}

/** Conditional writes lost to a concurrent change are retried this often before giving up. */
const WRITE_ATTEMPTS = 5;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Executions of the caller's org: read them, start one by hand, cancel, retrigger an action,
 * retry a failed execution, resume a paused one. State changes go through the pure state
 * machine and a write conditional on the state's `seq`; the dispatcher takes it from there
 * through the executions stream.
 */
export class ExecutionService {
  private readonly newEventId: () => string;

  constructor(private readonly deps: ExecutionServiceDeps) {
    this.newEventId = deps.newEventId ?? (() => randomUUID());
  }

  /** epilot `getExecutions`: an entity's executions, newest first, offset paging. */
  async listByEntity(caller: ApiCaller, query: { entity_id: string; from: number; size: number }): Promise<{ total: number; results: ExecutionDocument[] }> {
    const page = await this.deps.executions.pageByEntity(caller.org_id, query.entity_id, { from: query.from, size: query.size });
    return { total: page.total, results: await this.documents(caller, page.states) };
  }

  /** The org's executions, newest first, a page at a time (opaque cursor). */
  async search(caller: ApiCaller, query: { size: number; cursor?: string }): Promise<{ results: ExecutionDocument[]; next_cursor?: string }> {
    const page = await this.deps.executions.searchByOrg(caller.org_id, query);
    return { results: await this.documents(caller, page.states), ...(page.cursor ? { next_cursor: page.cursor } : {}) };
  }

  async get(caller: ApiCaller, executionId: string): Promise<ExecutionDocument> {
    const record = await this.deps.executions.load(caller.org_id, executionId);
    if (!record) throw new NotFoundError(`execution ${executionId} not found`);
    return toExecutionDocument(record);
  }

  /**
   * Starts a flow for an entity of the built-in entity store: publishes a `manual` event (the
   * listener derives the execution id from it) and waits a little for the execution to exist.
   * `created: false` means it did not appear in time; the document then says `pending`.
   */
  async start(
    caller: ApiCaller,
    input: { flow_id: string; entity_id: string; trigger_context?: Record<string, string> },
  ): Promise<{ created: boolean; execution: ExecutionDocument }> {
    const org = caller.org_id;
    const flow = await this.deps.flows.get(org, input.flow_id);
    if (!flow) throw new NotFoundError(`flow ${input.flow_id} not found`);
    if (flow.enabled === false) throw new InvalidStateError(`flow ${flow.id} is disabled; enable it (PUT the flow with "enabled": true) before starting it`);
    const entity = await this.deps.entities.get(org, input.entity_id);
    if (!entity) throw new NotFoundError(`entity ${input.entity_id} not found`);
    const eventId = `manual-${this.newEventId()}`;
    await this.deps.events.publish(caller, {
      event_id: eventId,
      type: 'manual',
      flow_id: flow.id,
      entity,
      activity: { type: 'ManualExecution', caller: callerInfo(caller) },
      ...(input.trigger_context ? { trigger_context: input.trigger_context } : {}),
    });
    const executionId = executionIdFor(org, eventId, flow.id);
    const deadline = Date.now() + (this.deps.startWaitMs ?? 10_000);
    for (;;) {
      const record = await this.deps.executions.load(org, executionId);
      if (record) return { created: true, execution: toExecutionDocument(record) };
      if (Date.now() >= deadline) break;
      await sleep(this.deps.startPollMs ?? 100);
    }
    const now = new Date(this.deps.clock.now()).toISOString();
    return {
      created: false,
      execution: {
        id: executionId,
        org_id: org,
        flow_id: flow.id,
        flow_name: flow.flow_name,
        entity_id: entity._id,
        execution_status: 'pending',
        created_at: now,
        updated_at: now,
        actions: flow.actions.map((a) => ({ ...a, execution_status: 'pending' })),
        trigger_event: { type: 'manual', org_id: org, entity_id: entity._id, event_id: eventId },
      },
    };
  }

  /** Cancels an unfinished execution and returns it; cancelling a cancelled one returns it as it is. */
  async cancel(caller: ApiCaller, executionId: string): Promise<ExecutionDocument> {
    await this.transition(caller, executionId, (state) => {
      const decision = cancel(state, this.deps.clock.now(), 'cancelled through the API');
      if (decision.kind === 'write') return decision;
      if (state.status === 'cancelled') return undefined;
      throw new InvalidStateError(`execution ${executionId} is already ${state.status}; only unfinished executions can be cancelled`);
    });
    return this.get(caller, executionId);
  }

  /** epilot `retriggerAction`: runs one action again, and continues as the strategy says. */
  async retriggerAction(
    caller: ApiCaller,
    executionId: string,
    actionId: string,
    request: { retry_strategy?: RetryStrategy; condition_id?: string } = {},
  ): Promise<ExecutionDocument> {
    const strategy = request.retry_strategy ?? RetryStrategy.RETRY_AND_RESUME;
    const record = await this.deps.executions.load(caller.org_id, executionId);
    if (!record) throw new NotFoundError(`execution ${executionId} not found`);
    const action = record.flow.actions.find((a) => a.id === actionId);
    if (!action) throw new NotFoundError(`execution ${executionId} has no action ${actionId}`);
    if (request.condition_id !== undefined && action.condition_id !== request.condition_id) {
      throw new ValidationError('invalid retry request', [
        { path: 'condition_id', message: `is "${request.condition_id}" but action ${actionId} ${typeof action.condition_id === 'string' ? `belongs to condition "${action.condition_id}"` : 'has no condition'}` },
      ]);
    }
    const plan = planOf(record.flow);
    await this.transition(caller, executionId, (state) => {
      const outcome = retrigger(state, plan, actionId, strategy, this.deps.clock.now());
      if (!outcome.ok) throw new InvalidStateError(`action ${actionId} of execution ${executionId} cannot be retriggered: ${outcome.reason}`);
      return outcome.decision;
    });
    return this.get(caller, executionId);
  }

  /** autoflow extension: retries a failed execution from the action that failed it (RETRY_AND_RESUME). */
  async retry(caller: ApiCaller, executionId: string): Promise<ExecutionDocument> {
    const record = await this.deps.executions.load(caller.org_id, executionId);
    if (!record) throw new NotFoundError(`execution ${executionId} not found`);
    const { state, flow } = record;
    if (state.status !== 'failed') {
      throw new InvalidStateError(`execution ${executionId} is ${state.status}; only failed executions can be retried (retrigger an action instead)`);
    }
    const failedAt = state.acts.findIndex((a) => a.s === 'failed' && a.why !== ALLOWED_FAILURE);
    const index = failedAt !== -1 ? failedAt : state.acts.findIndex((a) => a.s === 'failed');
    const actionId = index === -1 ? undefined : flow.actions[index]?.id;
    if (!actionId) throw new InvalidStateError(`execution ${executionId} failed without a failed action; retrigger an action instead`);
    return this.retriggerAction(caller, executionId, actionId, { retry_strategy: RetryStrategy.RETRY_AND_RESUME });
  }

  /**
   * The public resume endpoint: the token names its execution and works once. A token that is
   * not one (or not of a paused action) is NotFound; a used one is InvalidState.
   */
  async resume(token: string): Promise<{ execution: ExecutionDocument; resumedAction: Record<string, unknown> }> {
    const outcome = await resumeExecution({ executions: this.deps.executions, clock: this.deps.clock }, token);
    if (!outcome.ok) {
      if (outcome.reason === 'invalid_token') throw new NotFoundError('no execution waits for this resume token');
      throw new InvalidStateError('the execution is not waiting for this token any more (it was used already, or the execution moved on)');
    }
    const execution = await this.get({ org_id: outcome.org_id }, outcome.execution_id);
    const index = parseResumeToken(token)?.index ?? -1;
    const actions = (execution.actions as Array<Record<string, unknown>> | undefined) ?? [];
    return { execution, resumedAction: actions[index] ?? {} };
  }

  /**
   * epilot `cancelSchedule`: the actions waiting for the schedule are skipped with the reason
   * and the execution goes on with the next action. Answers the schedule (`ActionSchedule`).
   * Nothing waits for it (already fired, cancelled before, never armed): NotFound.
   */
  async cancelSchedule(caller: ApiCaller, executionId: string, scheduleId: string): Promise<Record<string, unknown>> {
    const record = await this.deps.executions.load(caller.org_id, executionId);
    if (!record) throw new NotFoundError(`execution ${executionId} not found`);
    const schedule = (record.flow.schedules as Array<Record<string, unknown>> | undefined)?.find((s) => s.id === scheduleId);
    if (!schedule) throw new NotFoundError(`execution ${executionId} has no schedule ${scheduleId}`);
    const plan = planOf(record.flow);
    await this.transition(caller, executionId, (state) => {
      const outcome = cancelSchedule(state, plan, scheduleId, this.deps.clock.now(), `schedule ${scheduleId} was cancelled through the API`);
      if (!outcome.ok) throw new NotFoundError(`execution ${executionId} has no pending schedule ${scheduleId}: ${outcome.reason}`);
      return outcome.decision;
    });
    return schedule;
  }

  private async documents(caller: ApiCaller, states: ExecutionState[]): Promise<ExecutionDocument[]> {
    const records = await Promise.all(states.map((s) => this.deps.executions.load(caller.org_id, s.execution_id)));
    return records.filter((r) => r !== undefined).map((r) => toExecutionDocument(r));
  }

  /**
   * Reads the state, asks `decide` for the next one and writes it conditionally; a write lost
   * to a concurrent change (a worker's claim, the dispatcher) is decided again on the new state.
   */
  private async transition(
    caller: ApiCaller,
    executionId: string,
    decide: (state: ExecutionState) => { next: ExecutionState; expect_seq: number } | undefined,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const state = await this.deps.executions.getState(caller.org_id, executionId);
      if (!state) throw new NotFoundError(`execution ${executionId} not found`);
      const decision = decide(state);
      if (!decision) return;
      try {
        await writeState(this.deps, state, decision.next, decision.expect_seq);
        return;
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= WRITE_ATTEMPTS) {
          if (err instanceof ConflictError) throw new InvalidStateError(`execution ${executionId} kept changing while it was being updated; try again`);
          throw err;
        }
      }
    }
  }
}
