import type { Clock } from '@autoflow/engine';

/**
 * A clock tests move by hand: windows, leases and retry delays without sleeping. On an embedded
 * stack it also puts the timers in manual mode: they fire only when `stack.advanceClock` moves
 * it (moving it with `advance` or `set` alone fires nothing).
 */
export class ManualClock implements Clock {
  private current: number;

  constructor(start = Date.parse('2026-01-01T00:00:00.000Z')) {
    this.current = finite(start, 'start');
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += finite(ms, 'advance');
  }

  set(ms: number): void {
    this.current = finite(ms, 'set');
  }
}

function finite(ms: number, what: string): number {
  if (!Number.isFinite(ms)) throw new RangeError(`ManualClock.${what}: expected milliseconds, got ${ms}`);
  return ms;
}
