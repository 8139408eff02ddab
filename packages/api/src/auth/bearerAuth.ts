import type { MiddlewareHandler } from 'hono';
import { errorBody } from '../http/ErrorBody';
import type { ApiEnv } from '../http/ApiEnv';
import { type Authenticator, AuthenticationError } from './Authenticator';

/**
 * Requires `Authorization: Bearer <JWT>` and puts the caller (the token's org) on the context.
 * Runs before the request is validated, so an unauthenticated client learns nothing else.
 */
export function bearerAuth(authenticate: Authenticator): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const match = header ? /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)[ ]*$/i.exec(header) : null;
    const deny = (message: string) => {
      c.header('WWW-Authenticate', header ? 'Bearer error="invalid_token"' : 'Bearer');
      return c.json(errorBody(401, message), 401);
    };
    if (!header) return deny('missing bearer token: send the header Authorization: Bearer <JWT>');
    if (!match) return deny('the Authorization header must be "Bearer <JWT>"');
    try {
      c.set('caller', await authenticate(match[1]!));
    } catch (err) {
      if (err instanceof AuthenticationError) return deny(err.message);
      throw err;
    }
    await next();
  };
}
