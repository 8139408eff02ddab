import { parseIsoInstant } from '../conditions/parseIsoInstant';

export const DEFAULT_DATE_FORMAT = 'YYYY-MM-DD';

// Longest tokens first so `YYYY` is not read as two `YY`; `[text]` is literal, as in moment.
const TOKENS = /\[([^\]]*)\]|YYYY|YY|MM|M|DD|D|HH|H|mm|ss|SSS/g;

/**
 * Formats an ISO date or date-time string in UTC with moment-style tokens (YYYY YY MM M DD D
 * HH H mm ss SSS, `[literal]`). It never reads the clock: there is no "now", a flow passes
 * the instant in its data. Returns '' for anything that is not an ISO date, so a missing
 * value renders as nothing instead of "Invalid date".
 */
export function formatIsoDate(value: unknown, format: string = DEFAULT_DATE_FORMAT): string {
  if (typeof value !== 'string') return '';
  const instant = parseIsoInstant(value);
  if (instant === undefined) return '';
  const date = new Date(instant);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const parts: Record<string, string> = {
    YYYY: pad(date.getUTCFullYear(), 4),
    YY: pad(date.getUTCFullYear() % 100),
    MM: pad(date.getUTCMonth() + 1),
    M: String(date.getUTCMonth() + 1),
    DD: pad(date.getUTCDate()),
    D: String(date.getUTCDate()),
    HH: pad(date.getUTCHours()),
    H: String(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
    SSS: pad(date.getUTCMilliseconds(), 3),
  };
  return format.replace(TOKENS, (token: string, literal: string | undefined) => literal ?? parts[token] ?? token);
}
