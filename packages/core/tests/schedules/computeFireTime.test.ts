import fc from 'fast-check';
import type { ActionSchedule } from '../../src/schemas';
import { computeFireTime, type ScheduleBaseContext } from '../../src/schedules';

const at = (iso: string): number => Date.parse(iso);
const TRIGGERED_AT = at('2027-01-10T08:30:00Z');

const context = (extra: Partial<ScheduleBaseContext> = {}): ScheduleBaseContext => ({ triggeredAt: TRIGGERED_AT, actions: {}, ...extra });

/** A schedule relative to the trigger entity's `attribute` (or the trigger time). */
const fromTrigger = (offset: Partial<ActionSchedule>, attribute?: string): ActionSchedule => ({
  id: 's',
  ...offset,
  source: { id: 't', origin: 'trigger', ...(attribute === undefined ? {} : { attribute }) },
});

const fireAt = (schedule: ActionSchedule, ctx: ScheduleBaseContext): string => {
  const result = computeFireTime(schedule, ctx);
  if (!result.ok) throw new Error(`expected a fire time, got: ${result.reason}`);
  return new Date(result.at).toISOString();
};

const reasonOf = (schedule: ActionSchedule, ctx: ScheduleBaseContext): string => {
  const result = computeFireTime(schedule, ctx);
  if (result.ok) throw new Error(`expected no fire time, got ${new Date(result.at).toISOString()}`);
  return result.reason;
};

