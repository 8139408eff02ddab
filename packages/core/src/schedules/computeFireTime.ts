import { parseIsoInstant } from '../conditions/parseIsoInstant';
import type { ReadPathResult } from '../mapping/readPath';
import type { ActionSchedule, ActionScheduleSource } from '../schemas/ActionSchedule';
import { readAttribute } from './readAttribute';

/** What a schedule's reference time can be read from. */
export interface ScheduleBaseContext {
  /** trigger time, epoch ms */
  triggeredAt: number;
  /** the trigger entity (freshest copy the caller has) */
  entity?: Record<string, unknown>;
  /** earlier actions by id: their outputs and when they ended (epoch ms) */
  actions: Record<string, { outputs?: Record<string, unknown>; ended_at?: number }>;
}

export type FireTimeResult = { readonly ok: true; readonly at: number } | { readonly ok: false; readonly reason: string };

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Largest distance from the epoch a JavaScript Date can hold. */
const MAX_TIME_MS = 8.64e15;

type TimePeriod = NonNullable<ActionSchedule['timePeriod']>;

const FIXED_UNIT_MS: Readonly<Record<Exclude<TimePeriod, 'months'>, number>> = {
  minutes: MINUTE_MS,
  hours: HOUR_MS,
  // UTC has no daylight saving, so a calendar day in UTC is always 24 hours
  days: DAY_MS,
  weeks: 7 * DAY_MS,
};

/**
 * When a schedule fires: its reference time (trigger time, an entity date, an earlier action's
 * end or output) moved by `numberOfUnits` × `timePeriod`, before or after. Calendar units are
 * counted in UTC; a month keeps the day of month, clamped to the target month's last day.
 *
 * Whether the time is already past is for the caller to judge. A reference that cannot be read
 * is refused with a reason rather than replaced by a guess, so a reminder never fires at the
 * wrong time silently.
 */
export function computeFireTime(schedule: ActionSchedule, ctx: ScheduleBaseContext): FireTimeResult {
  const base = resolveBase(schedule.source, ctx);
  if (!base.ok) return base;
  return shift(base.at, schedule);
}

function resolveBase(source: ActionScheduleSource, ctx: ScheduleBaseContext): FireTimeResult {
  const attribute = source.attribute === '' ? undefined : source.attribute;
  switch (source.origin) {
    case 'trigger':
      if (attribute === undefined) return { ok: true, at: ctx.triggeredAt };
      return readInstant(readAttribute(ctx.entity, attribute), `attribute ${JSON.stringify(attribute)} of the trigger entity`);
    case 'action': {
      const action = Object.hasOwn(ctx.actions, source.id) ? ctx.actions[source.id] : undefined;
      const name = JSON.stringify(source.id);
      if (attribute === undefined) {
        if (action?.ended_at === undefined) return { ok: false, reason: `action ${name} has not ended` };
        return { ok: true, at: action.ended_at };
      }
      if (action === undefined) return { ok: false, reason: `action ${name} has not run` };
      const fromOutputs = readAttribute(action.outputs, attribute);
      const value = fromOutputs.found && fromOutputs.value !== undefined && fromOutputs.value !== null ? fromOutputs : readAttribute(action.outputs?.entity, attribute);
      return readInstant(value, `attribute ${JSON.stringify(attribute)} of the outputs of action ${name}`);
    }
    default:
      return { ok: false, reason: `source origin ${JSON.stringify(source.origin)} is not supported by autoflow` };
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// a date-time names its offset; without one, the instant would depend on a zone nobody stated
const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?\s*(?:Z|z|[+-]\d{2}(?::?\d{2})?)$/;

function readInstant(found: ReadPathResult, what: string): FireTimeResult {
  if (!found.found || found.value === undefined || found.value === null) return { ok: false, reason: `${what} is missing` };
  const value = found.value;
  if (typeof value === 'number') {
    if (Number.isFinite(value) && Math.abs(value) <= MAX_TIME_MS) return { ok: true, at: value };
    return { ok: false, reason: `${what} is ${String(value)}, which is not a time in epoch milliseconds` };
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return { ok: false, reason: `${what} is empty` };
    const at = DATE_ONLY.test(text) || DATE_TIME_WITH_OFFSET.test(text) ? parseIsoInstant(text) : undefined;
    if (at !== undefined && Math.abs(at) <= MAX_TIME_MS) return { ok: true, at };
  }
  return {
    ok: false,
    reason: `${what} is ${show(value)}, which is not an ISO 8601 date (YYYY-MM-DD), a date-time with Z or an offset, or epoch milliseconds`,
  };
}

function shift(base: number, schedule: ActionSchedule): FireTimeResult {
  const units = schedule.numberOfUnits ?? 0;
  const sign = schedule.timeRelation === 'before' ? -1 : 1;
  const period = schedule.timePeriod;
  if (units === 0) return { ok: true, at: base };
  if (!Number.isFinite(units)) return { ok: false, reason: `numberOfUnits ${String(units)} is not a number` };
  if (period === undefined) return { ok: false, reason: 'numberOfUnits is set but timePeriod is not' };
  let at: number;
  if (period === 'months') {
    if (!Number.isInteger(units)) return { ok: false, reason: `numberOfUnits ${units} is not a whole number of months` };
    at = addUtcMonths(base, sign * units);
  } else {
    // rounded before the sign, so that "after" and "before" by the same amount undo each other
    at = base + sign * Math.round(units * FIXED_UNIT_MS[period]);
  }
  if (!Number.isFinite(at) || Math.abs(at) > MAX_TIME_MS) return { ok: false, reason: 'the fire time is out of the range of dates' };
  return { ok: true, at };
}

/** `months` calendar months later (earlier when negative) in UTC, same time of day, day clamped to the month's end. */
function addUtcMonths(instant: number, months: number): number {
  const date = new Date(instant);
  const monthIndex = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const day = Math.min(date.getUTCDate(), daysInUtcMonth(year, month));
  const target = new Date(instant);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999
  target.setUTCFullYear(year, month, day);
  return target.getTime();
}

function daysInUtcMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month + 1, 0);
  return date.getUTCDate();
}

function show(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
