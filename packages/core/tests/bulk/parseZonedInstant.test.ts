import { isTimeZone, parseZonedInstant } from '../../src/bulk';

describe('parseZonedInstant', () => {
  it.each<[string, string | undefined, number | undefined]>([
    ['2026-01-01', undefined, Date.UTC(2026, 0, 1)],
    ['2026-01-01', 'UTC', Date.UTC(2026, 0, 1)],
    ['2026-01-01', 'Europe/Berlin', Date.UTC(2025, 11, 31, 23)],
    ['2026-07-01T12:00', 'Europe/Berlin', Date.UTC(2026, 6, 1, 10)],
    ['2026-03-29T03:30', 'Europe/Berlin', Date.UTC(2026, 2, 29, 1, 30)],
    ['2026-01-01T10:00:00', '+05:30', Date.UTC(2026, 0, 1, 4, 30)],
    ['2026-01-01', '-0100', Date.UTC(2026, 0, 1, 1)],
    ['2026-01-01T10:00:00Z', 'Asia/Tokyo', Date.UTC(2026, 0, 1, 10)],
    ['2026-01-01T10:00:00-02:00', 'Asia/Tokyo', Date.UTC(2026, 0, 1, 12)],
    ['not a date', 'Europe/Berlin', undefined],
    ['2026-01-01', 'Mars/Base', undefined],
  ])('reads %s in %s', (text, zone, expected) => {
    expect(parseZonedInstant(text, zone)).toBe(expected);
  });

  it.each([
    ['UTC', true],
    ['Z', true],
    ['+01:00', true],
    ['-0530', true],
    ['Europe/Berlin', true],
    ['Mars/Base', false],
    ['+1', false],
    ['', false],
  ])('takes %p as a time zone: %p', (zone, expected) => {
    expect(isTimeZone(zone)).toBe(expected);
  });
});