describe('computeFireTime', () => {
  describe('epilot example', () => {
    it('fires 30 days before a contract end date at 00:00 UTC of that day', () => {
      const schedule: ActionSchedule = {
        id: 's',
        numberOfUnits: 30,
        timePeriod: 'days',
        timeRelation: 'before',
        source: { id: 't', origin: 'trigger', attribute: 'contract_end' },
      };
      expect(computeFireTime(schedule, context({ entity: { contract_end: '2027-03-31' } }))).toEqual({ ok: true, at: at('2027-03-01T00:00:00Z') });
    });
  });

  describe('trigger time as the base', () => {
    it('fires at the trigger time when the schedule has no offset', () => {
      expect(computeFireTime(fromTrigger({}), context())).toEqual({ ok: true, at: TRIGGERED_AT });
    });

    it('adds when timeRelation is absent', () => {
      expect(fireAt(fromTrigger({ numberOfUnits: 3, timePeriod: 'days' }), context())).toBe('2027-01-13T08:30:00.000Z');
    });

    it('ignores the entity when the source names no attribute', () => {
      expect(fireAt(fromTrigger({ numberOfUnits: 1, timePeriod: 'hours' }), context({ entity: { date: '2030-01-01' } }))).toBe('2027-01-10T09:30:00.000Z');
    });
  });

  describe('units', () => {
    it.each([
      ['45 minutes after', { numberOfUnits: 45, timePeriod: 'minutes', timeRelation: 'after' }, '2027-03-31T10:00:00Z', '2027-03-31T10:45:00.000Z'],
      ['90 minutes before', { numberOfUnits: 90, timePeriod: 'minutes', timeRelation: 'before' }, '2027-03-31T10:00:00Z', '2027-03-31T08:30:00.000Z'],
      ['36 hours after', { numberOfUnits: 36, timePeriod: 'hours', timeRelation: 'after' }, '2027-03-31T10:00:00Z', '2027-04-01T22:00:00.000Z'],
      ['1.5 hours after', { numberOfUnits: 1.5, timePeriod: 'hours' }, '2027-03-31T10:00:00Z', '2027-03-31T11:30:00.000Z'],
      ['0.25 minutes after', { numberOfUnits: 0.25, timePeriod: 'minutes' }, '2027-03-31T10:00:00Z', '2027-03-31T10:00:15.000Z'],
      ['3 days after, across the end of a month', { numberOfUnits: 3, timePeriod: 'days' }, '2027-02-27', '2027-03-02T00:00:00.000Z'],
      ['1 day after, across a leap day', { numberOfUnits: 1, timePeriod: 'days' }, '2028-02-28', '2028-02-29T00:00:00.000Z'],
      ['0.5 days before', { numberOfUnits: 0.5, timePeriod: 'days', timeRelation: 'before' }, '2027-03-31', '2027-03-30T12:00:00.000Z'],
      // Berlin moves its clocks on 2027-03-28; a UTC day is still 24 hours
      ['1 day after, across a DST change elsewhere', { numberOfUnits: 1, timePeriod: 'days' }, '2027-03-27T12:00:00+01:00', '2027-03-28T11:00:00.000Z'],
      ['2 weeks after, across a year end', { numberOfUnits: 2, timePeriod: 'weeks' }, '2027-12-25', '2028-01-08T00:00:00.000Z'],
      ['1 week before', { numberOfUnits: 1, timePeriod: 'weeks', timeRelation: 'before' }, '2027-03-03T06:00:00Z', '2027-02-24T06:00:00.000Z'],
      ['1.5 weeks after', { numberOfUnits: 1.5, timePeriod: 'weeks' }, '2027-03-01', '2027-03-11T12:00:00.000Z'],
      ['0 days', { numberOfUnits: 0, timePeriod: 'days', timeRelation: 'before' }, '2027-03-31T10:00:00Z', '2027-03-31T10:00:00.000Z'],
    ] as const)('%s', (_case, offset, base, expected) => {
      expect(fireAt(fromTrigger(offset, 'date'), context({ entity: { date: base } }))).toBe(expected);
    });
  });

  describe('calendar months in UTC', () => {
    it.each([
      ['keeps the day of month', '2027-01-15', 1, 'after', '2027-02-15T00:00:00.000Z'],
      ['clamps Jan 31 + 1 month to Feb 28', '2027-01-31', 1, 'after', '2027-02-28T00:00:00.000Z'],
      ['clamps Jan 31 + 1 month to Feb 29 in a leap year', '2028-01-31', 1, 'after', '2028-02-29T00:00:00.000Z'],
      ['clamps Mar 31 - 1 month to Feb 28', '2027-03-31', 1, 'before', '2027-02-28T00:00:00.000Z'],
      ['clamps Mar 31 - 1 month to Feb 29 in a leap year', '2028-03-31', 1, 'before', '2028-02-29T00:00:00.000Z'],
      ['clamps a leap day + 12 months to Feb 28', '2028-02-29', 12, 'after', '2029-02-28T00:00:00.000Z'],
      ['clamps May 31 + 1 month to June 30', '2027-05-31', 1, 'after', '2027-06-30T00:00:00.000Z'],
      ['crosses a year end forwards', '2027-11-30', 3, 'after', '2028-02-29T00:00:00.000Z'],
      ['crosses a year start backwards', '2027-02-15', 14, 'before', '2025-12-15T00:00:00.000Z'],
      ['keeps the time of day', '2027-01-31T10:15:30.250Z', 1, 'after', '2027-02-28T10:15:30.250Z'],
      ['counts in UTC, not in the offset of the date-time', '2027-01-31T23:30:00-02:00', 1, 'after', '2027-03-01T01:30:00.000Z'],
    ] as const)('%s', (_case, base, numberOfUnits, timeRelation, expected) => {
      expect(fireAt(fromTrigger({ numberOfUnits, timePeriod: 'months', timeRelation }, 'date'), context({ entity: { date: base } }))).toBe(expected);
    });

    it('refuses a fractional number of months', () => {
      expect(reasonOf(fromTrigger({ numberOfUnits: 1.5, timePeriod: 'months' }), context())).toBe('numberOfUnits 1.5 is not a whole number of months');
    });
  });

  describe('reading the attribute', () => {
    it.each([
      ['a date as 00:00 UTC that day', '2027-03-31', '2027-03-31T00:00:00.000Z'],
      ['a date-time with Z as that instant', '2027-03-31T10:20:30Z', '2027-03-31T10:20:30.000Z'],
      ['a date-time with milliseconds', '2027-03-31T10:20:30.123Z', '2027-03-31T10:20:30.123Z'],
      ['a date-time with a positive offset', '2027-03-31T10:00:00+02:00', '2027-03-31T08:00:00.000Z'],
      ['a date-time with a negative offset without colon', '2027-03-31T10:00:00-0530', '2027-03-31T15:30:00.000Z'],
      ['epoch milliseconds', at('2027-03-31T10:00:00Z'), '2027-03-31T10:00:00.000Z'],
    ] as const)('reads %s', (_case, value, expected) => {
      expect(fireAt(fromTrigger({}, 'date'), context({ entity: { date: value } }))).toBe(expected);
    });

    it('follows a dotted path into the entity', () => {
      const entity = { contract: { end_date: '2027-06-30' } };
      expect(fireAt(fromTrigger({ numberOfUnits: 1, timePeriod: 'days' }, 'contract.end_date'), context({ entity }))).toBe('2027-07-01T00:00:00.000Z');
    });

    it('prefers an attribute whose name contains a dot to the path', () => {
      const entity = { 'contract.end_date': '2027-01-01', contract: { end_date: '2027-06-30' } };
      expect(fireAt(fromTrigger({}, 'contract.end_date'), context({ entity }))).toBe('2027-01-01T00:00:00.000Z');
    });

    it.each([
      ['a missing attribute', {}, 'attribute "date" of the trigger entity is missing'],
      ['a null attribute', { date: null }, 'attribute "date" of the trigger entity is missing'],
      ['an empty attribute', { date: '' }, 'attribute "date" of the trigger entity is empty'],
      ['a blank attribute', { date: '  ' }, 'attribute "date" of the trigger entity is empty'],
    ])('refuses %s', (_case, entity, reason) => {
      expect(reasonOf(fromTrigger({ numberOfUnits: 1, timePeriod: 'days' }, 'date'), context({ entity }))).toBe(reason);
    });

    it('refuses a number out of the range of dates', () => {
      expect(reasonOf(fromTrigger({}, 'end'), context({ entity: { end: 1e300 } }))).toBe(
        'attribute "end" of the trigger entity is 1e+300, which is not a time in epoch milliseconds',
      );
    });

    it('refuses when there is no entity', () => {
      expect(reasonOf(fromTrigger({}, 'date'), context())).toBe('attribute "date" of the trigger entity is missing');
    });

    it.each([
      ['a German date', '31.03.2027', '"31.03.2027"'],
      ['a day that does not exist', '2027-02-30', '"2027-02-30"'],
      ['a date-time without offset', '2027-03-31T10:00:00', '"2027-03-31T10:00:00"'],
      ['a month', '2027-03', '"2027-03"'],
      ['digits in a string', '1806400000000', '"1806400000000"'],
      ['a boolean', true, 'true'],
      ['an object', { date: '2027-03-31' }, '{"date":"2027-03-31"}'],
    ])('refuses %s, naming the attribute and the value', (_case, value, shown) => {
      expect(reasonOf(fromTrigger({}, 'end'), context({ entity: { end: value } }))).toBe(
        `attribute "end" of the trigger entity is ${shown}, which is not an ISO 8601 date (YYYY-MM-DD), a date-time with Z or an offset, or epoch milliseconds`,
      );
    });
  });

  describe('an earlier action as the base', () => {
    const fromAction = (offset: Partial<ActionSchedule>, attribute?: string): ActionSchedule => ({
      id: 's',
      ...offset,
      source: { id: 'a1', origin: 'action', ...(attribute === undefined ? {} : { attribute }) },
    });

    it('fires relative to when the action ended when no attribute is named', () => {
      const ctx = context({ actions: { a1: { ended_at: at('2027-03-31T10:00:00Z') } } });
      expect(fireAt(fromAction({ numberOfUnits: 2, timePeriod: 'hours' }), ctx)).toBe('2027-03-31T12:00:00.000Z');
    });

    it('refuses an action that has not ended', () => {
      expect(reasonOf(fromAction({}), context({ actions: { a1: { outputs: {} } } }))).toBe('action "a1" has not ended');
      expect(reasonOf(fromAction({}), context())).toBe('action "a1" has not ended');
    });

    it('reads the attribute from the outputs first', () => {
      const ctx = context({ actions: { a1: { outputs: { due: '2027-04-01', entity: { due: '2027-05-01' } } } } });
      expect(fireAt(fromAction({}, 'due'), ctx)).toBe('2027-04-01T00:00:00.000Z');
    });

    it('reads a path from the outputs', () => {
      const ctx = context({ actions: { a1: { outputs: { response: { body: { due_at: '2027-04-01T09:00:00Z' } } } } } });
      expect(fireAt(fromAction({}, 'response.body.due_at'), ctx)).toBe('2027-04-01T09:00:00.000Z');
    });

    it('reads the attribute from the entity in the outputs when the outputs lack it', () => {
      const ctx = context({ actions: { a1: { outputs: { entity: { contract_end: '2027-05-01' } } } } });
      expect(fireAt(fromAction({ numberOfUnits: 1, timePeriod: 'months', timeRelation: 'before' }, 'contract_end'), ctx)).toBe('2027-04-01T00:00:00.000Z');
    });

    it('refuses an attribute found in neither place, naming the action', () => {
      const ctx = context({ actions: { a1: { outputs: { entity: {} }, ended_at: TRIGGERED_AT } } });
      expect(reasonOf(fromAction({}, 'due'), ctx)).toBe('attribute "due" of the outputs of action "a1" is missing');
    });

    it('refuses an unreadable attribute in the outputs, naming the value', () => {
      const ctx = context({ actions: { a1: { outputs: { due: 'tomorrow' } } } });
      expect(reasonOf(fromAction({}, 'due'), ctx)).toMatch(/^attribute "due" of the outputs of action "a1" is "tomorrow", which is not/);
    });

    it('refuses an attribute of an action that has not run', () => {
      expect(reasonOf(fromAction({}, 'due'), context())).toBe('action "a1" has not run');
    });

    it('does not read inherited members as actions', () => {
      const schedule: ActionSchedule = { id: 's', source: { id: 'toString', origin: 'action' } };
      expect(reasonOf(schedule, context())).toBe('action "toString" has not ended');
    });
  });

  describe('origins autoflow does not support', () => {
    it.each(['action_task', 'automation'] as const)('refuses origin %s loudly', (origin) => {
      const schedule: ActionSchedule = { id: 's', numberOfUnits: 1, timePeriod: 'days', source: { id: 'x', origin } };
      expect(reasonOf(schedule, context())).toBe(`source origin "${origin}" is not supported by autoflow`);
    });
  });

  describe('offsets the schema would refuse', () => {
    it('refuses numberOfUnits without timePeriod', () => {
      expect(reasonOf(fromTrigger({ numberOfUnits: 2 }), context())).toBe('numberOfUnits is set but timePeriod is not');
    });

    it('refuses a fire time outside the range of dates', () => {
      expect(reasonOf(fromTrigger({ numberOfUnits: 1e9, timePeriod: 'weeks' }), context())).toBe('the fire time is out of the range of dates');
    });
  });

  describe('properties', () => {
    const timeOfDay = (t: number): number => ((t % 86_400_000) + 86_400_000) % 86_400_000;
    // 1900-01-01 to 2200-01-01
    const instant = fc.integer({ min: -2_208_988_800_000, max: 7_258_118_400_000 });

    it('undoes "after N" with "before N" for minutes, hours, days and weeks', () => {
      fc.assert(
        fc.property(
          instant,
          fc.constantFrom(...(['minutes', 'hours', 'days', 'weeks'] as const)),
          fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 5000, noNaN: true })),
          (base, timePeriod, numberOfUnits) => {
            const later = computeFireTime(fromTrigger({ numberOfUnits, timePeriod, timeRelation: 'after' }), context({ triggeredAt: base }));
            if (!later.ok) return false;
            const back = computeFireTime(fromTrigger({ numberOfUnits, timePeriod, timeRelation: 'before' }), context({ triggeredAt: later.at }));
            return back.ok && back.at === base;
          },
        ),
      );
    });

    it('lands on the same day of month, or the last day of a shorter month, keeping the time of day', () => {
      fc.assert(
        fc.property(instant, fc.integer({ min: 0, max: 240 }), fc.constantFrom(...(['after', 'before'] as const)), (base, numberOfUnits, timeRelation) => {
          const result = computeFireTime(fromTrigger({ numberOfUnits, timePeriod: 'months', timeRelation }), context({ triggeredAt: base }));
          if (!result.ok) return false;
          const from = new Date(base);
          const to = new Date(result.at);
          const months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
          const lastDay = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() + 1, 0)).getUTCDate();
          return (
            months === (timeRelation === 'after' ? numberOfUnits : -numberOfUnits) &&
            to.getUTCDate() === Math.min(from.getUTCDate(), lastDay) &&
            timeOfDay(base) === timeOfDay(result.at)
          );
        }),
      );
    });
  });
});
