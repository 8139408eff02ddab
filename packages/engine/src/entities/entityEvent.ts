import { computeDiff } from '@autoflow/core';
import type { Entity, EntityWriteMeta, Lineage } from '../ports';

/** One stored entity image as the entity table's stream carries it. */
export interface EntityImage {
  org_id: string;
  entity: Entity;
  version: number;
  lineage?: Lineage;
  activity?: EntityWriteMeta['activity'];
}

const OPERATION = { INSERT: 'createEntity', MODIFY: 'updateEntity', REMOVE: 'deleteEntity' } as const;
const ACTIVITY = { INSERT: 'EntityCreated', MODIFY: 'EntityUpdated', REMOVE: 'EntityDeleted' } as const;

/**
 * Turns a change of the built-in entity store into an `entity_operation` event, with the diff
 * computed from the old and new images and the lineage of the automation that made the write.
 * The event id is derived from the entity and its version, so a replayed stream record yields
 * the same event (and so the same executions).
 */
export function entityEventFromImages(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  oldImage: EntityImage | undefined,
  newImage: EntityImage | undefined,
  occurredAt: string,
): Record<string, unknown> & { event_id: string; org_id: string } {
  const image = newImage ?? oldImage;
  if (!image) throw new Error('a stream record needs at least one image');
  const version = eventName === 'REMOVE' ? (oldImage?.version ?? 0) + 1 : image.version;
  const meta = eventName === 'REMOVE' ? oldImage : newImage;
  return {
    event_id: `ent-${image.entity._id}-v${version}`,
    org_id: image.org_id,
    type: 'entity_operation',
    occurred_at: occurredAt,
    operation: OPERATION[eventName],
    entity: image.entity,
    diff: computeDiff(oldImage?.entity, newImage?.entity),
    // A delete is a delete, whatever the last write before it was.
    activity:
      eventName === 'REMOVE'
        ? { type: ACTIVITY.REMOVE }
        : { type: meta?.activity?.type ?? ACTIVITY[eventName], ...(meta?.activity?.caller ? { caller: meta.activity.caller } : {}) },
    ...(meta?.lineage && eventName !== 'REMOVE' ? { lineage: meta.lineage } : {}),
  };
}
