import { parseIsoInstant } from '../conditions/parseIsoInstant';

const FIXED_OFFSET = /^[+-]\d{2}(?::?\d{2})?$/;
const TRAILING_OFFSET = /(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$/;

/** A range's `time_zone`: `UTC`, `Z`, a UTC offset (`+01:00`) or an IANA zone (`Europe/Berlin`). */
export function isTimeZone(zone: string): boolean {
  return isUtc(zone) || FIXED_OFFSET.test(zone) || formatterFor(zone) !== undefined;
}

/**
 * Reads a range bound as an instant (epoch ms). As in Elasticsearch, `timeZone` applies only to
 * bounds written without an offset: `2026-01-01` in `Europe/Berlin` is 2025-12-31T23:00:00Z.
 * Undefined when the text is not ISO 8601 or the zone is unknown.
 */
export function parseZonedInstant(text: string, timeZone?: string): number | undefined {
  const wall = parseIsoInstant(text);
  if (wall === undefined || timeZone === undefined || isUtc(timeZone) || hasOffset(text)) return wall;
  if (FIXED_OFFSET.test(timeZone)) return parseIsoInstant(`${text.trim()}${timeZone}`);
  // looked up twice because the zone's offset may change between the wall time and the instant (DST)
  const first = offsetAt(timeZone, wall);
  const second = first === undefined ? undefined : offsetAt(timeZone, wall - first);
  return second === undefined ? undefined : wall - second;
}

function isUtc(zone: string): boolean {
  return zone === 'UTC' || zone === 'Z';
}

function hasOffset(text: string): boolean {
  // the first ten characters are the date, whose dashes would otherwise read as an offset
  return TRAILING_OFFSET.test(text.trim().slice(10));
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(timeZone: string, instant: number): number | undefined {
  const formatter = formatterFor(timeZone);
  if (formatter === undefined) return undefined;
  const parts = formatter.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return local - Math.floor(instant / 1000) * 1000;
}

// Building a formatter is costly and bounds are read once per entity; only real zones are kept,
// so the cache is bounded by the IANA database however many unknown names arrive.
const formatters = new Map<string, Intl.DateTimeFormat>();
const FIELDS = { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' } as const;

function formatterFor(timeZone: string): Intl.DateTimeFormat | undefined {
  let formatter = formatters.get(timeZone);
  if (formatter !== undefined) return formatter;
  try {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', ...FIELDS });
  } catch {
    return undefined;
  }
  formatters.set(timeZone, formatter);
  return formatter;
}
