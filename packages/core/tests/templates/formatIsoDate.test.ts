import fc from 'fast-check';
import { formatIsoDate } from '../../src/templates';

describe('formatIsoDate', () => {
  it.each([
    ['2024-05-01', undefined, '2024-05-01'],
    ['2024-05-01T23:59:59.999Z', 'YYYY-MM-DD HH:mm:ss.SSS', '2024-05-01 23:59:59.999'],
    ['2024-05-01T10:00:00', 'HH:mm', '10:00'],
    ['2024-12-31T23:30:00-01:00', 'YY M D H', '25 1 1 0'],
    ['2024-02-30', undefined, ''],
    [42, undefined, ''],
  ])('formats %p with %p as %p', (value, format, expected) => {
    expect(formatIsoDate(value, format)).toBe(expected);
  });

  it('round-trips any instant through the ISO format', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        const iso = date.toISOString();
        expect(formatIsoDate(iso, 'YYYY-MM-DD[T]HH:mm:ss.SSS[Z]')).toBe(iso);
      }),
    );
  });
});
