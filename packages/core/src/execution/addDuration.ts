import { parse as parseDuration } from 'iso8601-duration';

/**
 * `from` plus an ISO 8601 duration: years and months in calendar months of UTC (the day clamped
 * to the end of a shorter month, as schedules do), weeks and days as calendar days in UTC, the
 * time part exactly.
 */
export function addDuration(from: number, duration: string): number {
  const d = parseDuration(duration);
  const start = new Date(from);
  const months = (d.years ?? 0) * 12 + (d.months ?? 0);
  let at = from;
  if (months !== 0) {
    const y = start.getUTCFullYear();
    const m = start.getUTCMonth() + Math.trunc(months);
    const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    at = Date.UTC(y, m, Math.min(start.getUTCDate(), lastDay), start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds());
  }
  const days = (d.weeks ?? 0) * 7 + (d.days ?? 0);
  return at + days * 86_400_000 + (d.hours ?? 0) * 3_600_000 + (d.minutes ?? 0) * 60_000 + Math.round((d.seconds ?? 0) * 1000);
}
