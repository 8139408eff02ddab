import type { TriggerEvent, TriggerLike } from './TriggerEvent';

export type TriggerMatcher = (event: TriggerEvent) => boolean;

/**
 * What a trigger asks of an event, read once from its configuration. An empty list or string asks
 * nothing (an empty `operations` admits every operation), so it is left out here.
 */
export interface TriggerSpec {
  readonly type: string;
  /** entity_operation, activity, entity_manual: the entity's `_schema`. */
  readonly schema?: string;
  /** entity_operation: the event's operation is one of these. */
  readonly operations?: readonly string[];
  /** entity_operation: the activity type is one of these... */
  readonly includeActivities?: readonly string[];
  /** ...and, when the event has one, none of these. */
  readonly excludeActivities?: readonly string[];
  /** activity: the activity type is one of these. */
  readonly activityTypes?: readonly string[];
  /** Submissions: the event's `source_id`. */
  readonly sourceId?: string;
  /** entity_operation: the EventBridge-style filter (see `filterConfigPattern`). */
  readonly filterConfig?: Record<string, unknown>;
}

const nonEmptyStrings = (v: unknown): string[] | undefined => {
  const strings = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  return strings.length > 0 ? strings : undefined;
};
const nonEmptyString = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function readTrigger(trigger: TriggerLike): TriggerSpec {
  const c = trigger.configuration ?? {};
  const spec: {
    type: string;
    schema?: string;
    operations?: string[];
    includeActivities?: string[];
    excludeActivities?: string[];
    activityTypes?: string[];
    sourceId?: string;
    filterConfig?: Record<string, unknown>;
  } = { type: trigger.type };
  const set = <K extends keyof typeof spec>(key: K, value: (typeof spec)[K] | undefined): void => {
    if (value !== undefined) spec[key] = value;
  };
  switch (trigger.type) {
    case 'entity_operation':
      set('schema', nonEmptyString(c.schema));
      set('operations', nonEmptyStrings(c.operations));
      set('includeActivities', nonEmptyStrings(c.include_activities));
      set('excludeActivities', nonEmptyStrings(c.exclude_activities));
      set('filterConfig', c.filter_config as Record<string, unknown> | undefined);
      break;
    case 'activity':
      set('schema', nonEmptyString(c.schema));
      set('activityTypes', nonEmptyStrings(c.types));
      break;
    case 'entity_manual':
      set('schema', nonEmptyString(c.schema));
      break;
    case 'journey_submission':
    case 'frontend_submission':
    case 'api_submission':
      set('sourceId', nonEmptyString(c.source_id));
      break;
  }
  return spec;
}

export const schemaOf = (event: TriggerEvent): string | undefined =>
  typeof event.entity?._schema === 'string' ? event.entity._schema : undefined;

/**
 * Everything a trigger asks of an event except its filter pattern: the event type, and the
 * schema, operations, activities or source its configuration names.
 */
export function triggerCheck(spec: TriggerSpec): TriggerMatcher {
  const { schema, operations, includeActivities: include, excludeActivities: exclude } = spec;
  switch (spec.type) {
    case 'entity_operation':
      return (event) => {
        if (event.type !== 'entity_operation') return false;
        if (schema && schemaOf(event) !== schema) return false;
        if (operations && !operations.includes(event.operation ?? '')) return false;
        const activityType = event.activity?.type;
        if (include && !include.includes(activityType ?? '')) return false;
        if (exclude && activityType !== undefined && exclude.includes(activityType)) return false;
        return true;
      };
    case 'activity': {
      const types = spec.activityTypes;
      return (event) => event.type === 'activity' && (!schema || schemaOf(event) === schema) && (!types || types.includes(event.activity?.type ?? ''));
    }
    case 'entity_manual':
      return (event) => (event.type === 'entity_manual' || event.type === 'manual') && (!schema || schemaOf(event) === schema);
    case 'journey_submission':
    case 'frontend_submission':
    case 'api_submission': {
      const { type, sourceId } = spec;
      return (event) => event.type === type && (!sourceId || event.source_id === sourceId);
    }
    case 'received_email':
      return (event) => event.type === 'received_email';
    default:
      return () => false;
  }
}

/** The synthetic event an entity_operation trigger's filter is matched against. */
export function filterDocument(event: TriggerEvent): Record<string, unknown> {
  return {
    operation: event.operation,
    payload: event.entity ?? {},
    diff: { added: event.diff?.added ?? {}, updated: event.diff?.updated ?? {}, deleted: event.diff?.deleted ?? {} },
    activity: event.activity ?? {},
  };
}
