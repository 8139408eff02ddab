import {
  type ActionError,
  type ActionResult,
  type DecideContext,
  type Decision,
  type Dispatch,
  type ExecutionPlan,
  type ExecutionState,
  initialState,
  type PlanAction,
} from '../../src/execution';
import { normalizeRetryPolicy, type RetryPolicyInput } from '../../src/retry';

export const T0 = 1_700_000_000_000;
export const TIMEOUT_MS = 10_000;
export const GRACE_MS = 5_000;

/** A retry policy with exact delays, so `ra` can be asserted. */
export const policy = (input: RetryPolicyInput = {}) => normalizeRetryPolicy({ jitter: 'none', ...input });

export const action = (id: string, extra: Partial<PlanAction> = {}): PlanAction => ({
  id,
  type: 'trigger-webhook',
  retry: policy(),
  timeout_ms: TIMEOUT_MS,
  ...extra,
});

export const planOf = (...actions: PlanAction[]): ExecutionPlan => ({ actions });

/** Conditions not listed hold. */
export const ctxAt = (now: number, conditions: Record<string, { result: boolean; reason: string }> = {}): DecideContext => ({
  now,
  random: () => 0.5,
  evaluateCondition: (id) => conditions[id] ?? { result: true, reason: `${id} holds` },
  leaseGraceMs: GRACE_MS,
});

export const newExecution = (plan: ExecutionPlan, now = T0): ExecutionState =>
  initialState({ org_id: 'org-1', execution_id: 'exec-1', flow_id: 'flow-1', entity_id: 'ent-1', plan, now });

export function asDispatch(decision: Decision): Extract<Decision, { kind: 'dispatch' }> {
  if (decision.kind !== 'dispatch') throw new Error(`expected a dispatch, got ${JSON.stringify(decision)}`);
  return decision;
}

export function asWrite(decision: Decision): Extract<Decision, { kind: 'write' }> {
  if (decision.kind !== 'write') throw new Error(`expected a write, got ${JSON.stringify(decision)}`);
  return decision;
}

/** The state once the decision is committed (by the worker's claim or the conditional write). */
export function committed(decision: Decision): ExecutionState {
  if (decision.kind === 'none') throw new Error(`expected a decision to commit, got none: ${decision.reason}`);
  return decision.next;
}

export const succeeded = (dispatch: Dispatch, endedAt: number, extra: Partial<ActionResult> = {}): ActionResult => ({
  index: dispatch.index,
  action_id: dispatch.action_id,
  attempt: dispatch.attempt,
  status: 'success',
  started_at: endedAt - 100,
  ended_at: endedAt,
  ...extra,
});

export const failed = (dispatch: Dispatch, endedAt: number, error: Partial<ActionError> = {}): ActionResult => ({
  index: dispatch.index,
  action_id: dispatch.action_id,
  attempt: dispatch.attempt,
  status: 'failed',
  started_at: endedAt - 100,
  ended_at: endedAt,
  error: { code: 'INTERNAL_ERROR', reason: 'boom', retryable: true, ...error },
});
