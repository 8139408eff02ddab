/**
 * Helpers for JSON-like data. Mapping output is written to another entity, so it must never
 * share object identity with its inputs (a later write would otherwise mutate the trigger
 * entity) and must never assign prototype-bearing keys.
 */

/** Keys that would reach Object.prototype when assigned on a plain object. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A plain object's own value for a key; inherited members (`toString`) are not values. */
export function ownValue(record: Readonly<Record<string, unknown>> | undefined, key: string): unknown {
  return record !== undefined && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** Deep copy of arrays and plain objects; other values (primitives, dates) are returned as is. */
export function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneData(item)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') continue;
      out[key] = cloneData(item);
    }
    return out as T;
  }
  return value;
}

/**
 * Deep merge of plain objects. Where both sides hold a non-object value, `preferIncoming`
 * decides who wins; arrays are values, not merged item by item.
 */
export function deepMerge(base: unknown, incoming: unknown, preferIncoming: boolean): unknown {
  if (isPlainObject(base) && isPlainObject(incoming)) {
    const out: Record<string, unknown> = cloneData(base);
    for (const [key, value] of Object.entries(incoming)) {
      if (key === '__proto__') continue;
      out[key] = Object.prototype.hasOwnProperty.call(out, key)
        ? deepMerge(out[key], value, preferIncoming)
        : cloneData(value);
    }
    return out;
  }
  if (base === undefined || base === null) return cloneData(incoming);
  if (incoming === undefined || incoming === null) return cloneData(base);
  return cloneData(preferIncoming ? incoming : base);
}

/** Key-order-independent identity of a JSON-like value, used for de-duplication. */
export function stableKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableKey).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableKey(value[key])}`).join(',')}}`;
  }
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return `${value.toString()}n`;
  return JSON.stringify(value) ?? String(value);
}
