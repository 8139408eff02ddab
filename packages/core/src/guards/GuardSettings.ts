import { parse as parseDuration, toSeconds } from 'iso8601-duration';

/** One rate check: at most `count` executions per `windowMs`. */
export interface RateLimit {
  count: number;
  windowMs: number;
}

/**
 * Runaway protection settings of a deployment (DESIGN §4). Every value has a default and can
 * be overridden per deployment; a flow's own `max_executions` replaces the rate defaults.
 */
export interface GuardSettings {
  /** all flows */
  general: RateLimit;
  /** flows triggered by `updateEntity`, per (flow, entity) */
  entityUpdate: RateLimit;
  /** entity updates caused by automations, per (flow, entity) */
  systemActivity: RateLimit;
  /** a chain of automations deeper than this is not started */
  maxChainDepth: number;
  /** executions of one org running at once */
  orgConcurrency: number;
  /** how long an entity lock or org slot survives a holder that stopped renewing it */
  lockLeaseMs: number;
}

export const DEFAULT_GUARD_SETTINGS: GuardSettings = {
  general: { count: 100, windowMs: 30_000 },
  entityUpdate: { count: 50, windowMs: 60_000 },
  systemActivity: { count: 20, windowMs: 5 * 60_000 },
  maxChainDepth: 10,
  orgConcurrency: 100,
  lockLeaseMs: 15 * 60_000,
};

export function guardSettings(overrides: Partial<GuardSettings> = {}): GuardSettings {
  return { ...DEFAULT_GUARD_SETTINGS, ...overrides };
}

/** ISO 8601 duration (`PT1M`, `P1D`) in milliseconds, via iso8601-duration. */
export function durationMs(iso: string): number {
  return Math.round(toSeconds(parseDuration(iso)) * 1000);
}
