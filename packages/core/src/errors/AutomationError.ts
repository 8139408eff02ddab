/**
 * One error taxonomy for the whole engine. Retry, dead-letter or give up is decided by
 * the error's type and code, never by its message.
 */
export const ErrorCodes = {
  MAPPING_ERROR: 'MAPPING_ERROR',
  TIMEOUT_ERROR: 'TIMEOUT_ERROR',
  BAD_CONFIG: 'BAD_CONFIG',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
  TRIGGER_WEBHOOK_ERROR: 'TRIGGER_WEBHOOK_ERROR',
  TEMPLATE_ERROR: 'TEMPLATE_ERROR',
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  CUSTOM_ACTION_ERROR: 'CUSTOM_ACTION_ERROR',
  CANCEL_FLOW_EXECUTION_ERROR: 'CANCEL_FLOW_EXECUTION_ERROR',
  ENTITY_NOT_FOUND: 'ENTITY_NOT_FOUND',
  SEND_EMAIL_ERROR: 'BULK_EMAIL_ERROR',
  TRIGGER_EVENT_ERROR: 'TRIGGER_WORKFLOW_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes] | (string & {});

export interface AutomationErrorOptions {
  retryable?: boolean;
  retryAfterMs?: number;
  info?: Record<string, unknown>;
  cause?: unknown;
}

export class AutomationError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly info?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: AutomationErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AutomationError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
    if (opts.info !== undefined) this.info = opts.info;
  }
}

/** A failure that may succeed on a later attempt (network, 5xx, throttling, timeouts). */
export class RetryableError extends AutomationError {
  constructor(code: ErrorCode, message: string, opts: Omit<AutomationErrorOptions, 'retryable'> = {}) {
    super(code, message, { ...opts, retryable: true });
    this.name = 'RetryableError';
  }
}

/** A failure that will fail again the same way (bad config, 4xx, invalid template). */
export class NonRetryableError extends AutomationError {
  constructor(code: ErrorCode, message: string, opts: Omit<AutomationErrorOptions, 'retryable'> = {}) {
    super(code, message, { ...opts, retryable: false });
    this.name = 'NonRetryableError';
  }
}

export interface Problem {
  path: string;
  message: string;
}

/** Input that failed validation; carries every problem with its path. */
export class ValidationError extends AutomationError {
  readonly problems: Problem[];
  constructor(message: string, problems: Problem[]) {
    super('INVALID_PAYLOAD', `${message}: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`);
    this.name = 'ValidationError';
    this.problems = problems;
  }
}

/** A conditional write lost: carries the item as it is now, when the store returned it. */
export class ConflictError<T = unknown> extends AutomationError {
  readonly current?: T;
  constructor(message: string, current?: T) {
    super('CONFLICT', message);
    this.name = 'ConflictError';
    if (current !== undefined) this.current = current;
  }
}

/** Normalises anything thrown by an action into an AutomationError. */
export function toAutomationError(err: unknown): AutomationError {
  if (err instanceof AutomationError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RetryableError('INTERNAL_ERROR', message, { cause: err });
}
