import type { ApiServices } from '@autoflow/engine';
import { z } from '@hono/zod-openapi';
import { type RouteKit, authenticated, errorResponses, requestSchemasOf } from '../http/routeKit';
import { validationHook } from '../http/validationHook';
import { EntityBodySchema, EntityCollectionParams, EntityParams, EntitySchema } from '../schemas/apiSchemas';

const json = <S>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <S>(schema: S, description: string) => ({ description, required: true, content: { 'application/json': { schema } } });
const EXTENSION = { 'x-autoflow-extension': true } as const;
const TAGS = ['entities', 'autoflow extensions'];

/**
 * autoflow extension: the minimal entity API of the built-in entity store. Every write becomes
 * an `entity_operation` event through the store's stream, as any platform's writes would.
 */
export function registerEntityRoutes(kit: RouteKit, services: ApiServices): void {
  const { app } = kit;
  const entities = services.entities;

  const createEntity = authenticated(kit, {
    method: 'post',
    path: '/v1/entities/{schema}',
    operationId: 'createEntity',
    summary: 'createEntity (autoflow extension)',
    description: 'Create an entity of the schema (at most 100 KB). Its `entity_operation` event (createEntity) starts matching flows.',
    tags: TAGS,
    ...EXTENSION,
    request: { params: EntityCollectionParams, body: body(EntityBodySchema, 'The entity attributes') },
    responses: { 201: json(EntitySchema, 'The created entity'), ...errorResponses(400, 401, 403, 409, 413, 415) },
  });
  app.openapi(
    createEntity,
    async (c) => c.json((await entities.create(c.get('caller'), c.req.valid('param').schema, c.req.valid('json'))) as never, 201),
    validationHook(requestSchemasOf(createEntity)),
  );

  const getEntity = authenticated(kit, {
    method: 'get',
    path: '/v1/entities/{schema}/{id}',
    operationId: 'getEntity',
    summary: 'getEntity (autoflow extension)',
    description: 'Get an entity.',
    tags: TAGS,
    ...EXTENSION,
    request: { params: EntityParams },
    responses: { 200: json(EntitySchema, 'The entity'), ...errorResponses(400, 401, 404) },
  });
  app.openapi(
    getEntity,
    async (c) => {
      const { schema, id } = c.req.valid('param');
      return c.json((await entities.get(c.get('caller'), schema, id)) as never, 200);
    },
    validationHook(requestSchemasOf(getEntity)),
  );

  const updateEntity = authenticated(kit, {
    method: 'patch',
    path: '/v1/entities/{schema}/{id}',
    operationId: 'updateEntity',
    summary: 'updateEntity (autoflow extension)',
    description: 'Merge attributes into an entity (top level). Its `entity_operation` event (updateEntity) carries the diff, with the previous values in `diff.updated`.',
    tags: TAGS,
    ...EXTENSION,
    request: { params: EntityParams, body: body(EntityBodySchema, 'The attributes to change') },
    responses: { 200: json(EntitySchema, 'The updated entity'), ...errorResponses(400, 401, 403, 404, 413, 415) },
  });
  app.openapi(
    updateEntity,
    async (c) => {
      const { schema, id } = c.req.valid('param');
      return c.json((await entities.update(c.get('caller'), schema, id, c.req.valid('json'))) as never, 200);
    },
    validationHook(requestSchemasOf(updateEntity)),
  );

  const deleteEntity = authenticated(kit, {
    method: 'delete',
    path: '/v1/entities/{schema}/{id}',
    operationId: 'deleteEntity',
    summary: 'deleteEntity (autoflow extension)',
    description: 'Delete an entity. Its `entity_operation` event (deleteEntity) starts matching flows.',
    tags: TAGS,
    ...EXTENSION,
    request: { params: EntityParams },
    responses: { 200: json(z.object({ id: z.string(), deleted: z.literal(true) }), 'The entity was deleted'), ...errorResponses(400, 401, 404) },
  });
  app.openapi(
    deleteEntity,
    async (c) => {
      const { schema, id } = c.req.valid('param');
      await entities.delete(c.get('caller'), schema, id);
      return c.json({ id, deleted: true as const }, 200);
    },
    validationHook(requestSchemasOf(deleteEntity)),
  );
}
