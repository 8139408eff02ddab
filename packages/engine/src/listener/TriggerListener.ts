import {
  type AutomationEvent,
  type GuardSettings,
  TriggerIndex,
  describeCheck,
  eventIndexKeys,
  guardCounterKey,
  guardSettings,
  hotFlowChecks,
  ConflictError,
  type EventPattern,
  cancel,
  exitOnReason,
  initialState,
  isFinal,
  lineageVerdict,
  listenPatterns,
  matchesPattern,
  orgOfMessageGroup,
  parseEvent,
  windowOf,
} from '@autoflow/core';
import { executionIdFor } from '../executions/executionId';
import { FlowCandidates } from './FlowCandidates';
import { planOf } from '../executions/planOf';
import { WAIT_LOOKBACK_MS, waitEventResult } from '../executions/waitOutcome';
import { writeState } from '../executions/writeState';
import type { Clock, DeadLetterSink, ExecutionLog, ExecutionStore, FlowCatalog, GuardStore, Logger, RecentEventStore, StoredFlow, TimerService, TriggerSnapshot } from '../ports';
import { silentLogger } from '../ports';

export interface ListenerDeps {
  flows: FlowCatalog;
  /** the execution log, and the executions of an entity (for exit_on rules and wait steps) */
  executions: ExecutionLog & Pick<ExecutionStore, 'listByEntity'>;
  deadLetters: DeadLetterSink;
  guards: GuardStore;
  clock: Clock;
  logger?: Logger;
  guardSettings?: Partial<GuardSettings>;
  /** disarms the timers of executions an exit_on rule ends */
  timers?: TimerService;
  /** keeps events that flows listen to, so a wait step that starts just after one still sees it */
  recentEvents?: RecentEventStore;
  /** observes flows the hot-flow checks disable (metrics, logs) */
  onFlowDisabled?: (event: { org_id: string; flow_id: string; reason: string }) => void;
  /** how long the remembered candidate flows of an org are used before its flow-set version is read again (default 1 s) */
  flowRefreshMs?: number;
}

/** How a message reached the listener. */
export interface MessageMeta {
  /** the FIFO message group */
  groupId?: string;
  /**
   * the queue's receive count: on the first delivery no execution of the event can exist yet,
   * so it is not looked for (a redelivery looks, and changes nothing for those it finds)
   */
  receiveCount?: number;
}

/** How the listener decided on one matched flow. */
export type StartDecision = 'started' | 'exists' | 'hot' | 'skipped';

export type ListenerOutcome =
  | { status: 'processed'; event_id: string; org_id: string; executions: Array<{ execution_id: string; flow_id: string; decision: StartDecision }> }
  | { status: 'rejected'; reason: string };

/**
 * Turns one platform event into executions: validate, match the org's flows through the trigger
 * index, and write one execution per matched flow. Invalid input is dead-lettered with its reason
 * (and reported as handled, so it never blocks its org's FIFO group); anything else that fails is
 * thrown so the message is retried.
 */
export class TriggerListener {
  private readonly logger: Logger;
  private readonly settings: GuardSettings;

  private readonly flows: FlowCandidates;
  /** executions started per flow since the last `flushRuns`, added to the flows' run counts in one write each */
  private readonly runs = new Map<string, { org_id: string; flow_id: string; n: number }>();

  constructor(private readonly deps: ListenerDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.settings = guardSettings(deps.guardSettings);
    this.flows = new FlowCandidates(deps.flows, deps.clock, deps.flowRefreshMs ?? 1_000);
  }

  async handleMessage(body: string, meta: MessageMeta = {}): Promise<ListenerOutcome> {
    let raw: unknown;
    try {
      raw = JSON.parse(body);
    } catch (err) {
      return this.reject(body, `body is not valid JSON: ${(err as Error).message}`, undefined, meta.groupId);
    }
    const parsed = parseEvent(raw, { size: Buffer.byteLength(body, 'utf8') });
    if (!parsed.ok) return this.reject(body, 'event is invalid', parsed.problems, meta.groupId);
    const event = parsed.event;
    if (meta.groupId !== undefined && orgOfMessageGroup(meta.groupId) !== event.org_id) {
      return this.reject(body, `message group ${meta.groupId} does not match org_id ${event.org_id}`, undefined, meta.groupId);
    }
    return this.handleEvent(event, { redelivered: meta.receiveCount === undefined || meta.receiveCount > 1 });
  }

