import { DateTime, FixedOffsetZone, Info } from 'luxon';
import { clockMinutes, type SendWindow } from '../schemas/SendWindow';
import { isWindowOpen } from './isWindowOpen';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Offsets are sampled this far apart; no zone changes its offset twice within it. */
const SAMPLE_MS = 6 * HOUR_MS;
/** Searched at a time; a window that opens on any day of the week opens within 8 days. */
const SPAN_MS = 8 * DAY_MS;
/** A window that has not opened within about a year never will (e.g. no day listed). */
const MAX_SPANS = 46;

/**
 * `now` when the send window is open at `now` in `zone`, else the first whole minute after
 * `now` at which it is open.
 *
 * The window opens either when the wall clock reaches `start` on an opening day or when a
 * daylight-saving change moves the clock into the window (on 2027-03-28 in Europe/Berlin a
 * 02:30 start opens at 03:00, as 02:00–02:59 does not exist). So only those instants are
 * candidates: `start` on each nearby local date at each offset the zone uses, and each offset
 * change. The earliest candidate at which `isWindowOpen` holds is the answer; luxon does every
 * conversion between wall clock and instant.
 */
export function nextWindowTime(window: SendWindow, zone: string, now: number): number {
  if (isWindowOpen(window, zone, now)) return now;
  let from = now;
  for (let span = 0; span < MAX_SPANS; span++) {
    const to = from + SPAN_MS;
    // Closed at `from` and no opening up to `to`: closed throughout, so the next span starts there.
    const opening = firstOpening(window, zone, from, to);
    if (opening !== undefined) return opening;
    from = to;
  }
  throw new RangeError(`the send window ${window.start}–${window.end} never opens in zone ${JSON.stringify(zone)}`);
}

/** The first instant in (from, to] at which the window, closed at `from`, is open. */
function firstOpening(window: SendWindow, zone: string, from: number, to: number): number | undefined {
  const tz = Info.normalizeZone(zone);
  const offsetAt = (at: number): number => tz.offset(at);
  const candidates: number[] = [];
  const offsets = new Set<number>();

  // Offset changes, found by sampling and then to the minute.
  let sample = Math.floor(from / MINUTE_MS) * MINUTE_MS;
  let sampleOffset = offsetAt(sample);
  offsets.add(sampleOffset);
  while (sample < to) {
    const next = sample + SAMPLE_MS;
    const nextOffset = offsetAt(next);
    if (nextOffset !== sampleOffset) {
      let lo = sample;
      let hi = next;
      while (hi - lo > MINUTE_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
        if (offsetAt(mid) === sampleOffset) lo = mid;
        else hi = mid;
      }
      candidates.push(hi);
      offsets.add(offsetAt(hi));
    }
    offsets.add(nextOffset);
    sample = next;
    sampleOffset = nextOffset;
  }

  // `start` on each local date around the span, read at each offset in use.
  const start = clockMinutes(window.start);
  const firstDate = DateTime.fromMillis(from, { zone }).startOf('day');
  const lastDate = DateTime.fromMillis(to, { zone }).startOf('day');
  const days = Math.round(lastDate.diff(firstDate, 'days').days) + 2;
  for (let i = -1; i <= days; i++) {
    const date = firstDate.plus({ days: i });
    for (const offset of offsets) {
      const at = DateTime.fromObject(
        { year: date.year, month: date.month, day: date.day, hour: Math.floor(start / 60), minute: start % 60 },
        { zone: FixedOffsetZone.instance(offset) },
      ).toMillis();
      candidates.push(at);
    }
  }

  let best: number | undefined;
  for (const at of candidates) {
    if (at <= from || at > to || (best !== undefined && at >= best)) continue;
    if (isWindowOpen(window, zone, at)) best = at;
  }
  return best;
}
