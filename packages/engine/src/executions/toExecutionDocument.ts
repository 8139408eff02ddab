import { type ActionResult, INVALID_SCHEDULE_CONFIG, chainFromLineage, isFinal } from '@autoflow/core';
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
    const failed = slot.s === 'failed' || (slot.s === 'scheduled' && slot.k === 'retry' && result?.status === 'failed');
    // A failure the engine decided itself (a schedule that cannot be computed) has no worker result.
    const engineError = slot.s === 'failed' && !result?.error ? codeAndReason(slot.why) : undefined;
    // An execution ended (cancelled, exited) while this action ran: the action shows what its
    // result says, or that it was cut off, never `in_progress` for ever.
    const status = slot.s === 'in_progress' && isFinal(state.status) ? (result && result.attempt === slot.n ? result.status : 'cancelled') : slot.s;
    return strip({
      ...config,
      execution_status: status,
      started_at: iso(slot.at),
      updated_at: iso(slot.end ?? slot.at),
      attempts: slot.n,
      // autoflow extensions: when a waiting action is due, and what it waits for
      next_retry_at: slot.s === 'scheduled' && (slot.k === 'retry' || slot.k === undefined) ? iso(slot.ra) : undefined,
      scheduled_at: config.type === 'wait' ? undefined : iso(slot.sa),
      wait_until: config.type === 'wait' ? iso(slot.sa) : undefined,
      waiting_for: slot.s === 'scheduled' ? slot.k : undefined,
      outputs: result?.status === 'success' ? result.outputs : undefined,
      error_output:
        failed && result?.error
          ? { error_code: result.error.code, error_reason: result.error.reason, ...(result.error.info ? { error_info: result.error.info } : {}) }
          : engineError,
      reason: slot.s === 'skipped' || slot.s === 'cancelled' ? { message: slot.why ?? slot.s } : undefined,
    });
  });
  // A condition block that could not be scheduled (its actions cancelled with the reason) records it, as epilot does.
  const conditions = flow.conditions?.map((condition) => {
    const cancelled = state.acts.findIndex((slot, i) => slot.s === 'cancelled' && flow.actions[i]?.condition_id === condition.id && slot.why?.startsWith(INVALID_SCHEDULE_CONFIG));
    return cancelled === -1 ? condition : { ...condition, error_output: codeAndReason(state.acts[cancelled]!.why) };
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
    conditions,
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

/** `CODE: reason` as stored in a slot's short `why`, as epilot's ErrorOutput. */
function codeAndReason(why: string | undefined): { error_code: string; error_reason: string } | undefined {
  if (!why) return undefined;
  const m = /^([A-Z_]+): (.*)$/s.exec(why);
  return m ? { error_code: m[1]!, error_reason: m[2]! } : { error_code: why, error_reason: why };
}
