export { normalizeRetryPolicy } from './normalizeRetryPolicy';
export { backoffDelayMs, retryDecision } from './retryDecision';
export type { RetryDecision, RetryFailure } from './retryDecision';
export {
  JITTER_FLOOR_RATIO,
  JITTER_MODES,
  NON_RETRYABLE_ERROR_CODES,
  RETRY_POLICY_DEFAULTS,
  RETRY_POLICY_LIMITS,
} from './retryPolicy';
export type { JitterMode, RetryPolicy, RetryPolicyInput } from './retryPolicy';
