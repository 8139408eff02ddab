import fc from 'fast-check';
import { type SendWindow, WEEKDAYS } from '../../src/schemas';
import { isWindowOpen, nextWindowTime } from '../../src/schedules';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const MINUTE_MS = 60_000;

const OFFICE: SendWindow = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' };

// 2027-03-22 is a Monday; Berlin moves to summer time on Sunday 2027-03-28 and back on 2027-10-31.
describe('nextWindowTime', () => {
  it.each([
    ['now, when the window is open', OFFICE, 'UTC', '2027-03-22T10:00:30.500Z', '2027-03-22T10:00:30.500Z'],
    ['the start later the same day', OFFICE, 'UTC', '2027-03-22T07:15:20Z', '2027-03-22T09:00:00.000Z'],
    ['the next whole minute when the window opens within it', OFFICE, 'UTC', '2027-03-22T08:59:59.999Z', '2027-03-22T09:00:00.000Z'],
    ['the start the next day when the window has closed', OFFICE, 'UTC', '2027-03-22T17:00:00Z', '2027-03-23T09:00:00.000Z'],
    ['Monday after a weekend', OFFICE, 'UTC', '2027-03-26T18:00:00Z', '2027-03-29T09:00:00.000Z'],
    ['the next listed day a week later', { days: ['mon'], start: '09:00', end: '10:00' }, 'UTC', '2027-03-22T10:00:00Z', '2027-03-29T09:00:00.000Z'],
    ['the start of a window over midnight', { days: ['fri'], start: '22:00', end: '06:00' }, 'UTC', '2027-03-27T07:00:00Z', '2027-04-02T22:00:00.000Z'],
    ['now, in the morning part of a window over midnight', { days: ['fri'], start: '22:00', end: '06:00' }, 'UTC', '2027-03-27T03:00:00Z', '2027-03-27T03:00:00.000Z'],
    ['the start in the zone, in winter', OFFICE, 'Europe/Berlin', '2027-03-22T06:00:00Z', '2027-03-22T08:00:00.000Z'],
    ['the start in the zone, in summer', OFFICE, 'Europe/Berlin', '2027-07-01T05:00:00Z', '2027-07-01T07:00:00.000Z'],
    ['03:00 for a 02:30 start on the day 02:00–02:59 does not exist', { start: '02:30', end: '05:00' }, 'Europe/Berlin', '2027-03-27T23:00:00Z', '2027-03-28T01:00:00.000Z'],
    ['the next day for a window that lies wholly in the skipped hour', { start: '02:00', end: '02:30' }, 'Europe/Berlin', '2027-03-28T00:30:00Z', '2027-03-29T00:00:00.000Z'],
    ['the second 02:00 of the day the clocks go back', { start: '02:00', end: '02:30' }, 'Europe/Berlin', '2027-10-31T00:45:00Z', '2027-10-31T01:00:00.000Z'],
    ['the start by the winter clock on the day the clocks go back', { start: '09:00', end: '10:00' }, 'Europe/Berlin', '2027-10-31T00:00:00Z', '2027-10-31T08:00:00.000Z'],
    ['the start by the zone\'s day of the week', { days: ['mon'], start: '08:00', end: '09:00' }, 'Pacific/Auckland', '2027-03-21T12:00:00Z', '2027-03-21T19:00:00.000Z'],
    ['a half-hour zone\'s start', { start: '09:00', end: '17:00' }, 'Asia/Kolkata', '2027-03-22T00:00:00Z', '2027-03-22T03:30:00.000Z'],
  ] as const)('returns %s', (_case, window, zone, now, expected) => {
    expect(iso(nextWindowTime(window as SendWindow, zone, at(now)))).toBe(expected);
  });

  it('throws for a window that never opens, rather than loop', () => {
    expect(() => nextWindowTime({ days: [], start: '09:00', end: '10:00' }, 'UTC', 0)).toThrow(RangeError);
  });

  describe('properties', () => {
    const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Auckland'];
    // instants near the clock changes of these zones, where mistakes would show
    const TRANSITIONS = [
      '2027-03-14T07:00:00Z', // New York forward
      '2027-03-28T01:00:00Z', // Berlin forward
      '2027-04-03T15:00:00Z', // Lord Howe back by 30 minutes
      '2027-10-31T01:00:00Z', // Berlin back
      '2027-11-07T06:00:00Z', // New York back
      '2027-09-25T14:00:00Z', // Auckland forward
    ].map(at);

    const clock = fc
      .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const window: fc.Arbitrary<SendWindow> = fc
      .record({
        days: fc.option(fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 7 }), { nil: undefined }),
        start: clock,
        end: clock,
      })
      .filter((w) => w.start !== w.end)
      .map(({ days, ...rest }) => (days === undefined ? rest : { days, ...rest }));
    const now = fc.oneof(
      fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2029-01-01T00:00:00Z') }),
      fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 })).map(([t, d]) => t + d),
    );

    it('returns now or a later whole minute at which the window is open, with no open whole minute in between', () => {
      fc.assert(
        fc.property(window, fc.constantFrom(...ZONES), now, (w, zone, t) => {
          const result = nextWindowTime(w, zone, t);
          if (result < t || !isWindowOpen(w, zone, result)) return false;
          if (result === t) return true;
          if (result % MINUTE_MS !== 0) return false;
          for (let minute = Math.floor(t / MINUTE_MS) * MINUTE_MS + MINUTE_MS; minute < result; minute += MINUTE_MS) {
            if (isWindowOpen(w, zone, minute)) return false;
          }
          return true;
        }),
        { numRuns: 150 },
      );
    });

    it('returns its argument when given its own result', () => {
      fc.assert(
        fc.property(window, fc.constantFrom(...ZONES), now, (w, zone, t) => {
          const result = nextWindowTime(w, zone, t);
          return nextWindowTime(w, zone, result) === result;
        }),
      );
    });
  });
});
