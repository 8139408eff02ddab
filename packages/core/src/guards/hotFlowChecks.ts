import type { GuardSettings, RateLimit } from './GuardSettings';
import { durationMs } from './GuardSettings';

export const GuardCheck = {
  custom: 'custom',
  general: 'general',
  entityUpdate: 'entity_update',
  systemActivity: 'system_activity',
} as const;
export type GuardCheck = (typeof GuardCheck)[keyof typeof GuardCheck];

/** A counter to increment for an execution that is about to start, and its limit. */
export interface CounterCheck extends RateLimit {
  check: GuardCheck;
  /** what the counter is per, within the flow: '' for the flow, the entity id otherwise */
  scope: string;
}

export interface GuardedFlow {
  id: string;
  version?: number;
  max_executions?: { count?: number; window?: string };
}

export interface GuardedEvent {
  operation?: string;
  entity?: Record<string, unknown>;
  lineage?: unknown;
}

/**
 * The rate checks an execution of `flow` for `event` must pass, in priority order. A flow's own
 * `max_executions` replaces the defaults: then that check alone applies.
 */
export function hotFlowChecks(flow: GuardedFlow, event: GuardedEvent, settings: GuardSettings): CounterCheck[] {
  const custom = flowRateLimit(flow);
  if (custom) return [custom];
  const checks: CounterCheck[] = [{ check: GuardCheck.general, scope: '', ...settings.general }];
  const entityId = typeof event.entity?._id === 'string' ? event.entity._id : undefined;
  if (event.operation === 'updateEntity' && entityId) {
    checks.push({ check: GuardCheck.entityUpdate, scope: entityId, ...settings.entityUpdate });
    if (event.lineage) checks.push({ check: GuardCheck.systemActivity, scope: entityId, ...settings.systemActivity });
  }
  return checks;
}

/** Fixed windows aligned on the epoch: the counter of `now` and when it may expire. */
export function windowOf(now: number, windowMs: number): { start: number; end: number } {
  const start = Math.floor(now / windowMs) * windowMs;
  return { start, end: start + windowMs };
}

export function describeCheck(check: CounterCheck): string {
  const names: Record<GuardCheck, string> = {
    custom: 'the flow limit (max_executions)',
    general: 'the general trigger limit',
    entity_update: 'the per-entity update limit',
    system_activity: 'the system activity limit',
  };
  return `${names[check.check]} of ${check.count} executions per ${check.windowMs / 1000} s`;
}

/** The flow's own `max_executions`, when it sets one. */
export function flowRateLimit(flow: GuardedFlow): CounterCheck | undefined {
  const custom = flow.max_executions;
  if (custom?.count === undefined || !custom.window) return undefined;
  return { check: GuardCheck.custom, scope: '', count: custom.count, windowMs: durationMs(custom.window) };
}

/** The counter a check counts in: per flow version, so editing a flow starts its counts afresh. */
export function guardCounterKey(flow: GuardedFlow, check: CounterCheck): string {
  return `${flow.id}#v${flow.version ?? 0}#${check.check}${check.scope ? `#${check.scope}` : ''}`;
}
