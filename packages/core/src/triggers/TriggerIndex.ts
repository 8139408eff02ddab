import { PatternSet, type EventPattern } from '../pattern';
import { compileTrigger, eventIndexKeys, triggerIndexKeys } from './compileTrigger';
import { readTrigger, triggerCheck, type TriggerMatcher } from './readTrigger';
import type { FlowLike, TriggerEvent } from './TriggerEvent';
import { triggerConditionsHold } from './triggerConditions';
import { triggerDocument, triggerPattern } from './triggerPattern';

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

/** One trigger of one flow in the index's pattern set. */
interface TriggerRef<F extends FlowLike> {
  readonly entry: Entry<F>;
  readonly triggerId?: string;
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

const never: TriggerMatcher = () => false;

const isManual = (event: TriggerEvent): boolean => event.type === 'manual' || event.type === 'entity_manual';

function matchEntry<F extends FlowLike>(entry: Entry<F>, event: TriggerEvent): TriggerMatch<F> | undefined {
  const { flow } = entry;
  if (flow.enabled === false) return undefined;
  if (isManual(event)) {
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
 * The flows of one org, compiled into one matcher: every trigger becomes a pattern over the
 * event's `triggerDocument` (its filter, and what the trigger names: type, schema, operations,
 * activities, source) in one `PatternSet`, so matching an event costs what the event touches and
 * the flows it starts, not the number of flows. It starts exactly the flows `matchFlow` starts.
 * Building costs more than matching: build it once per set of flows and keep it.
 *
 * Matches come in the order the listener's key lookups (`eventIndexKeys`) would list the flows:
 * those filed under the event's schema or source, then those filed for any, then any flow the keys
 * would not find; each group in the order added.
 */
export class TriggerIndex<F extends FlowLike> {
  /** Flows by index key (`triggerIndexKeys`), in the order added: for `candidates` and the order of matches. */
  private readonly byKey = new Map<string, Set<Entry<F>>>();
  private readonly byId = new Map<string, Entry<F>>();
  private readonly triggers: PatternSet<TriggerRef<F>>;

  constructor(flows: Iterable<F>) {
    const patterns: { id: TriggerRef<F>; pattern: EventPattern }[] = [];
    for (const flow of flows) patterns.push(...this.file(flow));
    this.triggers = new PatternSet(patterns);
  }

  add(flow: F): void {
    for (const { id, pattern } of this.file(flow)) this.triggers.add(id, pattern);
  }

  /** Flows filed under the event's index keys: those `match` looks at when the listener reads by key. */
  candidates(event: TriggerEvent): F[] {
    if (isManual(event)) {
      const entry = event.flow_id ? this.byId.get(event.flow_id) : undefined;
      return entry ? [entry.flow] : [];
    }
    const seen = new Set<Entry<F>>();
    for (const key of eventIndexKeys(event)) for (const e of this.byKey.get(key) ?? []) seen.add(e);
    return [...seen].map((e) => e.flow);
  }

  /** Flows the event starts, each with the first of its triggers that matches. */
  match(event: TriggerEvent): TriggerMatch<F>[] {
    if (isManual(event)) {
      const entry = event.flow_id ? this.byId.get(event.flow_id) : undefined;
      const m = entry ? matchEntry(entry, event) : undefined;
      return m ? [m] : [];
    }
    const started: { entry: Entry<F>; match: TriggerMatch<F> }[] = [];
    let decided: Entry<F> | undefined;
    // Refs come in the order added: a flow's triggers together, in the flow's order.
    for (const ref of this.triggers.match(triggerDocument(event))) {
      const { entry } = ref;
      if (entry === decided) continue;
      decided = entry;
      const { flow } = entry;
      if (flow.enabled === false || !triggerConditionsHold(flow.trigger_conditions, event)) continue;
      started.push({ entry, match: ref.triggerId ? { flow, trigger_id: ref.triggerId } : { flow } });
    }
    const out = started.map((s) => s.match);
    if (started.length < 2) return out;
    // In the order the key lookups list them: flows filed under the first key (the schema or source),
    // then under the next (any), then flows the keys would not find (a trigger asking for an empty
    // schema, say), each in the order added.
    const tiers = eventIndexKeys(event).map((key) => this.byKey.get(key));
    const rank = (entry: Entry<F>): number => {
      for (let t = 0; t < tiers.length; t++) if (tiers[t]?.has(entry)) return t;
      return tiers.length;
    };
    const ranks = started.map((s) => rank(s.entry));
    for (let i = 1; i < ranks.length; i++) {
      if (ranks[i - 1]! > ranks[i]!) return out.map((m, j) => ({ m, r: ranks[j]! })).sort((a, b) => a.r - b.r).map((x) => x.m);
    }
    return out;
  }

  private file(flow: F): { id: TriggerRef<F>; pattern: EventPattern }[] {
    const specs = flow.triggers.map(readTrigger);
    const entry: Entry<F> = {
      flow,
      // Manual starts bypass the pattern set and consult only entity_manual triggers, which have
      // no filter: their check is the whole trigger. The others are never consulted here.
      triggers: flow.triggers.map((t, i) => ({
        ...(t.id ? { triggerId: t.id } : {}),
        matches: t.type === 'entity_manual' ? triggerCheck(specs[i]!) : never,
      })),
    };
    if (flow.id) this.byId.set(flow.id, entry);
    for (const key of flow.triggers.flatMap(triggerIndexKeys)) {
      const filed = this.byKey.get(key);
      if (filed) filed.add(entry);
      else this.byKey.set(key, new Set([entry]));
    }
    const refs: { id: TriggerRef<F>; pattern: EventPattern }[] = [];
    for (const [i, spec] of specs.entries()) {
      const pattern = triggerPattern(spec);
      const t = flow.triggers[i]!;
      if (pattern) refs.push({ id: t.id ? { entry, triggerId: t.id } : { entry }, pattern });
    }
    return refs;
  }
}
