import type { ApiServices } from '@autoflow/engine';
import { type RouteKit, authenticated, errorResponses, requestSchemasOf } from '../http/routeKit';
import { validationHook } from '../http/validationHook';
import { PublishEventsBodySchema, PublishEventsRespSchema } from '../schemas/apiSchemas';

/** autoflow extension: platforms publish events over HTTP. */
export function registerEventRoutes(kit: RouteKit, services: ApiServices): void {
  const publishEvents = authenticated(kit, {
    method: 'post',
    path: '/v1/automation/events',
    operationId: 'publishEvents',
    summary: 'publishEvents (autoflow extension)',
    description:
      "autoflow extension: publish one event or a list of up to 100. Each event's `org_id` is the token's (set when absent; another org is refused with 403). Every event is checked before any is accepted; each may be at most 256 KB (413). Answers 202 with the accepted event ids; flows run asynchronously.",
    tags: ['events', 'autoflow extensions'],
    'x-autoflow-extension': true,
    request: { body: { description: 'One event or a list of events', required: true, content: { 'application/json': { schema: PublishEventsBodySchema } } } },
    responses: {
      202: { description: 'The events were accepted', content: { 'application/json': { schema: PublishEventsRespSchema } } },
      ...errorResponses(400, 401, 403, 413, 415),
    },
  });
  kit.app.openapi(
    publishEvents,
    async (c) => c.json(await services.events.publish(c.get('caller'), c.req.valid('json')), 202),
    validationHook(requestSchemasOf(publishEvents)),
  );
}
