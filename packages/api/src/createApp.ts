import { randomUUID } from 'node:crypto';
import { type ApiServices, type Logger, silentLogger } from '@autoflow/engine';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { Authenticator } from './auth/Authenticator';
import { bearerAuth } from './auth/bearerAuth';
import type { ApiEnv } from './http/ApiEnv';
import { errorBody } from './http/ErrorBody';
import { toErrorResponse } from './http/toErrorResponse';
import { REQUEST_BODY_LIMIT_BYTES } from './limits';
import { registerEntityRoutes } from './routes/entityRoutes';
import { registerEventRoutes } from './routes/eventRoutes';
import { registerExecutionRoutes } from './routes/executionRoutes';
import { registerFlowRoutes } from './routes/flowRoutes';

export interface CreateAppOptions {
  services: ApiServices;
  /** verifies bearer tokens: `hs256Authenticator` on the embedded stack, `jwksAuthenticator` on AWS */
  authenticate: Authenticator;
  logger?: Logger;
  /** largest request body (default 1 MiB) */
  bodyLimitBytes?: number;
  /** listed under `servers` in the OpenAPI document */
  serverUrl?: string;
}

const OPENAPI_INFO = {
  title: 'autoflow automation API',
  version: '1.0.0',
  description:
    "epilot's automation API (1.4.1) as served by autoflow, plus autoflow extensions, each marked `x-autoflow-extension: true` and tagged `autoflow extensions`: POST /v1/automation/events, POST /v1/automation/executions:search, POST /v1/automation/executions/{execution_id}:retry and the entity API under /v1/entities. Errors are `{status, error}`; invalid requests add `problems`. Every route but the public resume endpoint needs `Authorization: Bearer <JWT>` whose `org_id` claim names the organisation. See docs/api.md.",
};

/**
 * The HTTP API: one hono app, served by `@hono/node-server` on the embedded stack and by
 * Lambda (`lambda.ts`) on AWS. Routes are declared once with zod schemas, which validate the
 * requests and generate the OpenAPI document served at GET /openapi.json.
 */
export function createApp(options: CreateAppOptions): OpenAPIHono<ApiEnv> {
  const logger = options.logger ?? silentLogger;
  const app = new OpenAPIHono<ApiEnv>();
  const maxSize = options.bodyLimitBytes ?? REQUEST_BODY_LIMIT_BYTES;

  app.use('*', async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    await next();
    c.header('x-request-id', requestId);
  });
  app.use(
    '*',
    bodyLimit({
      maxSize,
      onError: (c) => {
        // The rest of the body is not read: the connection cannot carry another request.
        c.header('Connection', 'close');
        return c.json(errorBody(413, `the request body is larger than ${maxSize} bytes (${Math.round(maxSize / 1024)} KB), the limit of this API`), 413);
      },
    }),
  );

  const kit = { app, auth: bearerAuth(options.authenticate) };
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A JWT whose `org_id` claim names the organisation (HS256 on the embedded stack: `autoflow token --org <id>`; the JWKS issuer on AWS).',
  });
  registerFlowRoutes(kit, options.services);
  registerExecutionRoutes(kit, options.services);
  registerEventRoutes(kit, options.services);
  registerEntityRoutes(kit, options.services);

  let document: unknown;
  app.get('/openapi.json', (c) => {
    document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'flows' },
        { name: 'executions' },
        { name: 'bulk', description: 'Not implemented yet: every bulk-job route answers 501.' },
        { name: 'events', description: 'autoflow extension.' },
        { name: 'entities', description: 'autoflow extension: the built-in entity store.' },
        { name: 'autoflow extensions', description: 'Routes epilot does not have.' },
      ],
    });
    return c.json(document as Record<string, unknown>, 200);
  });

  app.notFound((c) => c.json(errorBody(404, `no route for ${c.req.method} ${c.req.path.slice(0, 200)}`), 404));
  app.onError((err, c) => {
    const known = toErrorResponse(err);
    if (known) return c.json(known, known.status as 400);
    const requestId = c.get('requestId') ?? randomUUID();
    logger.error('request failed', { request_id: requestId, method: c.req.method, path: c.req.path.slice(0, 200), error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    return c.json({ ...errorBody(500, 'internal server error'), request_id: requestId }, 500);
  });
  return app;
}
