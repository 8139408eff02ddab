import { randomUUID } from 'node:crypto';
import { applyMapping, MapEntityConfigSchema, NonRetryableError, renderTemplate, resolveMapEntityTarget, type MapEntityConfig } from '@autoflow/core';
import type { Entity } from '../ports';
import type { ActionContext, ActionDeps, ActionHandler } from './ActionHandler';
import { parseActionConfig } from './parseActionConfig';
import { renderTemplateOrThrow } from './renderTemplateOrThrow';

type TargetPlan =
  | { operation: 'update'; entity: Entity }
  | { operation: 'create'; entity: undefined };

/**
 * map-entity: maps attributes of the trigger entity (and the trigger and earlier outputs)
 * onto an entity — the trigger entity itself, a new entity, or a named one — and writes the
 * result through the entity port, stamped with the execution's lineage so that the
 * `entity_operation` event the write causes can be traced back (and loops stopped).
 *
 * Not implemented yet (accepted by the schema, without effect): upsert by `target_unique`,
 * `relation_attributes`, the link back to the trigger entity (`linkback_*`) and stored
 * `mapping_config` references — the entity port has no query by attribute values.
 */
export function createMapEntityHandler(deps: Pick<ActionDeps, 'entities'>): ActionHandler {
  return async (ctx) => {
    const config = parseActionConfig(MapEntityConfigSchema, ctx);
    const source: Record<string, unknown> = { ...ctx.entity, _trigger: ctx.trigger, _outputs: ctx.outputs };
    const plan = await resolveTarget(deps, ctx, config, source);

    const { patch, problems } = applyMapping(config.mapping_attributes ?? [], {
      source,
      target: plan.entity ?? {},
      render: (template, data) => renderTemplate(template, data, { escape: false }),
      random: Math.random,
      generateId: () => randomUUID(),
    });
    if (problems.length > 0) {
      throw new NonRetryableError('MAPPING_ERROR', `Mapping failed: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, {
        info: { problems },
      });
    }

    const attributes = Object.keys(patch);
    if (plan.operation === 'create') {
      const created = await deps.entities.create(
        ctx.org_id,
        { ...patch, _schema: config.target_schema },
        { lineage: ctx.lineage, activity: { type: 'EntityCreatedByAutomation' } },
      );
      return { outputs: { entity_id: created._id, schema: created._schema, operation: 'create', attributes } };
    }

    // an empty patch would still be a write (and an entity_operation event that could trigger flows)
    if (attributes.length > 0) {
      await deps.entities.update(ctx.org_id, plan.entity._id, patch, {
        lineage: ctx.lineage,
        activity: { type: 'EntityUpdatedByAutomation' },
      });
    }
    return { outputs: { entity_id: plan.entity._id, schema: plan.entity._schema, operation: 'update', attributes } };
  };
}

/**
 * `target` decides which entity is written: 'self' (the default when `target_schema` is the
 * trigger entity's schema), 'new' (the default otherwise) or `{ entity_id }` (which may be a
 * template, e.g. `{{_outputs.create_contact.entity_id}}`). The entity to update is read
 * fresh, not taken from the execution's snapshot, so the mapping sees its current values.
 */
async function resolveTarget(
  deps: Pick<ActionDeps, 'entities'>,
  ctx: ActionContext,
  config: MapEntityConfig,
  source: Record<string, unknown>,
): Promise<TargetPlan> {
  const target = resolveMapEntityTarget(config, ctx.entity?._schema);
  if (target === 'new') return { operation: 'create', entity: undefined };

  let entityId: string;
  if (target === 'self') {
    if (ctx.entity === undefined) {
      throw new NonRetryableError('BAD_CONFIG', "map-entity target 'self' needs a trigger entity, and this execution has none");
    }
    entityId = ctx.entity._id;
  } else {
    entityId = target.entity_id.includes('{{') ? renderTemplateOrThrow(target.entity_id, source, 'target.entity_id').trim() : target.entity_id;
    if (entityId === '') throw new NonRetryableError('BAD_CONFIG', `map-entity target.entity_id rendered to an empty id (${target.entity_id})`);
  }

  const entity = await deps.entities.get(ctx.org_id, entityId);
  if (entity === undefined) {
    throw new NonRetryableError('ENTITY_NOT_FOUND', `Entity ${entityId} to map onto does not exist`, { info: { entity_id: entityId } });
  }
  if (entity._schema !== config.target_schema) {
    throw new NonRetryableError(
      'BAD_CONFIG',
      `map-entity target_schema is ${config.target_schema} but entity ${entityId} is a ${entity._schema}`,
      { info: { entity_id: entityId, schema: entity._schema, target_schema: config.target_schema } },
    );
  }
  return { operation: 'update', entity };
}
