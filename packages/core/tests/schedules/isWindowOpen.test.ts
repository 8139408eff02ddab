import type { SendWindow } from '../../src/schemas';
import { isWindowOpen } from '../../src/schedules';

const at = (iso: string): number => Date.parse(iso);

// 2027-03-22 is a Monday; Berlin moves to summer time on Sunday 2027-03-28 and back on 2027-10-31.
describe('isWindowOpen', () => {
  it.each([
    ['opens at start', { start: '09:00', end: '17:00' }, 'UTC', '2027-03-22T09:00:00Z', true],
    ['is closed the moment before start', { start: '09:00', end: '17:00' }, 'UTC', '2027-03-22T08:59:59.999Z', false],
    ['is open in the last minute', { start: '09:00', end: '17:00' }, 'UTC', '2027-03-22T16:59:59Z', true],
    ['is closed at end, which is exclusive', { start: '09:00', end: '17:00' }, 'UTC', '2027-03-22T17:00:00Z', false],
    ['is closed on a day not listed', { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }, 'UTC', '2027-03-27T10:00:00Z', false],
    ['is open on a day listed', { days: ['sat'], start: '09:00', end: '17:00' }, 'UTC', '2027-03-27T10:00:00Z', true],
    ['over midnight: opens on the listed day', { days: ['fri'], start: '22:00', end: '06:00' }, 'UTC', '2027-03-26T22:00:00Z', true],
    ['over midnight: closed before start', { days: ['fri'], start: '22:00', end: '06:00' }, 'UTC', '2027-03-26T21:59:00Z', false],
    ['over midnight: still open the next morning', { days: ['fri'], start: '22:00', end: '06:00' }, 'UTC', '2027-03-27T05:59:00Z', true],
    ['over midnight: closed at end the next morning', { days: ['fri'], start: '22:00', end: '06:00' }, 'UTC', '2027-03-27T06:00:00Z', false],
    ['over midnight: the next evening is not a listed day', { days: ['fri'], start: '22:00', end: '06:00' }, 'UTC', '2027-03-27T22:30:00Z', false],
    ['over midnight: the morning of the listed day belongs to the day before', { days: ['fri'], start: '22:00', end: '06:00' }, 'UTC', '2027-03-26T05:00:00Z', false],
    ['an end of 00:00 closes at midnight', { days: ['mon'], start: '22:00', end: '00:00' }, 'UTC', '2027-03-22T23:59:00Z', true],
    ['an end of 00:00 is closed after midnight', { days: ['mon'], start: '22:00', end: '00:00' }, 'UTC', '2027-03-23T00:00:00Z', false],
    ['reads the wall clock of the zone in winter', { start: '09:00', end: '17:00' }, 'Europe/Berlin', '2027-03-22T08:00:00Z', true],
    ['is closed by the zone\'s clock in winter', { start: '09:00', end: '17:00' }, 'Europe/Berlin', '2027-03-22T07:59:00Z', false],
    ['reads the wall clock of the zone in summer', { start: '09:00', end: '17:00' }, 'Europe/Berlin', '2027-07-01T07:00:00Z', true],
    ['is closed by the zone\'s clock in summer', { start: '09:00', end: '17:00' }, 'Europe/Berlin', '2027-07-01T15:00:00Z', false],
    ['opens at 03:00 when 02:30 does not exist', { start: '02:30', end: '05:00' }, 'Europe/Berlin', '2027-03-28T01:00:00Z', true],
    ['is closed just before the clocks go forward', { start: '02:30', end: '05:00' }, 'Europe/Berlin', '2027-03-28T00:59:00Z', false],
    ['is open in the repeated hour the second time', { start: '02:00', end: '02:30' }, 'Europe/Berlin', '2027-10-31T01:10:00Z', true],
    ['takes the day of the week from the zone', { days: ['mon'], start: '08:00', end: '09:00' }, 'Pacific/Auckland', '2027-03-21T19:30:00Z', true],
  ] as const)('%s', (_case, window, zone, instant, open) => {
    expect(isWindowOpen(window as SendWindow, zone, at(instant))).toBe(open);
  });

  it('throws on a zone it cannot read, which resolveWindowZone never returns', () => {
    expect(() => isWindowOpen({ start: '09:00', end: '17:00' }, 'Mars/Olympus', 0)).toThrow(RangeError);
  });
});
