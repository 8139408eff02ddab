import { z } from 'zod';
import { isRecord } from './JsonObject';
import { REFINE_EVEN_IF_INVALID } from './ValidationProblem';

/** Days of the week as a send window names them, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const WeekdaySchema = z.enum(WEEKDAYS);

/** The zone a send window falls back to when it names none. */
export const DEFAULT_WINDOW_TIME_ZONE = 'UTC';

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** True when the runtime knows `zone` as a time zone (IANA names such as `Europe/Berlin`, and `UTC`). */
export function isValidTimeZone(zone: string): boolean {
  if (zone === '') return false;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes after midnight of a `HH:MM` clock time. */
export function clockMinutes(time: string): number {
  const [hours = '0', minutes = '0'] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}

const ClockTimeSchema = z.string().regex(CLOCK_TIME, { message: 'must be a time of day HH:MM between 00:00 and 23:59' });

export const SendWindowSchema = z
  .strictObject({
    days: z
      .array(WeekdaySchema)
      .min(1)
      .optional()
      .describe('Days on which the window opens; every day when absent. For a window that runs over midnight, the day it opens.'),
    start: ClockTimeSchema.describe('Local time the window opens, HH:MM.'),
    end: ClockTimeSchema.describe('Local time the window closes, HH:MM, exclusive. Earlier than start: the window runs over midnight (22:00–06:00).'),
    time_zone: z
      .string()
      .refine(isValidTimeZone, { message: 'is not a known IANA time zone, e.g. Europe/Berlin or UTC' })
      .optional()
      .describe('IANA time zone of start and end, e.g. Europe/Berlin; UTC when absent.'),
    time_zone_attribute: z
      .string()
      .min(1)
      .optional()
      .describe("Entity attribute holding the recipient's IANA time zone; when it is missing or not a known zone, time_zone is used."),
  })
  .superRefine((window, ctx) => {
    if (!isRecord(window)) return;
    if (typeof window.start === 'string' && window.start === window.end) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'must differ from start' });
    }
    if (Array.isArray(window.days)) {
      window.days.forEach((day, i) => {
        if (window.days?.indexOf(day) !== i) ctx.addIssue({ code: 'custom', path: ['days', i], message: `repeats ${JSON.stringify(day)}` });
      });
    }
  }, REFINE_EVEN_IF_INVALID)
  .meta({
    id: 'SendWindow',
    description:
      'autoflow extension: local hours in which the action may run. When its turn comes outside the window, the action waits for the window to open.',
  });

export type SendWindow = z.output<typeof SendWindowSchema>;