  /** `redelivered: false` only when the event cannot have been handled before (its first delivery). */
  async handleEvent(event: AutomationEvent, options: { redelivered?: boolean } = {}): Promise<ListenerOutcome> {
    const flows = await this.candidates(event);
    const matches = new TriggerIndex(flows).match(event);
    const executions: Array<{ execution_id: string; flow_id: string; decision: StartDecision }> = [];
    for (const { flow, trigger_id } of matches) {
      const execution_id = executionIdFor(event.org_id, event.event_id, flow.id);
      const decision = await this.start(event, flow, execution_id, trigger_id, options.redelivered ?? true);
      executions.push({ execution_id, flow_id: flow.id, decision });
    }
    await this.listen(event, flows);
    this.logger.debug('event matched', { event_id: event.event_id, org_id: event.org_id, candidates: flows.length, matched: executions.length });
    return { status: 'processed', event_id: event.event_id, org_id: event.org_id, executions };
  }

  /**
   * What running executions of the entity listen to: an `exit_on` rule that matches ends them as
   * cancelled (their timers disarmed); a waiting wait step whose pattern matches ends with the
   * event. The event is first kept in the entity's look-back buffer, then the executions are
   * read: a wait that registers in between finds the event in the buffer, so none is missed.
   * Executions this very event started, and events an execution caused itself, are left alone.
   */
  private async listen(event: AutomationEvent, flows: StoredFlow[]): Promise<void> {
    const entityId = typeof event.entity?._id === 'string' ? event.entity._id : undefined;
    if (!entityId) return;
    const doc = event as unknown as Record<string, unknown>;
    const exits = new Map<string, string>();
    // Flows with a wait step this event could end; which step, and with which pattern, is read
    // from each waiting execution's own copy of the flow (the saved flow may have changed since).
    const waits = new Set<string>();
    let keep = false;
    for (const flow of flows) {
      for (const listened of listenPatterns(flow as Parameters<typeof listenPatterns>[0])) {
        if (listened.kind === 'wait') {
          waits.add(flow.id);
          keep ||= matchesPattern(listened.pattern as EventPattern, doc);
        } else if (!exits.has(flow.id) && matchesPattern(listened.pattern as EventPattern, doc)) {
          const rule = (flow.exit_on as Array<{ id?: string; reason?: string }>)[listened.rule]!;
          exits.set(flow.id, exitOnReason(rule, listened.rule, event.type));
        }
      }
    }
    if (exits.size === 0 && !keep) return;
    const now = this.deps.clock.now();
    if (keep && this.deps.recentEvents) {
      await this.deps.recentEvents.record(event.org_id, entityId, { event_id: event.event_id, type: event.type, received_at: now, event: doc }, now + WAIT_LOOKBACK_MS);
    }
    const states = await this.deps.executions.listByEntity(event.org_id, entityId, 100);
    for (const state of states) {
      if (isFinal(state.status) || state.execution_id === event.lineage?.execution_id) continue;
      if (state.execution_id === executionIdFor(event.org_id, event.event_id, state.flow_id)) continue;
      const reason = exits.get(state.flow_id);
      if (reason !== undefined) {
        await this.exit(event.org_id, state.execution_id, reason);
        continue;
      }
      const slot = state.acts[state.cur];
      if (waits.has(state.flow_id) && slot?.s === 'scheduled' && slot.k === 'wait') {
        const record = await this.deps.executions.load(event.org_id, state.execution_id);
        const action = record?.flow.actions[state.cur];
        const pattern = (action?.config as { event?: EventPattern } | undefined)?.event;
        if (!action || !pattern || !matchesPattern(pattern, doc)) continue;
        const result = waitEventResult({
          index: state.cur,
          action_id: action.id,
          attempt: slot.n,
          started_at: slot.at ?? now,
          now,
          event: { event_id: event.event_id, type: event.type, received_at: now, event: doc },
        });
        await this.deps.executions.putResult(event.org_id, state.execution_id, result);
      }
    }
  }

