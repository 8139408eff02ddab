import { type ExecutionPlan, normalizeRetryPolicy } from '@autoflow/core';
import type { StoredFlow } from '../ports';

/** Default time an action may run before it counts as timed out, by type. */
export const DEFAULT_ACTION_TIMEOUT_MS: Record<string, number> = {
  'trigger-webhook': 15_000,
  'send-email': 30_000,
  'map-entity': 30_000,
};
const FALLBACK_TIMEOUT_MS = 60_000;

/** The part of a flow the state machine needs, with retry policies normalised once. */
export function planOf(flow: Pick<StoredFlow, 'actions'>): ExecutionPlan {
  return {
    actions: flow.actions.map((a) => {
      const timeout = typeof a.timeout_ms === 'number' ? a.timeout_ms : (DEFAULT_ACTION_TIMEOUT_MS[a.type] ?? FALLBACK_TIMEOUT_MS);
      return {
        id: a.id,
        type: a.type,
        ...(typeof a.condition_id === 'string' ? { condition_id: a.condition_id } : {}),
        ...(a.allow_failure === true ? { allow_failure: true } : {}),
        retry: normalizeRetryPolicy(a.retry_policy as Parameters<typeof normalizeRetryPolicy>[0]),
        timeout_ms: timeout,
      };
    }),
  };
}
