import fc from 'fast-check';
import {
  backoffDelayMs,
  JITTER_FLOOR_RATIO,
  NON_RETRYABLE_ERROR_CODES,
  normalizeRetryPolicy,
  retryDecision,
} from '../../src/retry';
import type { RetryPolicyInput } from '../../src/retry';

const constant = (value: number) => () => value;

describe('normalizeRetryPolicy', () => {
  it('defaults to a single attempt, 1 s doubling up to 5 min, full jitter', () => {
    expect(normalizeRetryPolicy()).toEqual({
      maxAttempts: 1,
      initialDelayMs: 1000,
      backoffRate: 2,
      maxDelayMs: 300_000,
      jitter: 'full',
      nonRetryableErrorCodes: ['BAD_CONFIG', 'INVALID_PAYLOAD', 'MAPPING_ERROR', 'TEMPLATE_ERROR'],
    });
  });

  it('adds listed codes to the codes that are never retried, and cannot remove them', () => {
    expect(normalizeRetryPolicy({ non_retryable_error_codes: ['NOT_FOUND', 'BAD_CONFIG'] }).nonRetryableErrorCodes).toEqual([
      'BAD_CONFIG',
      'INVALID_PAYLOAD',
      'MAPPING_ERROR',
      'NOT_FOUND',
      'TEMPLATE_ERROR',
    ]);
  });

  it.each<[string, RetryPolicyInput, Partial<ReturnType<typeof normalizeRetryPolicy>>]>([
    ['rounds attempts down', { max_attempts: 3.7 }, { maxAttempts: 3 }],
    ['keeps at least one attempt', { max_attempts: 0 }, { maxAttempts: 1 }],
    ['caps attempts at 25', { max_attempts: 1000 }, { maxAttempts: 25 }],
    ['keeps a backoff rate of at least 1', { backoff_rate: 0.5 }, { backoffRate: 1 }],
    ['refuses negative delays', { initial_delay_ms: -5 }, { initialDelayMs: 0 }],
    ['caps the maximum delay at a day', { max_delay_ms: 1e12 }, { maxDelayMs: 86_400_000 }],
    ['falls back to defaults for NaN', { initial_delay_ms: Number.NaN, backoff_rate: Number.POSITIVE_INFINITY }, { initialDelayMs: 1000, backoffRate: 2 }],
    ['keeps jitter none', { jitter: 'none' }, { jitter: 'none' }],
  ])('%s', (_name, input, expected) => {
    expect(normalizeRetryPolicy(input)).toMatchObject(expected);
  });
});

describe('retryDecision', () => {
  const policy = normalizeRetryPolicy({ max_attempts: 5, initial_delay_ms: 1000, backoff_rate: 2, max_delay_ms: 5000, jitter: 'none' });

  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 5000],
  ])('waits the exponential backoff after attempt %i without jitter: %i ms', (attempt, delayMs) => {
    expect(retryDecision(policy, { attempt, retryable: true, random: constant(0.5) })).toEqual({ retry: true, delayMs });
  });

  it('gives up once max_attempts attempts have failed', () => {
    expect(retryDecision(policy, { attempt: 5, retryable: true, random: constant(0.5) })).toEqual({
      retry: false,
      reason: 'attempt 5 of 5 failed; no attempts left',
    });
  });

  it('does not retry with the default policy', () => {
    expect(retryDecision(normalizeRetryPolicy(), { attempt: 1, retryable: true, random: constant(0.5) })).toEqual({
      retry: false,
      reason: 'the retry policy allows a single attempt',
    });
  });

  it('never retries a non-retryable code, even when the error type says retryable', () => {
    expect(retryDecision(policy, { attempt: 1, errorCode: 'TEMPLATE_ERROR', retryable: true, random: constant(0.5) })).toEqual({
      retry: false,
      reason: 'error code TEMPLATE_ERROR is never retried',
    });
  });

  it('never retries an error whose type is not retryable', () => {
    expect(retryDecision(policy, { attempt: 1, errorCode: 'CONFLICT', retryable: false, random: constant(0.5) })).toEqual({
      retry: false,
      reason: 'the error (CONFLICT) is not retryable',
    });
  });

  it('draws full jitter between 10% and 100% of the backoff', () => {
    const full = normalizeRetryPolicy({ max_attempts: 3, initial_delay_ms: 1000 });
    const delays = [0, 0.5, 0.999999].map((r) => retryDecision(full, { attempt: 1, retryable: true, random: constant(r) }));
    expect(delays).toEqual([
      { retry: true, delayMs: 100 },
      { retry: true, delayMs: 550 },
      { retry: true, delayMs: 1000 },
    ]);
  });

  it('keeps the delay within bounds when the random source misbehaves', () => {
    const full = normalizeRetryPolicy({ max_attempts: 3 });
    const delays = [-1, 7, Number.NaN].map((r) => retryDecision(full, { attempt: 1, retryable: true, random: constant(r) }));
    expect(delays).toEqual([
      { retry: true, delayMs: 100 },
      { retry: true, delayMs: 1000 },
      { retry: true, delayMs: 100 },
    ]);
  });

  it('waits at least the retryAfterMs the error asked for, even beyond max_delay_ms', () => {
    expect(retryDecision(policy, { attempt: 1, retryable: true, random: constant(0), retryAfterMs: 60_000 })).toEqual({
      retry: true,
      delayMs: 60_000,
    });
  });

  it('keeps the backoff when retryAfterMs is shorter', () => {
    expect(retryDecision(policy, { attempt: 3, retryable: true, random: constant(0), retryAfterMs: 10 })).toEqual({ retry: true, delayMs: 4000 });
  });
});

