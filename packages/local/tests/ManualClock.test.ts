import { ManualClock } from '../src/stack';

describe('ManualClock', () => {
  it('stands still until it is advanced or set', () => {
    const clock = new ManualClock(Date.parse('2027-01-01T09:00:00.000Z'));
    expect(clock.now()).toBe(Date.parse('2027-01-01T09:00:00.000Z'));
    clock.advance(60_000);
    expect(clock.now()).toBe(Date.parse('2027-01-01T09:01:00.000Z'));
    clock.set(Date.parse('2027-02-01T00:00:00.000Z'));
    expect(clock.now()).toBe(Date.parse('2027-02-01T00:00:00.000Z'));
  });

  it('starts at 2026-01-01 when no start is given', () => {
    expect(new ManualClock().now()).toBe(Date.parse('2026-01-01T00:00:00.000Z'));
  });

  it.each([NaN, Infinity])('refuses %p as a time or a step', (bad) => {
    const clock = new ManualClock(0);
    expect(() => new ManualClock(bad)).toThrow(RangeError);
    expect(() => clock.advance(bad)).toThrow(RangeError);
    expect(() => clock.set(bad)).toThrow(RangeError);
    expect(clock.now()).toBe(0);
  });
});
