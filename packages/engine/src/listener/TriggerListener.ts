import {
  type AutomationEvent,
  type GuardSettings,
  TriggerIndex,
  describeCheck,
  eventIndexKeys,
  guardCounterKey,
  guardSettings,
  hotFlowChecks,
  initialState,
  lineageVerdict,
  parseEvent,
  windowOf,
} from '@autoflow/core';
import { executionIdFor } from '../executions/executionId';
import { planOf } from '../executions/planOf';
import type { Clock, DeadLetterSink, ExecutionStore, FlowStore, GuardStore, Logger, StoredFlow, TriggerSnapshot } from '../ports';
import { silentLogger } from '../ports';

export interface ListenerDeps {
  flows: FlowStore;
  executions: ExecutionStore;
  deadLetters: DeadLetterSink;
  guards: GuardStore;
  clock: Clock;
  logger?: Logger;
  guardSettings?: Partial<GuardSettings>;
  /** observes flows the hot-flow checks disable (metrics, logs) */
  onFlowDisabled?: (event: { org_id: string; flow_id: string; reason: string }) => void;
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

  constructor(private readonly deps: ListenerDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.settings = guardSettings(deps.guardSettings);
  }

  async handleMessage(body: string, meta: { groupId?: string } = {}): Promise<ListenerOutcome> {
    let raw: unknown;
    try {
      raw = JSON.parse(body);
    } catch (err) {
      return this.reject(body, `body is not valid JSON: ${(err as Error).message}`, undefined, meta.groupId);
    }
    const parsed = parseEvent(raw, { size: Buffer.byteLength(body, 'utf8') });
    if (!parsed.ok) return this.reject(body, 'event is invalid', parsed.problems, meta.groupId);
    const event = parsed.event;
    if (meta.groupId !== undefined && meta.groupId !== event.org_id) {
      return this.reject(body, `message group ${meta.groupId} does not match org_id ${event.org_id}`, undefined, meta.groupId);
    }
    return this.handleEvent(event);
  }

  async handleEvent(event: AutomationEvent): Promise<ListenerOutcome> {
    const flows = await this.candidates(event);
    const matches = new TriggerIndex(flows).match(event);
    const executions: Array<{ execution_id: string; flow_id: string; decision: StartDecision }> = [];
    for (const { flow, trigger_id } of matches) {
      const execution_id = executionIdFor(event.org_id, event.event_id, flow.id);
      const decision = await this.start(event, flow, execution_id, trigger_id);
      executions.push({ execution_id, flow_id: flow.id, decision });
    }
    this.logger.debug('event matched', { event_id: event.event_id, org_id: event.org_id, candidates: flows.length, matched: executions.length });
    return { status: 'processed', event_id: event.event_id, org_id: event.org_id, executions };
  }

  private async candidates(event: AutomationEvent): Promise<StoredFlow[]> {
    if (event.type === 'manual' || event.type === 'entity_manual') {
      if (!event.flow_id) return [];
      const flow = await this.deps.flows.get(event.org_id, event.flow_id);
      return flow ? [flow] : [];
    }
    return this.deps.flows.candidates(event.org_id, eventIndexKeys(event));
  }

  /**
   * Runaway protection, then creation. A redelivered event finds its execution and changes
   * nothing (counters included). A cycle between flows or a too-deep chain is recorded as a
   * skipped execution with the reason. A flow over its rate limit goes hot: it is disabled by the
   * system and the triggering execution is stored as `hot`, never dispatched, not counted in runs.
   */
  private async start(event: AutomationEvent, flow: StoredFlow, executionId: string, triggerId?: string): Promise<StartDecision> {
    if (await this.deps.executions.getState(event.org_id, executionId)) return 'exists';
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
    if (created) await this.deps.flows.incrementRuns(event.org_id, flow.id);
    return created ? 'started' : 'exists';
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
