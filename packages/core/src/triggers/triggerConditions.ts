import { parsePath, readPath } from '../mapping';
import type { TriggerConditionLike, TriggerEvent } from './TriggerEvent';

/** Reads an epilot attribute path (`a.b[0].c`) with the mapping module's parser; undefined when missing. */
function valueAt(root: unknown, path: string): unknown {
  const parsed = parsePath(path);
  if (!parsed.ok) return undefined;
  const read = readPath(root, parsed.segments);
  return read.found ? read.value : undefined;
}

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

const scalars = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const same = (a: unknown, b: unknown): boolean => a === b || (a !== null && b !== null && a !== undefined && String(a) === String(b));

/**
 * Flow-level trigger conditions (epilot `trigger_conditions`): all must hold. `source` is a
 * path into the event's entity, falling back to its payload for submissions and emails.
 */
export function triggerConditionsHold(conditions: readonly TriggerConditionLike[] | undefined, event: TriggerEvent): boolean {
  if (!conditions || conditions.length === 0) return true;
  return conditions.every((condition) => {
    const fromEntity = event.entity ? valueAt(event.entity, condition.source) : undefined;
    const actual = fromEntity !== undefined ? fromEntity : valueAt(event.payload, condition.source);
    switch (condition.comparison) {
      case 'is_empty':
        return isEmpty(actual);
      case 'not_empty':
        return !isEmpty(actual);
      case 'equals':
        return condition.value !== undefined && scalars(actual).some((a) => scalars(condition.value).some((v) => same(a, v)));
      case 'any_of': {
        const allowed = scalars(condition.value);
        return scalars(actual).some((a) => allowed.some((v) => same(a, v)));
      }
      default:
        return false;
    }
  });
}
