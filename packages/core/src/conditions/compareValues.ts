import { parseIsoInstant, utcDayOf } from './parseIsoInstant';
import type { Scalar } from './toConditionSubject';

/** How two values are compared, chosen from the statement's `attributeType`. */
export const VALUE_KINDS = ['number', 'date', 'datetime', 'boolean', 'string'] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

export function valueKindOf(attributeType: string | undefined, actual: Scalar): ValueKind {
  switch (attributeType) {
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'boolean':
      return 'boolean';
    case undefined:
      // without a declared type the stored JSON type is the best hint
      if (typeof actual === 'number') return 'number';
      if (typeof actual === 'boolean') return 'boolean';
      return 'string';
    default:
      return 'string';
  }
}

// Decimal notation only: Number('0x10') or Number('') would otherwise turn text into numbers.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function toNumber(value: Scalar): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value.trim());
  return undefined;
}

function toBoolean(value: Scalar): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return undefined;
}

function toInstant(value: Scalar, kind: 'date' | 'datetime'): number | undefined {
  if (typeof value !== 'string') return undefined;
  const instant = parseIsoInstant(value);
  if (instant === undefined) return undefined;
  return kind === 'date' ? utcDayOf(instant) : instant;
}

/**
 * Equality by kind; when either side cannot be read as that kind (a number attribute holding
 * "n/a") the texts are compared exactly, so a literal value can still be matched.
 */
export function valuesEqual(actual: Scalar, expected: string, kind: ValueKind): boolean {
  switch (kind) {
    case 'number': {
      const a = toNumber(actual);
      const e = toNumber(expected);
      if (a !== undefined && e !== undefined) return a === e;
      break;
    }
    case 'boolean': {
      const a = toBoolean(actual);
      const e = toBoolean(expected);
      if (a !== undefined && e !== undefined) return a === e;
      break;
    }
    case 'date':
    case 'datetime': {
      const a = toInstant(actual, kind);
      const e = toInstant(expected, kind);
      if (a !== undefined && e !== undefined) return a === e;
      break;
    }
    case 'string':
      break;
  }
  return String(actual) === expected;
}

/**
 * Ordering: negative, zero or positive like a comparator, or undefined when the two values
 * have no order. Numbers compare numerically, dates by UTC day, date-times as instants.
 * Untyped (or text-typed) values are ordered as numbers when both sides are numeric, else as
 * instants when both are ISO dates, else not at all — never lexicographically, because text
 * order ("10" < "9") is almost never what a flow author means.
 */
export function compareOrder(actual: Scalar, expected: string, kind: ValueKind): number | undefined {
  switch (kind) {
    case 'number':
      return difference(toNumber(actual), toNumber(expected));
    case 'date':
    case 'datetime':
      return difference(toInstant(actual, kind), toInstant(expected, kind));
    case 'boolean':
      return undefined;
    case 'string':
      return difference(toNumber(actual), toNumber(expected)) ?? difference(toInstant(actual, 'datetime'), toInstant(expected, 'datetime'));
  }
}

function difference(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a - b;
}
