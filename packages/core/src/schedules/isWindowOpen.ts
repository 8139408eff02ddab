import { DateTime } from 'luxon';
import { clockMinutes, type SendWindow, WEEKDAYS, type Weekday } from '../schemas/SendWindow';

/**
 * Whether the send window is open at the instant `at`, read on the wall clock of `zone` (an
 * IANA name, see `resolveWindowZone`). `end` is exclusive. A window whose end is before its
 * start runs over midnight and belongs to the day it opens: a Friday 22:00–06:00 window is
 * open on Saturday at 05:59.
 */
export function isWindowOpen(window: SendWindow, zone: string, at: number): boolean {
  const local = DateTime.fromMillis(at, { zone });
  if (!local.isValid) throw new RangeError(`cannot read the time in zone ${JSON.stringify(zone)}: ${local.invalidExplanation ?? local.invalidReason}`);
  const minute = local.hour * 60 + local.minute;
  const start = clockMinutes(window.start);
  const end = clockMinutes(window.end);
  // luxon numbers weekdays 1 (Monday) to 7 (Sunday), the order of WEEKDAYS
  const today = WEEKDAYS[local.weekday - 1] as Weekday;
  const yesterday = WEEKDAYS[(local.weekday + 5) % 7] as Weekday;
  const opensOn = (day: Weekday): boolean => window.days === undefined || window.days.includes(day);
  if (start < end) return opensOn(today) && minute >= start && minute < end;
  return (opensOn(today) && minute >= start) || (opensOn(yesterday) && minute < end);
}
