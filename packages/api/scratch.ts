import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { AutomationFlowSchema, AutomationExecutionSchema, AutomationEventSchema } from '@autoflow/core';

const app = new OpenAPIHono();
const route = createRoute({
  method: 'post', path: '/flows',
  request: { body: { content: { 'application/json': { schema: AutomationFlowSchema } } } },
  responses: { 201: { description: 'x', content: { 'application/json': { schema: AutomationExecutionSchema } } } },
});
app.openapi(route, (c) => c.json(c.req.valid('json') as any, 201));
const r2 = createRoute({
  method: 'post', path: '/events',
  request: { body: { content: { 'application/json': { schema: z.union([AutomationEventSchema, z.array(AutomationEventSchema)]) } } } },
  responses: { 202: { description: 'x' } },
});
app.openapi(r2, (c) => c.body(null, 202));
try {
const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 't', version: '1' } });
console.log(JSON.stringify(doc).length, Object.keys(doc.components?.schemas ?? {}));
} catch (e) { console.error('ERR', e); }
