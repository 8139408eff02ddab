import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, type EntitySearchFilter, NonRetryableError, ValidationError, idsOfFilter, matchesEntityFilter, schemasOfFilter } from '@autoflow/core';
import type { Clock, Entity, EntityPage, EntityRef, EntitySelection, EntitySource, EntityStore, EntityWriteMeta } from '@autoflow/engine';
import { entityKeys as K } from '../tables/keys';
import { batchGetAll, batchWriteAll, isConditionFailure } from './documentClient';

const MAX_ATTEMPTS = 5;

/**
 * The built-in entity store. Each write stores who caused it (`lineage` of an automation, or
 * the activity of a person) on the item, so the stream turns it into an `entity_operation`
 * event that carries it. Updates are optimistic (conditional on `version`).
 */
export class DynamoEntityStore implements EntityStore, EntitySource {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async get(orgId: string, entityId: string): Promise<Entity | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.entity(orgId, entityId), ConsistentRead: true }));
    return out.Item?.entity as Entity | undefined;
  }

  async create(orgId: string, input: Omit<Entity, '_id'> & { _id?: string }, meta: EntityWriteMeta = {}): Promise<Entity> {
    const now = new Date(this.clock.now()).toISOString();
    const entity = { ...input, _id: input._id ?? randomUUID(), _org: orgId, _created_at: now, _updated_at: now } as unknown as Entity;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.item(orgId, entity, 1, meta),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new ConflictError(`entity ${entity._id} already exists`);
      throw err;
    }
    return entity;
  }

  async update(orgId: string, entityId: string, patch: Record<string, unknown>, meta: EntityWriteMeta = {}): Promise<Entity> {
    for (let attempt = 1; ; attempt++) {
      const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: K.entity(orgId, entityId), ConsistentRead: true }));
      if (!out.Item) throw new NonRetryableError('ENTITY_NOT_FOUND', `entity ${entityId} not found`);
      const version = Number(out.Item.version);
      const { _id: _ignoredId, _schema: _ignoredSchema, _org: _ignoredOrg, _created_at: _ignoredCreated, ...changes } = patch;
      const entity = { ...(out.Item.entity as Entity), ...changes, _updated_at: new Date(this.clock.now()).toISOString() } as Entity;
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: this.item(orgId, entity, version + 1, meta),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': version },
          }),
        );
        return entity;
      } catch (err) {
        if (!isConditionFailure(err) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  async delete(orgId: string, entityId: string): Promise<boolean> {
    const out = await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: K.entity(orgId, entityId), ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  }

  /**
   * Imports entities as they are (a data migration, a test's fixtures): written in batches and
   * marked `imported`, so they raise no `entity_operation` events and start no automation.
   * Existing entities with the same ids are replaced.
   */
  async importMany(orgId: string, entities: ReadonlyArray<Omit<Entity, '_org'>>): Promise<void> {
    const now = new Date(this.clock.now()).toISOString();
    const items = entities.map((input) => {
      const entity = { _created_at: now, _updated_at: now, ...input, _org: orgId } as unknown as Entity;
      return { ...this.item(orgId, entity, 1, {}), imported: true };
    });
    await batchWriteAll(this.db, this.tableName, items);
  }

  /**
   * One page of the entities a bulk job selects. Listed refs (and a filter's `ids`) are read by
   * key; a filter pages through the `bySchema` index of the schemas it names, or through the
   * org's `byOrg` index, and is applied to every entity read. Only keys cross the cursor, never
   * entities, so memory stays flat however many entities there are.
   */
  async page(orgId: string, selection: EntitySelection, page: { size: number; cursor?: string }): Promise<EntityPage> {
    if ('refs' in selection) return this.pageOfRefs(orgId, selection.refs, page);
    const filter = selection.filter as EntitySearchFilter;
    const ids = idsOfFilter(filter);
    if (ids) {
      const out = await this.pageOfRefs(orgId, ids.map((entity_id) => ({ entity_id, entity_schema: '' })), page);
      return { entities: out.entities.filter((e) => matchesEntityFilter(filter, e)), missing: [], ...(out.cursor ? { cursor: out.cursor } : {}) };
    }
    const schemas = schemasOfFilter(filter);
    const partitions = schemas ? schemas.map((schema) => ({ index: 'bySchema', attr: 'schema_pk', value: K.schemaPk(orgId, schema) })) : [{ index: 'byOrg', attr: 'org_pk', value: K.orgPk(orgId) }];
    const at = decodeEntityCursor(page.cursor, orgId, partitions.length);
    const part = partitions[at.partition]!;
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: part.index,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': part.attr },
        ExpressionAttributeValues: { ':p': part.value },
        Limit: page.size,
        ...(at.key ? { ExclusiveStartKey: { ...at.key, [part.attr]: part.value, sk: 'ENTITY' } } : {}),
      }),
    );
    const keys = (out.Items ?? []).map((i) => ({ pk: String(i.pk), sk: 'ENTITY' }));
    const entities = await this.entitiesByKey(keys);
    const last = out.LastEvaluatedKey?.pk as string | undefined;
    const next = last ? { partition: at.partition, pk: last } : at.partition + 1 < partitions.length ? { partition: at.partition + 1 } : undefined;
    return { entities: entities.filter((e) => matchesEntityFilter(filter, e)), missing: [], ...(next ? { cursor: encodeEntityCursor(next) } : {}) };
  }

  private async pageOfRefs(orgId: string, refs: readonly EntityRef[], page: { size: number; cursor?: string }): Promise<EntityPage> {
    const from = page.cursor === undefined ? 0 : Number(page.cursor);
    if (!Number.isInteger(from) || from < 0 || from > refs.length) throw invalidCursor();
    const slice = refs.slice(from, from + page.size);
    const found = new Map((await this.entitiesByKey(slice.map((r) => K.entity(orgId, r.entity_id)))).map((e) => [e._id, e]));
    const entities: Entity[] = [];
    const missing: EntityRef[] = [];
    for (const ref of slice) {
      const entity = found.get(ref.entity_id);
      if (entity && (!ref.entity_schema || entity._schema === ref.entity_schema)) entities.push(entity);
      else missing.push(ref);
    }
    const to = from + slice.length;
    return { entities, missing, ...(to < refs.length ? { cursor: String(to) } : {}) };
  }

  /** Entities by key, in the order of the keys. */
  private async entitiesByKey(keys: readonly { pk: string; sk: string }[]): Promise<Entity[]> {
    const byPk = new Map((await batchGetAll(this.db, this.tableName, keys)).map((item) => [String(item.pk), item.entity as Entity]));
    return keys.map((k) => byPk.get(k.pk)).filter((e): e is Entity => e !== undefined);
  }

  private item(orgId: string, entity: Entity, version: number, meta: EntityWriteMeta): Record<string, unknown> {
    return {
      ...K.entity(orgId, entity._id),
      schema_pk: K.schemaPk(orgId, entity._schema),
      org_pk: K.orgPk(orgId),
      org_id: orgId,
      entity,
      version,
      ...(meta.lineage ? { lineage: meta.lineage } : {}),
      ...(meta.activity ? { activity: meta.activity } : {}),
    };
  }
}

const invalidCursor = (): ValidationError => new ValidationError('invalid cursor', [{ path: 'cursor', message: 'is not a cursor of this selection' }]);

/** A filter cursor: which index partition, and the last entity key read in it. */
function encodeEntityCursor(at: { partition: number; pk?: string }): string {
  return Buffer.from(JSON.stringify(at)).toString('base64url');
}

function decodeEntityCursor(cursor: string | undefined, orgId: string, partitions: number): { partition: number; key?: { pk: string } } {
  if (cursor === undefined) return { partition: 0 };
  let at: { partition?: unknown; pk?: unknown };
  try {
    at = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof at;
  } catch {
    throw invalidCursor();
  }
  const partition = at.partition;
  if (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0 || partition >= partitions) throw invalidCursor();
  if (at.pk === undefined) return { partition };
  if (typeof at.pk !== 'string' || !at.pk.startsWith(K.entityPrefix(orgId))) throw invalidCursor();
  return { partition, key: { pk: at.pk } };
}
