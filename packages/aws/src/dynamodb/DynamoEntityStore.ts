import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NonRetryableError } from '@autoflow/core';
import type { Clock, Entity, EntityStore, EntityWriteMeta } from '@autoflow/engine';
import { entityKeys as K } from '../tables/keys';
import { isConditionFailure } from './documentClient';

const MAX_ATTEMPTS = 5;

/**
 * The built-in entity store. Each write stores who caused it (`lineage` of an automation, or
 * the activity of a person) on the item, so the stream turns it into an `entity_operation`
 * event that carries it. Updates are optimistic (conditional on `version`).
 */
export class DynamoEntityStore implements EntityStore {
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

  private item(orgId: string, entity: Entity, version: number, meta: EntityWriteMeta): Record<string, unknown> {
    return {
      ...K.entity(orgId, entity._id),
      schema_pk: K.schemaPk(orgId, entity._schema),
      org_id: orgId,
      entity,
      version,
      ...(meta.lineage ? { lineage: meta.lineage } : {}),
      ...(meta.activity ? { activity: meta.activity } : {}),
    };
  }
}