describe('retryDecision properties', () => {
  const policyInput = fc.record({
    max_attempts: fc.integer({ min: 1, max: 30 }),
    initial_delay_ms: fc.integer({ min: 0, max: 100_000 }),
    backoff_rate: fc.double({ min: 1, max: 10, noNaN: true }),
    max_delay_ms: fc.integer({ min: 0, max: 3_600_000 }),
    jitter: fc.constantFrom('full' as const, 'none' as const),
  });
  const attempt = fc.integer({ min: 1, max: 40 });
  const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

  it('keeps every delay between the jitter floor and the capped backoff', () => {
    fc.assert(
      fc.property(policyInput, attempt, random, (input, n, r) => {
        const policy = normalizeRetryPolicy(input);
        const decision = retryDecision(policy, { attempt: n, retryable: true, random: () => r });
        if (!decision.retry) return;
        const backoff = backoffDelayMs(policy, n);
        expect(backoff).toBeLessThanOrEqual(policy.maxDelayMs);
        expect(decision.delayMs).toBeLessThanOrEqual(backoff);
        expect(decision.delayMs).toBeGreaterThanOrEqual(policy.jitter === 'full' ? Math.ceil(backoff * JITTER_FLOOR_RATIO) : backoff);
      }),
    );
  });

  it('grows the backoff monotonically up to the cap', () => {
    fc.assert(
      fc.property(policyInput, attempt, (input, n) => {
        const policy = normalizeRetryPolicy(input);
        expect(backoffDelayMs(policy, n + 1)).toBeGreaterThanOrEqual(backoffDelayMs(policy, n));
        expect(backoffDelayMs(policy, n + 1)).toBeLessThanOrEqual(policy.maxDelayMs);
      }),
    );
  });

  it('never retries once max_attempts attempts have failed', () => {
    fc.assert(
      fc.property(policyInput, fc.integer({ min: 0, max: 40 }), random, (input, extra, r) => {
        const policy = normalizeRetryPolicy(input);
        const decision = retryDecision(policy, { attempt: policy.maxAttempts + extra, retryable: true, random: () => r });
        expect(decision.retry).toBe(false);
      }),
    );
  });

  it('never retries the non-retryable codes, whatever the policy', () => {
    fc.assert(
      fc.property(policyInput, attempt, fc.constantFrom(...NON_RETRYABLE_ERROR_CODES), random, (input, n, errorCode, r) => {
        const decision = retryDecision(normalizeRetryPolicy(input), { attempt: n, errorCode, retryable: true, random: () => r });
        expect(decision.retry).toBe(false);
      }),
    );
  });

  it('retries every retryable failure before the last attempt', () => {
    fc.assert(
      fc.property(policyInput.filter((input) => input.max_attempts > 1), random, (input, r) => {
        const policy = normalizeRetryPolicy(input);
        const n = policy.maxAttempts - 1;
        expect(retryDecision(policy, { attempt: n, errorCode: 'THROTTLED', retryable: true, random: () => r }).retry).toBe(true);
      }),
    );
  });
});
