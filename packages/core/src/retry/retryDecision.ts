import { JITTER_FLOOR_RATIO, NON_RETRYABLE_ERROR_CODES, type RetryPolicy } from './retryPolicy';

export interface RetryFailure {
  /** 1-based number of the attempt that just failed. */
  readonly attempt: number;
  readonly errorCode?: string;
  /** From the error type (e.g. a NonRetryableError is false); decided by type, never by text. */
  readonly retryable: boolean;
  /** Uniform source in [0, 1); core never calls Math.random itself. */
  readonly random: () => number;
  /** A wait the failing side asked for (HTTP Retry-After, throttling). */
  readonly retryAfterMs?: number;
}

export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false; readonly reason: string };

const ALWAYS_FINAL: ReadonlySet<string> = new Set(NON_RETRYABLE_ERROR_CODES);

/**
 * Whether, and after how long, to retry a failed attempt. Order of checks: non-retryable
 * code, non-retryable error type, attempts exhausted; then the delay is the exponential
 * backoff `min(maxDelay, initialDelay * rate^(attempt-1))`, with full jitter drawn uniformly
 * from [10%, 100%] of it, and raised to `retryAfterMs` when the error asked for a longer wait.
 */
export function retryDecision(policy: RetryPolicy, failure: RetryFailure): RetryDecision {
  const { attempt, errorCode } = failure;
  if (errorCode !== undefined && (ALWAYS_FINAL.has(errorCode) || policy.nonRetryableErrorCodes.includes(errorCode))) {
    return { retry: false, reason: `error code ${errorCode} is never retried` };
  }
  if (!failure.retryable) {
    return { retry: false, reason: `the error${errorCode === undefined ? '' : ` (${errorCode})`} is not retryable` };
  }
  if (!Number.isFinite(attempt) || attempt >= policy.maxAttempts) {
    return {
      retry: false,
      reason:
        policy.maxAttempts === 1
          ? 'the retry policy allows a single attempt'
          : `attempt ${attempt} of ${policy.maxAttempts} failed; no attempts left`,
    };
  }

  const backoff = backoffDelayMs(policy, attempt);
  let delayMs = backoff;
  if (policy.jitter === 'full') {
    const floor = Math.ceil(backoff * JITTER_FLOOR_RATIO);
    delayMs = Math.min(backoff, Math.max(floor, Math.round(floor + unit(failure.random()) * (backoff - floor))));
  }
  // The failing side knows when it will accept us again; retrying earlier only fails again,
  // so its hint wins even above maxDelayMs.
  const hint = failure.retryAfterMs;
  if (typeof hint === 'number' && Number.isFinite(hint) && hint > delayMs) delayMs = Math.ceil(hint);
  return { retry: true, delayMs };
}

/** The un-jittered backoff after the given failed attempt, capped at the policy's maximum. */
export function backoffDelayMs(policy: RetryPolicy, attempt: number): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  return Math.round(Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.backoffRate ** exponent));
}

// A misbehaving random source must not push the delay outside [floor, backoff].
function unit(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(1, Math.max(0, value));
}
