import { parsePath, type PathSegment } from '../mapping/parsePath';
import { isPlainObject } from '../mapping/plainData';
import { readPath } from '../mapping/readPath';
import { MISSING, toConditionSubject, type ConditionSubject } from './toConditionSubject';
import type { ConditionContext, ConditionSourceInput, EntityRecord } from './types';

export type DiffOperation = 'added' | 'updated' | 'deleted';

export interface ResolvedSource {
  /** How the source is named in reasons: `status`, `contact.email`, `total of action a1`. */
  readonly label: string;
  /** Names the entity for entity_exists reasons: `trigger entity`, `contact entity`, `output of action a1`. */
  readonly entityLabel: string;
  readonly entityExists: boolean;
  /** One subject per source entity (several when reading related entities). */
  readonly subjects: readonly ConditionSubject[];
  /** Set when `attributeOperation` restricts the statement to attributes the diff touched. */
  readonly diffScope?: {
    readonly operation: DiffOperation;
    readonly touched: boolean;
    /** For `updated`: the previous value held by the diff. */
    readonly previous?: ConditionSubject;
  };
  /** Why the attribute could not be read at all (an invalid path). */
  readonly problem?: string;
}

/**
 * Finds the value a statement looks at:
 * - origin `action` reads `outputs[source.id]`;
 * - origin `trigger` (the default) reads the trigger entity, or every entity in
 *   `relatedEntities[schema]` when `schema` names another schema than the entity's `_schema`;
 * - `attributeOperation` added/deleted read the diff part; `updated` requires the attribute in
 *   `diff.updated` (which holds previous values) and reads the current, new value from the entity.
 */
export function resolveConditionSource(source: ConditionSourceInput, ctx: ConditionContext): ResolvedSource {
  let segments: readonly PathSegment[] | undefined;
  let problem: string | undefined;
  if (source.attribute !== undefined && source.attribute.length > 0) {
    const parsed = parsePath(source.attribute);
    if (parsed.ok) segments = parsed.segments;
    else problem = parsed.message;
  }
  const attribute = source.attribute ?? '(no attribute)';

  if (source.origin === 'action') {
    const id = source.id ?? '(no id)';
    const output = source.id === undefined ? undefined : ownValue(ctx.outputs, source.id);
    const entities = isPlainObject(output) ? [output] : [];
    return {
      label: `${attribute} of action ${id}`,
      entityLabel: `output of action ${id}`,
      entityExists: entities.length > 0,
      subjects: entities.map((entity) => read(entity, segments)),
      ...(problem === undefined ? {} : { problem }),
    };
  }

  const triggerSchema = ctx.entity['_schema'];
  const related = source.schema !== undefined && typeof triggerSchema === 'string' && source.schema !== triggerSchema;
  if (related && source.schema !== undefined) {
    const candidates = ownValue(ctx.relatedEntities, source.schema);
    const entities = Array.isArray(candidates) ? candidates.filter(isPlainObject) : [];
    return {
      label: `${source.schema}.${attribute}`,
      entityLabel: `${source.schema} entity`,
      entityExists: entities.length > 0,
      // the diff describes the trigger entity only, so attributeOperation does not apply here
      subjects: entities.map((entity) => read(entity, segments)),
      ...(problem === undefined ? {} : { problem }),
    };
  }

  const exists = isPlainObject(ctx.entity) && Object.keys(ctx.entity).length > 0;
  const operation = source.attributeOperation;
  const base = {
    entityLabel: 'trigger entity',
    entityExists: exists,
    ...(problem === undefined ? {} : { problem }),
  };
  if (operation === undefined || operation === 'all' || segments === undefined) {
    return { ...base, label: attribute, subjects: exists ? [read(ctx.entity, segments)] : [] };
  }

  const part = ctx.diff?.[operation];
  const inDiff = part === undefined ? { found: false as const } : readPath(part, segments);
  const label = `${attribute} (${operation})`;
  if (!inDiff.found) return { ...base, label, subjects: [], diffScope: { operation, touched: false } };
  const diffValue = toConditionSubject(fromDiff(inDiff.value));
  if (operation === 'updated') {
    return {
      ...base,
      label,
      subjects: [read(ctx.entity, segments)],
      diffScope: { operation, touched: true, previous: diffValue },
    };
  }
  return { ...base, label, subjects: [diffValue], diffScope: { operation, touched: true } };
}

function read(entity: EntityRecord, segments: readonly PathSegment[] | undefined): ConditionSubject {
  if (segments === undefined) return MISSING;
  const found = readPath(entity, segments);
  return found.found ? toConditionSubject(found.value) : MISSING;
}

function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/**
 * Diff libraries (deep-object-diff) describe array changes as objects keyed by index —
 * `{ '2': 'vip' }` for a tag added at position 2; those become the list of changed items.
 */
function fromDiff(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys.every((key) => /^\d+$/.test(key))) return value;
  return keys
    .map(Number)
    .sort((a, b) => a - b)
    .map((index) => value[String(index)]);
}
