import { AutomationError } from '@autoflow/core';

/**
 * Errors of the API use cases. Each has a stable code; the HTTP layer maps codes to status
 * codes (NOT_FOUND → 404, INVALID_STATE → 409, FORBIDDEN → 403, PAYLOAD_TOO_LARGE → 413,
 * NOT_IMPLEMENTED → 501), and core's ValidationError (INVALID_PAYLOAD) to 400. Messages are
 * written for the API's caller: they say what was wrong and, where it helps, what to do.
 */
export const ApiErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  INVALID_STATE: 'INVALID_STATE',
  FORBIDDEN: 'FORBIDDEN',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  NOT_IMPLEMENTED: 'NOT_IMPLEMENTED',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/** Problems with paths, as in core's ValidationError. */
export interface PathProblem {
  path: string;
  message: string;
}

/** The resource does not exist in the caller's org (which is all a caller of another org learns). */
export class NotFoundError extends AutomationError {
  constructor(message: string) {
    super(ApiErrorCode.NOT_FOUND, message);
    this.name = 'NotFoundError';
  }
}

/** The resource exists but its state does not allow the operation (cancel a finished execution, …). */
export class InvalidStateError extends AutomationError {
  constructor(message: string) {
    super(ApiErrorCode.INVALID_STATE, message);
    this.name = 'InvalidStateError';
  }
}

/** The request names another org than the caller's. */
export class ForbiddenError extends AutomationError {
  readonly problems: PathProblem[];
  constructor(message: string, problems: PathProblem[] = []) {
    super(ApiErrorCode.FORBIDDEN, message);
    this.name = 'ForbiddenError';
    this.problems = problems;
  }
}

/** A document is over its size limit. */
export class PayloadTooLargeError extends AutomationError {
  readonly problems: PathProblem[];
  constructor(message: string, problems: PathProblem[] = []) {
    super(ApiErrorCode.PAYLOAD_TOO_LARGE, message);
    this.name = 'PayloadTooLargeError';
    this.problems = problems;
  }
}

/** The operation is part of the contract but autoflow does not implement it yet. */
export class NotImplementedError extends AutomationError {
  constructor(message: string) {
    super(ApiErrorCode.NOT_IMPLEMENTED, message);
    this.name = 'NotImplementedError';
  }
}
