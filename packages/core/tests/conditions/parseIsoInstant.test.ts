import fc from 'fast-check';
import { parseIsoInstant } from '../../src/conditions';

describe('parseIsoInstant', () => {
  it.each([
    ['2024-05-01', Date.UTC(2024, 4, 1)],
    ['2024-05-01T10:20:30Z', Date.UTC(2024, 4, 1, 10, 20, 30)],
    ['2024-05-01T10:20:30.5+02:00', Date.UTC(2024, 4, 1, 8, 20, 30, 500)],
    ['2024-05-01T10:20', Date.UTC(2024, 4, 1, 10, 20)],
    ['2024-05-01 10:20:30-0130', Date.UTC(2024, 4, 1, 11, 50, 30)],
  ])('reads %s (no offset means UTC)', (text, expected) => {
    expect(parseIsoInstant(text)).toBe(expected);
  });

  it.each(['', 'yesterday', '2024-02-30', '2024-13-01', '2024-05-01T25:00', '1714557630000', '05/01/2024'])('rejects %p', (text) => {
    expect(parseIsoInstant(text)).toBeUndefined();
  });

  it('agrees with toISOString for every instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        expect(parseIsoInstant(date.toISOString())).toBe(date.getTime());
      }),
    );
  });
});
