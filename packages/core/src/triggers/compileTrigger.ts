import { compilePattern, type EventPattern } from '../pattern';
import { filterDocument, readTrigger, schemaOf, triggerCheck, type TriggerMatcher } from './readTrigger';
import type { TriggerEvent, TriggerLike } from './TriggerEvent';

export type { TriggerMatcher } from './readTrigger';

/**
 * epilot lets diff filters name nested fields with dotted keys (`"added.first_name"`), which
 * EventBridge syntax does not; expand them into nested objects before compiling.
 */
export function expandDottedKeys(pattern: unknown): unknown {
  if (Array.isArray(pattern)) return pattern.map(expandDottedKeys);
  if (pattern === null || typeof pattern !== 'object') return pattern;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pattern as Record<string, unknown>)) {
    const expanded = key === '$or' ? (value as unknown[]).map(expandDottedKeys) : expandDottedKeys(value);
    if (key === '$or' || !key.includes('.')) {
      merge(out, key, expanded);
      continue;
    }
    const parts = key.split('.');
    let nested: unknown = expanded;
    for (let i = parts.length - 1; i > 0; i--) nested = { [parts[i]!]: nested };
    merge(out, parts[0]!, nested);
  }
  return out;
}

function merge(target: Record<string, unknown>, key: string, value: unknown): void {
  const existing = target[key];
  if (existing && typeof existing === 'object' && !Array.isArray(existing) && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) merge(existing as Record<string, unknown>, k, v);
  } else {
    target[key] = value;
  }
}

/**
 * An entity_operation trigger's `filter_config` as one EventBridge pattern over the synthetic
 * event `{ operation, payload, diff, activity }`.
 */
export function filterConfigPattern(filterConfig: Record<string, unknown> | undefined): EventPattern | undefined {
  if (!filterConfig) return undefined;
  const op = (filterConfig.operation ?? {}) as Record<string, unknown>;
  const activity = (filterConfig.activity ?? {}) as Record<string, unknown>;
  const pattern: Record<string, unknown> = {};
  if (Array.isArray(op.operation) && op.operation.length > 0) pattern.operation = op.operation;
  if (op.payload && Object.keys(op.payload).length > 0) pattern.payload = expandDottedKeys(op.payload);
  if (op.diff && Object.keys(op.diff).length > 0) pattern.diff = expandDottedKeys(op.diff);
  if (Array.isArray(activity.type) && activity.type.length > 0) pattern.activity = { type: activity.type };
  return Object.keys(pattern).length > 0 ? (pattern as EventPattern) : undefined;
}

/** Compiles one trigger into a predicate over events. Patterns are compiled once. */
export function compileTrigger(trigger: TriggerLike): TriggerMatcher {
  const spec = readTrigger(trigger);
  const check = triggerCheck(spec);
  const pattern = spec.type === 'entity_operation' ? filterConfigPattern(spec.filterConfig) : undefined;
  if (!pattern) return check;
  const filter = compilePattern(pattern);
  return (event) => check(event) && filter(filterDocument(event));
}

/**
 * Index keys under which a trigger is filed: (type, schema or source). A trigger without a
 * schema or source is filed under `*` and is a candidate for every event of its type.
 */
export function triggerIndexKeys(trigger: TriggerLike): string[] {
  const c = trigger.configuration ?? {};
  switch (trigger.type) {
    case 'entity_operation': {
      if (typeof c.schema === 'string') return [`entity_operation#${c.schema}`];
      // `payload._schema: ["a", "b"]` with plain strings narrows the trigger just as well.
      const op = ((c.filter_config as Record<string, unknown> | undefined)?.operation ?? {}) as Record<string, unknown>;
      const payload = op.payload as Record<string, unknown> | undefined;
      const schemas = payload?._schema;
      // An `$or` inside the payload filter may let other schemas through: file it under `*`.
      if (!containsOr(payload) && Array.isArray(schemas) && schemas.length > 0 && schemas.every((s) => typeof s === 'string')) {
        return (schemas as string[]).map((s) => `entity_operation#${s}`);
      }
      return ['entity_operation#*'];
    }
    case 'activity':
      return [`activity#${typeof c.schema === 'string' ? c.schema : '*'}`];
    case 'journey_submission':
    case 'frontend_submission':
    case 'api_submission':
      return [`${trigger.type}#${typeof c.source_id === 'string' ? c.source_id : '*'}`];
    case 'received_email':
      return ['received_email#*'];
    default:
      return [];
  }
}

function containsOr(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsOr);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => k === '$or' || containsOr(v));
}

/** Index keys an event looks up. Manual starts name their flow and bypass the index. */
export function eventIndexKeys(event: TriggerEvent): string[] {
  switch (event.type) {
    case 'entity_operation':
    case 'activity': {
      const schema = schemaOf(event);
      return schema ? [`${event.type}#${schema}`, `${event.type}#*`] : [`${event.type}#*`];
    }
    case 'journey_submission':
    case 'frontend_submission':
    case 'api_submission':
      return event.source_id ? [`${event.type}#${event.source_id}`, `${event.type}#*`] : [`${event.type}#*`];
    case 'received_email':
      return ['received_email#*'];
    default:
      return [];
  }
}
