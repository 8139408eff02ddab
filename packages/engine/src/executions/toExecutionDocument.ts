import { type ActionResult, chainFromLineage } from '@autoflow/core';
import type { ExecutionRecord } from '../ports';

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/**
 * The epilot-compatible `AutomationExecution` document, composed from the execution's items:
 * the compact state, the flow snapshot, the entity snapshot, the trigger and the results.
 * (epilot's schema lists `status` as required; autoflow never writes it, see DESIGN §1.)
 */
export function toExecutionDocument(record: ExecutionRecord): Record<string, unknown> {
  const { state, flow, entity, trigger, results } = record;
  const latest = new Map<number, ActionResult>();
  for (const r of results) {
    const prev = latest.get(r.index);
    if (!prev || prev.attempt < r.attempt) latest.set(r.index, r);
  }
  const actions = state.acts.map((slot, index) => {
    const config = flow.actions[index] ?? { id: `#${index}`, type: 'unknown' };
    const result = latest.get(index);
    const failed = slot.s === 'failed' || (slot.s === 'scheduled' && result?.status === 'failed');
    return strip({
      ...config,
      execution_status: slot.s,
      started_at: iso(slot.at),
      updated_at: iso(slot.end ?? slot.at),
      attempts: slot.n,
      next_retry_at: slot.s === 'scheduled' ? iso(slot.ra) : undefined,
      outputs: result?.status === 'success' ? result.outputs : undefined,
      error_output:
        failed && result?.error
          ? { error_code: result.error.code, error_reason: result.error.reason, ...(result.error.info ? { error_info: result.error.info } : {}) }
          : undefined,
      reason: slot.s === 'skipped' || slot.s === 'cancelled' ? { message: slot.why ?? slot.s } : undefined,
    });
  });
  return strip({
    id: state.execution_id,
    org_id: state.org_id,
    flow_id: state.flow_id,
    flow_name: flow.flow_name,
    version: flow.version,
    execution_status: state.status,
    entity_id: state.entity_id,
    activity_id: trigger?.activity?.id,
    entity_snapshot: entity,
    created_at: iso(state.created_at),
    updated_at: iso(state.updated_at),
    current_action_id: state.cur >= 0 ? flow.actions[state.cur]?.id : undefined,
    conditions: flow.conditions,
    schedules: flow.schedules,
    actions,
    trigger_context: trigger?.trigger_context,
    trigger_event: trigger
      ? strip({
          type: trigger.type,
          org_id: state.org_id,
          entity_id: state.entity_id,
          activity_id: trigger.activity?.id,
          operation_type: trigger.operation,
          event_id: trigger.event_id,
          trigger_context: trigger.trigger_context,
          // autoflow extension: the bulk job that started the execution
          bulk_job_id: trigger.bulk_job_id,
        })
      : undefined,
    chain: chainFromLineage(trigger?.lineage, state.flow_id),
    reason: state.reason,
  });
}

function strip<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
