/** Jitter strategies: `full` spreads retries of many failing executions apart; `none` is exact. */
export const JITTER_MODES = ['full', 'none'] as const;
export type JitterMode = (typeof JITTER_MODES)[number];

/**
 * Error codes that describe the flow or its input, not the moment: retrying cannot fix them,
 * so they are never retried whatever the policy lists.
 */
export const NON_RETRYABLE_ERROR_CODES = ['BAD_CONFIG', 'INVALID_PAYLOAD', 'MAPPING_ERROR', 'TEMPLATE_ERROR'] as const;

export const RETRY_POLICY_DEFAULTS = {
  /** Total attempts including the first: 1 means no retries. */
  max_attempts: 1,
  initial_delay_ms: 1_000,
  backoff_rate: 2,
  max_delay_ms: 5 * 60_000,
  jitter: 'full',
} as const satisfies Required<Omit<RetryPolicyInput, 'non_retryable_error_codes'>>;

/**
 * Bounds applied while normalising, so a typo in a flow cannot keep an execution retrying for
 * days or spin without delay.
 */
export const RETRY_POLICY_LIMITS = {
  max_attempts: 25,
  max_delay_ms: 24 * 60 * 60_000,
  max_backoff_rate: 10,
} as const;

/**
 * With full jitter the delay is drawn uniformly between this share of the backoff and the
 * whole backoff, instead of from zero: a retry a few milliseconds after the failure helps
 * nobody, and a floor keeps delays (and tests about them) meaningful.
 */
export const JITTER_FLOOR_RATIO = 0.1;

export interface RetryPolicyInput {
  readonly max_attempts?: number;
  readonly initial_delay_ms?: number;
  readonly backoff_rate?: number;
  readonly max_delay_ms?: number;
  readonly jitter?: JitterMode;
  readonly non_retryable_error_codes?: readonly string[];
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly backoffRate: number;
  readonly maxDelayMs: number;
  readonly jitter: JitterMode;
  /** The policy's codes plus NON_RETRYABLE_ERROR_CODES, de-duplicated and sorted. */
  readonly nonRetryableErrorCodes: readonly string[];
}