  /** Ends an execution for an exit_on rule; a write lost to a concurrent change is decided again. */
  private async exit(orgId: string, executionId: string, reason: string): Promise<void> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const state = await this.deps.executions.getState(orgId, executionId);
      if (!state) return;
      const decision = cancel(state, this.deps.clock.now(), reason);
      if (decision.kind !== 'write') return;
      try {
        await writeState(this.deps, state, decision.next, decision.expect_seq);
        this.logger.info('execution ended by exit_on', { org_id: orgId, execution_id: executionId, reason });
        return;
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt === 5) throw err;
      }
    }
  }

  private async candidates(event: AutomationEvent): Promise<StoredFlow[]> {
    if (event.type === 'manual' || event.type === 'entity_manual') {
      if (!event.flow_id) return [];
      const flow = await this.deps.flows.get(event.org_id, event.flow_id);
      return flow ? [flow] : [];
    }
    return this.flows.candidates(event.org_id, eventIndexKeys(event));
  }

  /**
   * Adds the executions started since the last call to their flows' run counts, one write per
   * flow (the batch handler calls it once per batch, so a busy flow's item takes one write per
   * batch, not one per execution). Counts of a listener that crashes before it are lost: `runs`
   * is a statistic, never used to decide anything.
   */
  async flushRuns(): Promise<void> {
    const pending = [...this.runs.values()];
    this.runs.clear();
    await Promise.all(pending.map((r) => this.deps.flows.incrementRuns(r.org_id, r.flow_id, r.n)));
  }

  /**
   * Runaway protection, then creation. A redelivered event finds its execution and changes
   * nothing (counters included); a first delivery does not look. An event published twice (two
   * messages) still makes one execution, but counts twice towards the hot-flow limits. A cycle between flows or a too-deep chain is recorded as a
   * skipped execution with the reason. A flow over its rate limit goes hot: it is disabled by the
   * system and the triggering execution is stored as `hot`, never dispatched, not counted in runs.
   */
  private async start(event: AutomationEvent, flow: StoredFlow, executionId: string, triggerId: string | undefined, redelivered: boolean): Promise<StartDecision> {
    if (redelivered && (await this.deps.executions.getState(event.org_id, executionId))) return 'exists';
    const verdict = lineageVerdict(flow.id, event.lineage, this.settings.maxChainDepth);
    if (!verdict.start) {
      await this.createExecution(event, flow, executionId, triggerId, { status: 'skipped', reason: verdict.reason });
      this.logger.info('execution skipped by the lineage check', { flow_id: flow.id, reason: verdict.reason });
      return 'skipped';
    }
    const hot = await this.firstExceededCheck(event, flow);
    if (hot) {
      const at = new Date(this.deps.clock.now()).toISOString();
      const reason = `flow went hot: ${hot}`;
      if (await this.deps.flows.disableBySystem(event.org_id, flow.id, at)) {
        this.logger.warn('flow disabled by the system', { org_id: event.org_id, flow_id: flow.id, reason });
        this.deps.onFlowDisabled?.({ org_id: event.org_id, flow_id: flow.id, reason });
      }
      await this.createExecution(event, flow, executionId, triggerId, { status: 'hot', reason });
      return 'hot';
    }
    const created = await this.createExecution(event, flow, executionId, triggerId);
    if (!created) return 'exists';
    const key = `${event.org_id}/${flow.id}`;
    const runs = this.runs.get(key) ?? { org_id: event.org_id, flow_id: flow.id, n: 0 };
    runs.n += 1;
    this.runs.set(key, runs);
    return 'started';
  }

  /** Increments the flow's counters in priority order; the first one over its limit wins. */
  private async firstExceededCheck(event: AutomationEvent, flow: StoredFlow): Promise<string | undefined> {
    const now = this.deps.clock.now();
    for (const check of hotFlowChecks(flow, event, this.settings)) {
      const window = windowOf(now, check.windowMs);
      const count = await this.deps.guards.increment(event.org_id, guardCounterKey(flow, check), window.start, window.end + check.windowMs);
      if (count > check.count) return `${describeCheck(check)} was exceeded`;
    }
    return undefined;
  }

  private async createExecution(
    event: AutomationEvent,
    flow: StoredFlow,
    executionId: string,
    triggerId?: string,
    final?: { status: 'hot' | 'skipped'; reason: string },
  ): Promise<boolean> {
    const now = this.deps.clock.now();
    const entityId = typeof event.entity?._id === 'string' ? event.entity._id : undefined;
    const state = initialState({
      org_id: event.org_id,
      execution_id: executionId,
      flow_id: flow.id,
      ...(entityId ? { entity_id: entityId } : {}),
      plan: planOf(flow),
      now,
      ...(final ?? {}),
    });
    const { entity, org_id: _org, ...rest } = event;
    const trigger: TriggerSnapshot = { ...(rest as Omit<TriggerSnapshot, 'trigger_id'>), ...(triggerId ? { trigger_id: triggerId } : {}) };
    const result = await this.deps.executions.create({
      state,
      flow,
      ...(entity ? { entity: entity as NonNullable<typeof entity> & { _id: string; _schema: string } } : {}),
      trigger,
    });
    return result === 'created';
  }

  private async reject(body: string, reason: string, problems?: Array<{ path: string; message: string }>, orgId?: string): Promise<ListenerOutcome> {
    const full = problems?.length ? `${reason}: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}` : reason;
    this.logger.warn('event rejected', { reason: full, org_id: orgId });
    await this.deps.deadLetters.reject({ body, reason: full, ...(problems ? { problems } : {}), ...(orgId ? { orgId } : {}) });
    return { status: 'rejected', reason: full };
  }
}
