import type { AutomationFlow } from '@autoflow/core';
import type { ApiServices } from '@autoflow/engine';
import { z } from '@hono/zod-openapi';
import { type RouteKit, authenticated, errorResponses, requestSchemasOf } from '../http/routeKit';
import { validationHook } from '../http/validationHook';
import { BatchGetFlowsBodySchema, FlowIdParams, FlowSchema, PAGE_DEFAULT, SearchAutomationsRespSchema, SearchFlowsQuery } from '../schemas/apiSchemas';

const json = <S>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <S>(schema: S, description: string) => ({ description, required: true, content: { 'application/json': { schema } } });

/** epilot's flow operations: search, create, batchGet, get, put, delete. */
export function registerFlowRoutes(kit: RouteKit, services: ApiServices): void {
  const { app } = kit;

  const searchFlows = authenticated(kit, {
    method: 'get',
    path: '/v1/automation/flows',
    operationId: 'searchFlows',
    summary: 'searchFlows',
    description: 'Search the flows of the organisation: by entity schema, by trigger source; offset paging, newest first.',
    tags: ['flows'],
    request: { query: SearchFlowsQuery },
    responses: { 200: json(SearchAutomationsRespSchema, 'Flows, with the total count'), ...errorResponses(400, 401) },
  });
  app.openapi(
    searchFlows,
    async (c) => {
      const q = c.req.valid('query');
      const page = await services.flows.search(c.get('caller'), {
        ...(q.schema !== undefined ? { schema: q.schema } : {}),
        ...(q.trigger_source_id !== undefined ? { trigger_source_id: q.trigger_source_id } : {}),
        ...(q.include_flows !== undefined ? { include_flows: q.include_flows } : {}),
        from: q.from ?? 0,
        size: q.size ?? PAGE_DEFAULT,
      });
      return c.json(page as never, 200);
    },
    validationHook(requestSchemasOf(searchFlows)),
  );

  const createFlow = authenticated(kit, {
    method: 'post',
    path: '/v1/automation/flows',
    operationId: 'createFlow',
    summary: 'createFlow',
    description:
      'Create a flow. Unknown fields and invalid trigger filter patterns are rejected with every problem and its path. A flow that brings its own `id` keeps it (409 if the org has a flow with that id).',
    tags: ['flows'],
    request: { body: body(FlowSchema, 'Automation flow to create') },
    responses: { 201: json(FlowSchema, 'The created automation flow'), ...errorResponses(400, 401, 403, 409, 413, 415) },
  });
  app.openapi(
    createFlow,
    async (c) => c.json((await services.flows.create(c.get('caller'), c.req.valid('json') as AutomationFlow)) as never, 201),
    validationHook(requestSchemasOf(createFlow)),
  );

  const batchGetFlows = authenticated(kit, {
    method: 'post',
    path: '/v1/automation/flows:batchGet',
    operationId: 'batchGetFlows',
    summary: 'batchGetFlows',
    description: 'Get several flows by id, in the order asked for; ids of no flow of the organisation are left out.',
    tags: ['flows'],
    request: { body: body(BatchGetFlowsBodySchema, 'List of flow IDs to retrieve') },
    responses: { 200: json(SearchAutomationsRespSchema, 'The flows found'), ...errorResponses(400, 401, 413, 415) },
  });
  app.openapi(
    batchGetFlows,
    async (c) => c.json((await services.flows.batchGet(c.get('caller'), c.req.valid('json').ids)) as never, 200),
    validationHook(requestSchemasOf(batchGetFlows)),
  );

  const getFlow = authenticated(kit, {
    method: 'get',
    path: '/v1/automation/flows/{flow_id}',
    operationId: 'getFlow',
    summary: 'getFlow',
    description: 'Get one flow.',
    tags: ['flows'],
    request: { params: FlowIdParams },
    responses: { 200: json(FlowSchema, 'The flow'), ...errorResponses(400, 401, 404) },
  });
  app.openapi(
    getFlow,
    async (c) => c.json((await services.flows.get(c.get('caller'), c.req.valid('param').flow_id)) as never, 200),
    validationHook(requestSchemasOf(getFlow)),
  );

  const putFlow = authenticated(kit, {
    method: 'put',
    path: '/v1/automation/flows/{flow_id}',
    operationId: 'putFlow',
    summary: 'putFlow',
    description: 'Replace an existing flow (404 if the organisation has none with this id; create it with POST). Its runs, creation time and creator are kept.',
    tags: ['flows'],
    request: { params: FlowIdParams, body: body(FlowSchema, 'The flow as it should be') },
    responses: { 200: json(FlowSchema, 'The updated automation flow'), ...errorResponses(400, 401, 403, 404, 413, 415) },
  });
  app.openapi(
    putFlow,
    async (c) => c.json((await services.flows.replace(c.get('caller'), c.req.valid('param').flow_id, c.req.valid('json') as AutomationFlow)) as never, 200),
    validationHook(requestSchemasOf(putFlow)),
  );

  const deleteFlow = authenticated(kit, {
    method: 'delete',
    path: '/v1/automation/flows/{flow_id}',
    operationId: 'deleteFlow',
    summary: 'deleteFlow',
    description: 'Delete a flow. Executions that already started keep running with the flow as it was.',
    tags: ['flows'],
    request: { params: FlowIdParams },
    responses: {
      200: json(z.object({ id: z.string(), deleted: z.literal(true) }), 'Flow deleted successfully'),
      ...errorResponses(400, 401, 404),
    },
  });
  app.openapi(
    deleteFlow,
    async (c) => {
      const { flow_id } = c.req.valid('param');
      await services.flows.delete(c.get('caller'), flow_id);
      return c.json({ id: flow_id, deleted: true as const }, 200);
    },
    validationHook(requestSchemasOf(deleteFlow)),
  );
}
