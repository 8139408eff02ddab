import { compileTrigger, eventIndexKeys, triggerIndexKeys, type TriggerMatcher } from './compileTrigger';
import type { FlowLike, TriggerEvent } from './TriggerEvent';
import { triggerConditionsHold } from './triggerConditions';

export interface TriggerMatch<F extends FlowLike> {
  flow: F;
  trigger_id?: string;
}

interface CompiledTrigger {
  triggerId?: string;
  matches: TriggerMatcher;
}

interface Entry<F extends FlowLike> {
  flow: F;
  triggers: CompiledTrigger[];
}

const compile = <F extends FlowLike>(flow: F): Entry<F> => ({
  flow,
  triggers: flow.triggers.map((t) => ({ ...(t.id ? { triggerId: t.id } : {}), matches: compileTrigger(t) })),
});

/**
 * Whether one flow is started by an event: it is enabled, one of its triggers matches, and
 * its trigger conditions hold. Manual starts name the flow and need no trigger, except that
 * an `entity_manual` trigger's schema, when set, must match.
 */
export function matchFlow<F extends FlowLike>(flow: F, event: TriggerEvent): TriggerMatch<F> | undefined {
  return matchEntry(compile(flow), event);
}

function matchEntry<F extends FlowLike>(entry: Entry<F>, event: TriggerEvent): TriggerMatch<F> | undefined {
  const { flow } = entry;
  if (flow.enabled === false) return undefined;
  if (event.type === 'manual' || event.type === 'entity_manual') {
    if (event.flow_id !== flow.id) return undefined;
    const manual = flow.triggers.map((t, i) => ({ t, i })).filter(({ t }) => t.type === 'entity_manual');
    if (manual.length === 0) return { flow };
    const hit = manual.find(({ i }) => entry.triggers[i]!.matches(event));
    return hit ? { flow, ...(hit.t.id ? { trigger_id: hit.t.id } : {}) } : undefined;
  }
  const hit = entry.triggers.find((t) => t.matches(event));
  if (!hit || !triggerConditionsHold(flow.trigger_conditions, event)) return undefined;
  return { flow, ...(hit.triggerId ? { trigger_id: hit.triggerId } : {}) };
}

/**
 * Flows of one org filed by (trigger type, schema or source), so matching an event costs in
 * proportion to the flows that could match it, not to all flows of the org.
 */
export class TriggerIndex<F extends FlowLike> {
  private readonly byKey = new Map<string, Entry<F>[]>();
  private readonly byId = new Map<string, Entry<F>>();

  constructor(flows: Iterable<F>) {
    for (const flow of flows) this.add(flow);
  }

  add(flow: F): void {
    const entry = compile(flow);
    if (flow.id) this.byId.set(flow.id, entry);
    const keys = new Set(flow.triggers.flatMap(triggerIndexKeys));
    for (const key of keys) {
      const list = this.byKey.get(key);
      if (list) list.push(entry);
      else this.byKey.set(key, [entry]);
    }
  }

  /** Flows that could match the event (before evaluating their filters). */
  candidates(event: TriggerEvent): F[] {
    return this.candidateEntries(event).map((e) => e.flow);
  }

  /** Flows the event starts. */
  match(event: TriggerEvent): TriggerMatch<F>[] {
    const out: TriggerMatch<F>[] = [];
    for (const entry of this.candidateEntries(event)) {
      const m = matchEntry(entry, event);
      if (m) out.push(m);
    }
    return out;
  }

  private candidateEntries(event: TriggerEvent): Entry<F>[] {
    if (event.type === 'manual' || event.type === 'entity_manual') {
      const entry = event.flow_id ? this.byId.get(event.flow_id) : undefined;
      return entry ? [entry] : [];
    }
    const seen = new Set<Entry<F>>();
    for (const key of eventIndexKeys(event)) for (const e of this.byKey.get(key) ?? []) seen.add(e);
    return [...seen];
  }
}
