import { parseIsoInstant } from '../conditions/parseIsoInstant';
import {
  clauseKindsOf,
  type EntitySearchClause,
  type EntitySearchFilter,
  type EntitySearchFilterValue,
  type EntitySearchRange,
} from './EntitySearchFilter';
import { parseZonedInstant } from './parseZonedInstant';

/**
 * Whether a stored entity is selected by an epilot `EntitySearchFilter`, evaluated the way
 * Elasticsearch would on the indexed entity, as far as plain JSON allows:
 *
 * - A field is a dotted path (`address.city`); a trailing `.keyword` names the same field, since
 *   the store keeps exact values only. Arrays along the path are flattened, so a field holding
 *   `[a, b]` (or `addresses.city` over a list of addresses) matches when any element does.
 * - `term` compares with strict equality: `12` does not match `"12"`. `terms` is any of them;
 *   `ids` is `term` on `_id`.
 * - `range` compares ISO 8601 instants as instants (`time_zone` for bounds without an offset),
 *   numbers as numbers, and nothing else: a bound that cannot be compared fails. A null bound is open.
 * - `exists` holds when the field has a non-null value (an empty array has none).
 * - The array, like `$and`, needs every clause (empty: true); `$or` needs one (empty: false);
 *   `$not: [a, b]` is NOT (a AND b), the array keeping its meaning inside `$not`.
 *
 * A clause with no known kind matches nothing: a bulk run acts on what matches, so unvalidated
 * input fails closed.
 */
export function matchesEntityFilter(filter: EntitySearchFilter, entity: Record<string, unknown>): boolean {
  return filter.every((clause) => matchesClause(clause, entity));
}

function matchesClause(clause: EntitySearchClause, entity: Record<string, unknown>): boolean {
  const kinds = clauseKindsOf(clause);
  return (
    kinds.length > 0 &&
    kinds.every((kind) => {
      switch (kind) {
        case 'term':
          return everyField(clause.term, (values, expected) => values.some((v) => v === expected), entity);
        case 'terms':
          return everyField(clause.terms, (values, expected) => values.some((v) => expected.includes(v as EntitySearchFilterValue)), entity);
        case 'ids':
          return valuesAt(entity, '_id').some((id) => clause.ids?.values.includes(id as string) ?? false);
        case 'range':
          return everyField(clause.range, (values, range) => values.some((v) => inRange(v, range)), entity);
        case 'exists':
          return clause.exists !== undefined && valuesAt(entity, clause.exists.field).some((v) => v !== null);
        case '$and':
          return matchesEntityFilter(clause.$and ?? [], entity);
        case '$or':
          return (clause.$or ?? []).some((nested) => matchesClause(nested, entity));
        case '$not':
          return !matchesEntityFilter(clause.$not ?? [], entity);
      }
    })
  );
}

function everyField<T>(
  fields: Record<string, T> | undefined,
  test: (values: unknown[], expected: T) => boolean,
  entity: Record<string, unknown>,
): boolean {
  const entries = Object.entries(fields ?? {});
  return entries.length > 0 && entries.every(([field, expected]) => test(valuesAt(entity, field), expected));
}

const KEYWORD = '.keyword';

/** Every value at a dotted path, arrays flattened; none when the path is missing. */
function valuesAt(entity: Record<string, unknown>, field: string): unknown[] {
  const path = (field.endsWith(KEYWORD) ? field.slice(0, -KEYWORD.length) : field).split('.');
  let values: unknown[] = [entity];
  for (const key of path) {
    // own properties only: `constructor` or `__proto__` in a path must not reach the prototype
    values = values.flatMap((value) => (isObject(value) && Object.hasOwn(value, key) ? [value[key]].flat(Infinity) : []));
  }
  return values;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const BOUND_TESTS = [
  ['gt', (order: number) => order > 0],
  ['gte', (order: number) => order >= 0],
  ['lt', (order: number) => order < 0],
  ['lte', (order: number) => order <= 0],
] as const;

function inRange(value: unknown, range: EntitySearchRange): boolean {
  return BOUND_TESTS.every(([bound, holds]) => {
    const limit = range[bound];
    if (limit === undefined || limit === null) return true;
    const order = compare(value, limit, range.time_zone);
    return order !== undefined && holds(order);
  });
}

function compare(value: unknown, limit: EntitySearchFilterValue, timeZone: string | undefined): number | undefined {
  if (typeof value === 'string' && typeof limit === 'string') {
    const actual = parseIsoInstant(value);
    const bound = parseZonedInstant(limit, timeZone);
    return actual === undefined || bound === undefined ? undefined : actual - bound;
  }
  if (typeof value === 'number' && typeof limit === 'number') return value - limit;
  return undefined;
}
