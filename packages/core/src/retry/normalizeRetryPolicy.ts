import {
  NON_RETRYABLE_ERROR_CODES,
  RETRY_POLICY_DEFAULTS,
  RETRY_POLICY_LIMITS,
  type RetryPolicy,
  type RetryPolicyInput,
} from './retryPolicy';

/**
 * Turns an optional, possibly partial policy into a complete one. Total: it never throws.
 * Values are validated at the edge (flow schemas); here anything out of range is clamped and
 * anything unusable (NaN, wrong type) falls back to the default, so the engine always has a
 * policy it can act on.
 */
export function normalizeRetryPolicy(input: RetryPolicyInput = {}): RetryPolicy {
  const d = RETRY_POLICY_DEFAULTS;
  const initialDelayMs = clamp(usable(input.initial_delay_ms) ?? d.initial_delay_ms, 0, RETRY_POLICY_LIMITS.max_delay_ms);
  return {
    maxAttempts: Math.floor(clamp(usable(input.max_attempts) ?? d.max_attempts, 1, RETRY_POLICY_LIMITS.max_attempts)),
    initialDelayMs: Math.round(initialDelayMs),
    // below 1 the delays would shrink, which is not backoff
    backoffRate: clamp(usable(input.backoff_rate) ?? d.backoff_rate, 1, RETRY_POLICY_LIMITS.max_backoff_rate),
    maxDelayMs: Math.round(clamp(usable(input.max_delay_ms) ?? d.max_delay_ms, 0, RETRY_POLICY_LIMITS.max_delay_ms)),
    jitter: input.jitter === 'none' || input.jitter === 'full' ? input.jitter : d.jitter,
    // a policy can add codes but never remove the ones that retrying cannot fix
    nonRetryableErrorCodes: [
      ...new Set([
        ...NON_RETRYABLE_ERROR_CODES,
        ...(input.non_retryable_error_codes ?? []).filter((code) => typeof code === 'string' && code.length > 0),
      ]),
    ].sort(),
  };
}

function usable(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
