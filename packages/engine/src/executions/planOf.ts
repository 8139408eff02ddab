import { type ExecutionPlan, type PlanAction, normalizeRetryPolicy } from '@autoflow/core';
import type { StoredFlow } from '../ports';

/** Default time an action may run before it counts as timed out, by type. */
export const DEFAULT_ACTION_TIMEOUT_MS: Record<string, number> = {
  'trigger-webhook': 15_000,
  'send-email': 30_000,
  'map-entity': 30_000,
};
const FALLBACK_TIMEOUT_MS = 60_000;

type Condition = NonNullable<StoredFlow['conditions']>[number];

/**
 * The part of a flow the state machine needs, with retry policies normalised once: what each
 * action waits for (its own schedule, else its condition block's), the order of condition and
 * schedule, send windows and wait steps.
 */
export function planOf(flow: Pick<StoredFlow, 'actions' | 'conditions'>): ExecutionPlan {
  const conditions = new Map<string, Condition>();
  for (const c of flow.conditions ?? []) if (typeof c.id === 'string') conditions.set(c.id, c);
  return {
    actions: flow.actions.map((a) => {
      const timeout = typeof a.timeout_ms === 'number' ? a.timeout_ms : (DEFAULT_ACTION_TIMEOUT_MS[a.type] ?? FALLBACK_TIMEOUT_MS);
      const condition = typeof a.condition_id === 'string' ? conditions.get(a.condition_id) : undefined;
      const own = typeof a.schedule_id === 'string' ? a.schedule_id : undefined;
      const blockSchedule = typeof condition?.schedule_id === 'string' ? condition.schedule_id : undefined;
      const planned: PlanAction = {
        id: a.id,
        type: a.type,
        retry: normalizeRetryPolicy(a.retry_policy as Parameters<typeof normalizeRetryPolicy>[0]),
        timeout_ms: timeout,
      };
      if (typeof a.condition_id === 'string') planned.condition_id = a.condition_id;
      if (a.allow_failure === true) planned.allow_failure = true;
      if (own ?? blockSchedule) planned.schedule_id = (own ?? blockSchedule)!;
      if (condition?.evaluation_order === 'BEFORE_SCHEDULE') planned.check_first = true;
      if (own === undefined && blockSchedule !== undefined) {
        planned.block = { condition_id: a.condition_id as string, ...(condition?.allow_failure === true ? { allow_failure: true as const } : {}) };
      }
      if (a.send_window !== undefined) planned.send_window = true;
      if (a.type === 'wait') {
        const config = (a.config ?? {}) as { timeout?: unknown; event?: unknown };
        planned.wait = { timeout: typeof config.timeout === 'string' ? config.timeout : 'PT0S', event: config.event !== undefined };
      }
      return planned;
    }),
  };
}
