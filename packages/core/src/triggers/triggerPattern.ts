import type { EventPattern } from '../pattern';
import { filterConfigPattern } from './compileTrigger';
import { filterDocument, schemaOf, type TriggerSpec } from './readTrigger';
import type { TriggerEvent } from './TriggerEvent';

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * The document `triggerPattern`s are matched against: a trigger filter's synthetic event, plus the
 * event's trigger-level fields under `trigger` (a key the filter document does not have), each the
 * string `triggerCheck` compares or absent. Built once per event, whatever the number of triggers.
 */
export function triggerDocument(event: TriggerEvent): Record<string, unknown> {
  // Written out rather than spread: this runs once per event, and spreading is far slower.
  const doc = filterDocument(event);
  const activityType: unknown = event.activity?.type;
  doc.trigger = {
    type: text(event.type),
    schema: schemaOf(event),
    operation: text(event.operation ?? ''),
    activity: text(activityType ?? ''),
    activity_type: text(activityType),
    source: text(event.source_id),
  };
  return doc;
}

const exactly = (values: readonly string[]): { exactly: string }[] => values.map((value) => ({ exactly: value }));

/**
 * A trigger as one pattern over `triggerDocument(event)`, for a `PatternSet` of many triggers: its
 * filter, and what `triggerCheck` asks (type, schema, operations, activities, source) as fields of
 * `trigger`, as exact literals where it can so that the set can look triggers up by them. For every
 * event, `compileTrigger(t)(e)` equals whether the pattern matches `triggerDocument(e)`. Undefined for
 * triggers that only manual starts (which bypass the set) or nothing at all can start.
 */
export function triggerPattern(spec: TriggerSpec): EventPattern | undefined {
  const trigger: Record<string, ({ exactly: string } | { 'anything-but': string[] } | { exists: false })[]> = { type: exactly([spec.type]) };
  if (spec.schema) trigger.schema = exactly([spec.schema]);
  switch (spec.type) {
    case 'entity_operation': {
      if (spec.operations) trigger.operation = exactly(spec.operations);
      if (spec.includeActivities) trigger.activity = exactly(spec.includeActivities);
      // An excluded activity type fails the trigger; no activity type passes it.
      if (spec.excludeActivities) trigger.activity_type = [{ 'anything-but': [...spec.excludeActivities] }, { exists: false }];
      // The filter document has no `trigger` key, so the two parts never overlap.
      return { ...filterConfigPattern(spec.filterConfig), trigger } as EventPattern;
    }
    case 'activity':
      if (spec.activityTypes) trigger.activity = exactly(spec.activityTypes);
      return { trigger } as EventPattern;
    case 'journey_submission':
    case 'frontend_submission':
    case 'api_submission':
      if (spec.sourceId) trigger.source = exactly([spec.sourceId]);
      return { trigger } as EventPattern;
    case 'received_email':
      return { trigger } as EventPattern;
    default:
      return undefined;
  }
}
