import { type OpenAPIHono, type RouteConfig, createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { ZodType } from 'zod';
import type { ApiEnv } from './ApiEnv';
import { ErrorBodySchema } from './ErrorBody';
import { jsonBodyGuard } from './jsonBodyGuard';
import { type RequestSchemas, validationHook } from './validationHook';

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid; `problems` lists every problem with its path',
  401: 'No bearer token, or one that does not verify',
  403: 'The request names another organisation than the token',
  404: 'Not found in the organisation of the token',
  409: 'The state of the resource does not allow this',
  413: 'The request or one of its documents is over its size limit',
  415: 'The body is not JSON',
  501: 'Not implemented yet',
};

/** Error responses of a route, all in the `{status, error}` shape. */
export function errorResponses(...statuses: number[]): RouteConfig['responses'] {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: DESCRIPTIONS[s] ?? 'Error', content: { 'application/json': { schema: ErrorBodySchema } } }]),
  );
}

/** The schemas a route validates, for the validation hook to re-parse a failing part. */
export function requestSchemasOf(route: RouteConfig): RequestSchemas {
  const json = (route.request?.body?.content?.['application/json'] as { schema?: unknown } | undefined)?.schema;
  return {
    ...(route.request?.params ? { param: route.request.params as unknown as ZodType } : {}),
    ...(route.request?.query ? { query: route.request.query as unknown as ZodType } : {}),
    ...(json && typeof json === 'object' && '_zod' in json ? { json: json as ZodType } : {}),
  };
}

export interface RouteKit {
  app: OpenAPIHono<ApiEnv>;
  auth: MiddlewareHandler<ApiEnv>;
}

/** A route anyone may call (the public resume endpoint): no token, but the same body checks. */
export function publicRoute<R extends Omit<RouteConfig, 'middleware'>>(route: R) {
  return createRoute({ ...route, middleware: [jsonBodyGuard] as const, security: [] });
}

/** A route that needs a bearer token (all but the public resume endpoint). */
export function authenticated<R extends Omit<RouteConfig, 'middleware'>>(kit: RouteKit, route: R) {
  return createRoute({ ...route, middleware: [kit.auth, jsonBodyGuard] as const, security: [{ bearerAuth: [] }] });
}
