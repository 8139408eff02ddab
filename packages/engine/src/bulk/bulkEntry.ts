import { initialState, matchFlow } from '@autoflow/core';
import { executionIdFor } from '../executions/executionId';
import { planOf } from '../executions/planOf';
import type { BulkStartEntry, Entity, EntityPage, EntitySelection, StoredFlow } from '../ports';
import type { BulkEntityQuery, BulkJob, EntityRef } from './BulkJob';

/** Why an entity of a bulk job got no execution. */
export const SuppressionReason = {
  not_found: 'not_found',
  not_accepted: 'not_accepted_by_trigger',
  listed_twice: 'listed_twice',
} as const;

export const bulkEventId = (jobId: string, entityId: string): string => `bulk:${jobId}:${entityId}`;

/** The execution id of an entity within a job: the same however often the entity is handed over. */
export const bulkExecutionId = (job: Pick<BulkJob, 'org_id' | 'job_id' | 'flow_id'>, entityId: string): string =>
  executionIdFor(job.org_id, bulkEventId(job.job_id, entityId), job.flow_id);

/**
 * What one page of a job's entities becomes: a progress row per entity, with an execution for
 * every entity the flow accepts (a manual start of the flow; an `entity_manual` trigger's schema
 * must match) and a suppression reason for the others.
 */
export function bulkEntries(job: BulkJob, flow: StoredFlow, page: Pick<EntityPage, 'entities' | 'missing'>, now: number): BulkStartEntry[] {
  const at = new Date(now).toISOString();
  const skipped = (ref: EntityRef, error: string): BulkStartEntry => ({
    progress: { entity_id: ref.entity_id, entity_schema: ref.entity_schema, execution_status: 'skipped', timestamp: at, error },
  });
  const entries = page.missing.map((ref) => skipped(ref, SuppressionReason.not_found));
  for (const entity of page.entities) {
    const ref = { entity_id: entity._id, entity_schema: entity._schema };
    const event = { type: 'manual', org_id: job.org_id, flow_id: flow.id, entity };
    if (!matchFlow(flow, event)) {
      entries.push(skipped(ref, SuppressionReason.not_accepted));
      continue;
    }
    entries.push({ progress: { ...ref, execution_id: bulkExecutionId(job, entity._id), execution_status: 'starting', timestamp: at }, execution: newExecution(job, flow, entity, now) });
  }
  return entries;
}

function newExecution(job: BulkJob, flow: StoredFlow, entity: Entity, now: number): NonNullable<BulkStartEntry['execution']> {
  return {
    state: initialState({ org_id: job.org_id, execution_id: bulkExecutionId(job, entity._id), flow_id: flow.id, entity_id: entity._id, plan: planOf(flow), now }),
    flow,
    entity,
    trigger: {
      event_id: bulkEventId(job.job_id, entity._id),
      type: 'manual',
      occurred_at: new Date(now).toISOString(),
      activity: { type: 'BulkExecution', caller: { source: 'bulk_job', job_id: job.job_id, user_id: job.created_by } },
      ...(job.trigger_context ? { trigger_context: job.trigger_context } : {}),
      bulk_job_id: job.job_id,
    },
  };
}

/** Counts entries by suppression reason. */
export function suppressionCounts(entries: readonly BulkStartEntry[], only?: ReadonlySet<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of entries) {
    if (e.execution || (only && !only.has(e.progress.entity_id))) continue;
    const reason = e.progress.error ?? 'suppressed';
    counts[reason] = (counts[reason] ?? 0) + 1;
  }
  return counts;
}

export function addCounts(into: Record<string, number>, add: Record<string, number>): Record<string, number> {
  for (const [k, v] of Object.entries(add)) into[k] = (into[k] ?? 0) + v;
  return into;
}

/** What the entity source pages through for a job. */
export const selectionOf = (query: BulkEntityQuery): EntitySelection =>
  query.type === 'refs' ? { refs: query.data } : { filter: query.type === 'query' ? query.filter : query.data };

/** The reason an execution ended badly, as a person would read it. */
export function failureReason(state: { status: string; reason?: string; acts: Array<{ s: string; why?: string }> }): string {
  const failed = state.acts.find((a) => a.s === 'failed');
  return state.reason ?? failed?.why ?? state.status;
}
