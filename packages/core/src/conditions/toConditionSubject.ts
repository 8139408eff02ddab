import { isPlainObject, stableKey } from '../mapping/plainData';

export type Scalar = string | number | boolean;

/**
 * The value a statement looks at, after reducing epilot's attribute shapes to their natural
 * values: `missing` (undefined or null), one scalar, or a list of scalars (a repeatable
 * attribute). The runtime shape decides which; `attributeRepeatable` is not needed for that.
 */
export type ConditionSubject =
  | { readonly kind: 'missing' }
  | { readonly kind: 'scalar'; readonly value: Scalar }
  | { readonly kind: 'list'; readonly items: readonly Scalar[] };

export const MISSING: ConditionSubject = { kind: 'missing' };

/**
 * Keys that carry the natural value of an object item, in order of preference: email and
 * phone attributes hold `{ email }` / `{ phone }`, relation items `{ entity_id }`, user
 * relations `{ user_id }`, select-like options `{ value }`.
 */
export const NATURAL_VALUE_KEYS = ['email', 'phone', 'entity_id', 'user_id', 'value', '_id', 'id'] as const;

export function toConditionSubject(raw: unknown): ConditionSubject {
  if (raw === undefined || raw === null) return MISSING;
  if (Array.isArray(raw) || isRelation(raw) || isEmptyObject(raw)) {
    return { kind: 'list', items: naturalItems(raw) };
  }
  const [value] = naturalItems(raw);
  return value === undefined ? MISSING : { kind: 'scalar', value };
}

/** Flattens a value into scalars: arrays item by item, a `$relation` into its entity ids. */
function naturalItems(raw: unknown): Scalar[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return [raw];
  if (Array.isArray(raw)) return raw.flatMap(naturalItems);
  if (isPlainObject(raw)) {
    const relation = raw['$relation'];
    if (Array.isArray(relation)) return relation.flatMap(naturalItems);
    if (Object.keys(raw).length === 0) return [];
    for (const key of NATURAL_VALUE_KEYS) {
      if (Object.prototype.hasOwnProperty.call(raw, key)) {
        const value = raw[key];
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [value];
      }
    }
    // no natural key (an address, a payment): compare by its JSON text
    return [stableKey(raw)];
  }
  return [String(raw)];
}

function isRelation(raw: unknown): boolean {
  return isPlainObject(raw) && Array.isArray(raw['$relation']);
}

function isEmptyObject(raw: unknown): boolean {
  return isPlainObject(raw) && Object.keys(raw).length === 0;
}

/** Short text of a subject for reasons: `closed`, `[a, b]`, `missing`. */
export function describeSubject(subject: ConditionSubject): string {
  const text =
    subject.kind === 'missing'
      ? 'missing'
      : subject.kind === 'scalar'
        ? String(subject.value)
        : `[${subject.items.map(String).join(', ')}]`;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
