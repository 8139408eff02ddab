import type { FlowSearchQuery, StoredFlow } from '../ports';

type TriggerLike = { type?: unknown; configuration?: Record<string, unknown> };

const triggersOf = (flow: StoredFlow): TriggerLike[] => (Array.isArray(flow.triggers) ? (flow.triggers as TriggerLike[]) : []);

/** Schemas named by a trigger: its `schema`, or literal `_schema` values of its payload filter. */
function triggerSchemas(trigger: TriggerLike): string[] {
  const config = trigger.configuration ?? {};
  const out: string[] = [];
  if (typeof config.schema === 'string') out.push(config.schema);
  const payload = (config.filter_config as { operation?: { payload?: Record<string, unknown> } } | undefined)?.operation?.payload;
  const literal = payload?._schema;
  if (Array.isArray(literal)) out.push(...literal.filter((v): v is string => typeof v === 'string'));
  return out;
}

/**
 * Whether a flow answers a search: it reacts to the schema (its `entity_schema`, or a trigger
 * for that schema), and one of its triggers has the source id. A flow started from workflows
 * (`flows_trigger`) answers only when `include_flows` is set.
 */
export function matchesFlowSearch(flow: StoredFlow, query: Omit<FlowSearchQuery, 'from' | 'size'>): boolean {
  const triggers = triggersOf(flow);
  if (!query.include_flows && triggers.some((t) => t.type === 'flows_trigger')) return false;
  if (query.schema !== undefined) {
    const schemas = new Set([...(typeof flow.entity_schema === 'string' ? [flow.entity_schema] : []), ...triggers.flatMap(triggerSchemas)]);
    if (!schemas.has(query.schema)) return false;
  }
  if (query.trigger_source_id !== undefined) {
    const sources = triggers.map((t) => t.configuration?.source_id ?? t.configuration?.journey_id);
    if (!sources.includes(query.trigger_source_id)) return false;
  }
  return true;
}

/** Newest first, then by id, so pages are stable. */
export function compareFlowsNewestFirst(a: StoredFlow, b: StoredFlow): number {
  const ca = typeof a.created_at === 'string' ? a.created_at : '';
  const cb = typeof b.created_at === 'string' ? b.created_at : '';
  if (ca !== cb) return ca < cb ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
