import { createHash } from 'node:crypto';

/**
 * How the trigger queue's FIFO message groups are chosen, a deployment setting
 * (`AUTOFLOW_TRIGGER_GROUPING`). Events of one group are matched one after another, in order;
 * different groups side by side.
 * - `org`: one group per org. Every event of an org in order; one org matched one batch at a time.
 * - `entity`: one group per org and entity. Each entity's events in order; an org's entities side
 *   by side. Events without an entity fall back to the org's group.
 * - `bucket:N`: one of N groups per org, by a hash of the entity id. Each entity's events in order
 *   (an entity always hashes to the same bucket); at most N of an org's groups side by side.
 */
export type MessageGrouping = { kind: 'org' } | { kind: 'entity' } | { kind: 'bucket'; buckets: number };

export const DEFAULT_MESSAGE_GROUPING: MessageGrouping = { kind: 'org' };

/** Parses `org`, `entity` or `bucket:N` (N from 1 to 1,000); undefined when it is none of them. */
export function parseMessageGrouping(text: string): MessageGrouping | undefined {
  if (text === 'org' || text === 'entity') return { kind: text };
  const bucket = /^bucket:(\d{1,4})$/.exec(text);
  const buckets = bucket ? Number(bucket[1]) : NaN;
  return Number.isInteger(buckets) && buckets >= 1 && buckets <= 1_000 ? { kind: 'bucket', buckets } : undefined;
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

/** SQS takes group ids of up to 128 characters. */
const MAX_GROUP_ID = 128;

/** The message group of an event: it always begins with its org id and a `#` when it is finer than the org. */
export function messageGroupOf(event: { org_id: string; entity?: { _id?: unknown } | undefined }, grouping: MessageGrouping): string {
  const entityId = typeof event.entity?._id === 'string' && event.entity._id.length > 0 ? event.entity._id : undefined;
  if (grouping.kind === 'org' || entityId === undefined) return event.org_id;
  let group: string;
  if (grouping.kind === 'bucket') group = `${event.org_id}#b${parseInt(digest(entityId).slice(0, 8), 16) % grouping.buckets}`;
  else {
    const plain = `${event.org_id}#e:${entityId}`;
    // Entity ids with characters SQS refuses, or too long, are grouped by their digest instead.
    group = plain.length <= MAX_GROUP_ID && /^[\x21-\x7e]+$/.test(plain) ? plain : `${event.org_id}#h:${digest(entityId).slice(0, 40)}`;
  }
  // An org id too long to carry a finer group keeps the org's group.
  return group.length <= MAX_GROUP_ID ? group : event.org_id;
}

/** The org a message group belongs to (org ids never contain `#`). */
export const orgOfMessageGroup = (groupId: string): string => groupId.split('#', 1)[0]!;
