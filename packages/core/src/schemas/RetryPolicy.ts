import { z } from 'zod';
import { isRecord } from './JsonObject';
import { REFINE_EVEN_IF_INVALID } from './ValidationProblem';

/** Most attempts a flow may ask for. */
export const MAX_RETRY_ATTEMPTS = 10;
/** Longest single wait a policy may ask for. */
export const MAX_RETRY_DELAY_MS = 24 * 60 * 60 * 1000;
/** Largest growth factor of the wait. */
export const MAX_BACKOFF_RATE = 10;

/**
 * autoflow extension on every action: how often and how fast a failed attempt is retried.
 * Fields are validated here and kept as written; omitted ones take the engine's defaults
 * (the retry module's `normalizeRetryPolicy` owns them), so defaults are not copied into
 * stored flows. An action without a policy is attempted once.
 */
export const RetryPolicySchema = z
  .strictObject({
    max_attempts: z
      .int()
      .min(1)
      .max(MAX_RETRY_ATTEMPTS)
      .optional()
      .meta({ default: 1 })
      .describe('Attempts in total, the first included; 1 (the default) means no retry.'),
    initial_delay_ms: z.int().min(0).max(MAX_RETRY_DELAY_MS).optional().describe('Delay before the first retry, in milliseconds.'),
    backoff_rate: z.number().min(1).max(MAX_BACKOFF_RATE).optional().describe('Factor by which the delay grows after each retry.'),
    max_delay_ms: z.int().min(0).max(MAX_RETRY_DELAY_MS).optional().describe('Upper bound of any single delay, in milliseconds.'),
    jitter: z
      .enum(['full', 'none'])
      .optional()
      .describe('"full" randomises each delay, which spreads the retries of many executions; "none" waits exactly the computed delay.'),
    non_retryable_error_codes: z
      .array(z.string().min(1))
      .optional()
      .describe('Error codes after which the action fails at once instead of retrying (in addition to those that never retry, such as BAD_CONFIG).'),
  })
  .superRefine((policy, ctx) => {
    if (
      isRecord(policy) &&
      typeof policy.max_delay_ms === 'number' &&
      typeof policy.initial_delay_ms === 'number' &&
      policy.max_delay_ms < policy.initial_delay_ms
    ) {
      ctx.addIssue({ code: 'custom', path: ['max_delay_ms'], message: 'must not be less than initial_delay_ms' });
    }
  }, REFINE_EVEN_IF_INVALID)
  .meta({
    id: 'RetryPolicy',
    title: 'Retry policy (autoflow extension)',
    description: 'Delay before attempt n+1 = min(max_delay_ms, initial_delay_ms × backoff_rate^(n-1)), jittered. Omitted fields take the engine defaults.',
  });

export type RetryPolicy = z.infer<typeof RetryPolicySchema>;
