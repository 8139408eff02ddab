/**
 * Parses an ISO-8601 date (`2024-05-01`) or date-time (`2024-05-01T10:00:00.000+02:00`)
 * into epoch milliseconds. A date-time without an offset is read as UTC, so the result never
 * depends on the host's time zone (Date.parse would read it as local time). Returns undefined
 * for anything else, including impossible dates like `2024-02-30`.
 */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export function parseIsoInstant(text: string): number | undefined {
  const match = ISO_INSTANT.exec(text.trim());
  if (match === null) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '0', offset] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Math.floor(Number(`0.${fraction}`) * 1000);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  // 2024-02-30 rolls over to March; a different day back means the date does not exist
  if (date.getUTCDate() !== d) return undefined;
  return date.getTime() - offsetMinutes(offset) * 60_000;
}

function offsetMinutes(offset: string | undefined): number {
  if (offset === undefined || offset === 'Z' || offset === 'z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

const DAY_MS = 86_400_000;

/** The UTC calendar day of an instant, for `date` attributes compared by day. */
export function utcDayOf(instant: number): number {
  return Math.floor(instant / DAY_MS);
}
