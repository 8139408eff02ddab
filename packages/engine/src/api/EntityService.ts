import { AutomationError, ValidationError, jsonByteLength } from '@autoflow/core';
import type { Entity, EntityStore } from '../ports';
import { type ApiCaller, callerInfo } from './ApiCaller';
import { ForbiddenError, NotFoundError, PayloadTooLargeError } from './errors';

/**
 * Largest entity, in bytes of its JSON. A write becomes an `entity_operation` event carrying
 * the new image and the diff (previous values of what changed), and an event may weigh
 * 256 KB: two images of 100 KB and the event's envelope fit.
 */
export const MAX_ENTITY_BYTES = 100 * 1024;

/** Attributes the store sets; a body may repeat them but not change them. */
const SYSTEM_ATTRIBUTES = ['_org', '_created_at', '_updated_at'] as const;

/**
 * The minimal entity API over the built-in entity store. Its writes reach flows the way any
 * platform's do: the store's stream turns each one into an `entity_operation` event.
 */
export class EntityService {
  constructor(private readonly deps: { entities: EntityStore }) {}

  async create(caller: ApiCaller, schema: string, attributes: Record<string, unknown>): Promise<Entity> {
    checkBody(caller, schema, attributes);
    const input = withoutSystemAttributes({ ...attributes, _schema: schema });
    checkSize(input);
    return this.deps.entities.create(caller.org_id, input as Omit<Entity, '_id'>, { activity: { type: 'EntityCreated', caller: callerInfo(caller) } });
  }

  async get(caller: ApiCaller, schema: string, entityId: string): Promise<Entity> {
    const entity = await this.deps.entities.get(caller.org_id, entityId);
    if (!entity || entity._schema !== schema) throw new NotFoundError(`${schema} entity ${entityId} not found`);
    return entity;
  }

  /** Merges the attributes into the entity (top level; `null` sets null). */
  async update(caller: ApiCaller, schema: string, entityId: string, patch: Record<string, unknown>): Promise<Entity> {
    checkBody(caller, schema, patch);
    if (patch._id !== undefined && patch._id !== entityId) {
      throw new ValidationError('invalid entity', [{ path: '_id', message: `is "${String(patch._id)}" but the path names entity "${entityId}"` }]);
    }
    const current = await this.get(caller, schema, entityId);
    const changes = withoutSystemAttributes(patch);
    checkSize({ ...current, ...changes });
    try {
      return await this.deps.entities.update(caller.org_id, entityId, changes, { activity: { type: 'EntityUpdated', caller: callerInfo(caller) } });
    } catch (err) {
      if (err instanceof AutomationError && err.code === 'ENTITY_NOT_FOUND') throw new NotFoundError(`${schema} entity ${entityId} not found`);
      throw err;
    }
  }

  async delete(caller: ApiCaller, schema: string, entityId: string): Promise<void> {
    await this.get(caller, schema, entityId);
    if (!(await this.deps.entities.delete(caller.org_id, entityId, { activity: { type: 'EntityDeleted', caller: callerInfo(caller) } }))) {
      throw new NotFoundError(`${schema} entity ${entityId} not found`);
    }
  }
}

function checkBody(caller: ApiCaller, schema: string, body: Record<string, unknown>): void {
  if (body._org !== undefined && body._org !== caller.org_id) {
    throw new ForbiddenError(`the entity names org ${JSON.stringify(body._org)} but the token is for org "${caller.org_id}"`, [
      { path: '_org', message: `is ${JSON.stringify(body._org)}, not the token's org "${caller.org_id}"` },
    ]);
  }
  if (body._schema !== undefined && body._schema !== schema) {
    throw new ValidationError('invalid entity', [{ path: '_schema', message: `is ${JSON.stringify(body._schema)} but the path names schema "${schema}"` }]);
  }
}

function withoutSystemAttributes(body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  for (const key of SYSTEM_ATTRIBUTES) delete out[key];
  return out;
}

function checkSize(entity: Record<string, unknown>): void {
  const size = jsonByteLength(entity) ?? Number.POSITIVE_INFINITY;
  if (size > MAX_ENTITY_BYTES) {
    throw new PayloadTooLargeError(`the entity would be ${size} bytes, over the limit of ${MAX_ENTITY_BYTES} bytes (100 KB)`, [
      { path: '', message: `is ${size} bytes, over ${MAX_ENTITY_BYTES}` },
    ]);
  }
}
