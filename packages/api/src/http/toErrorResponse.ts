import { ConflictError, ValidationError } from '@autoflow/core';
import { ForbiddenError, InvalidStateError, NotFoundError, NotImplementedError, PayloadTooLargeError } from '@autoflow/engine';
import { HTTPException } from 'hono/http-exception';
import { AuthenticationError } from '../auth/Authenticator';
import { type ErrorBody, type Problem, describeProblems, errorBody } from './ErrorBody';

const withProblems = (status: number, message: string, problems: readonly Problem[], where: Problem['in'] = 'body'): ErrorBody =>
  errorBody(status, problems.length > 0 ? `${message}: ${describeProblems(problems.map((p) => ({ ...p, in: where })))}` : message, problems.map((p) => ({ in: where, ...p })));

/** hono's own messages, in the API's words. */
const HTTP_MESSAGES: Record<number, string> = {
  400: 'the request body is not valid JSON',
  415: 'the request body must be JSON (Content-Type: application/json)',
};

/**
 * The error answer for anything a use case or the framework throws, or undefined for what
 * is not the client's doing (answered 500 by the caller, and logged).
 */
export function toErrorResponse(err: unknown): ErrorBody | undefined {
  if (err instanceof AuthenticationError) return errorBody(401, err.message);
  if (err instanceof ValidationError) return withProblems(400, stripProblems(err.message), err.problems);
  if (err instanceof ForbiddenError) return withProblems(403, err.message, err.problems);
  if (err instanceof NotFoundError) return errorBody(404, err.message);
  if (err instanceof InvalidStateError || err instanceof ConflictError) return errorBody(409, err.message);
  if (err instanceof PayloadTooLargeError) return withProblems(413, err.message, err.problems);
  if (err instanceof NotImplementedError) return errorBody(501, err.message);
  if (err instanceof HTTPException && err.status < 500) {
    const message = err.status === 400 && /json/i.test(err.message) ? HTTP_MESSAGES[400]! : (HTTP_MESSAGES[err.status] ?? err.message);
    return errorBody(err.status, message);
  }
  return undefined;
}

/** core's ValidationError message repeats its problems after a colon; the body lists them itself. */
function stripProblems(message: string): string {
  const i = message.indexOf(': ');
  return i === -1 ? message : message.slice(0, i);
}
