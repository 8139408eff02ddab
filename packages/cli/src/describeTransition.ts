import { type Decision, type ExecutionState, isFinal } from '@autoflow/core';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-/i;

/** Generated ids shortened to their first 8 characters; ids people chose (e.g. "order-placed") kept whole. */
export const shortId = (id: string): string => (UUID.test(id) ? id.slice(0, 8) : id);

/** One readable line per execution transition (the dispatcher's decision on a state), or none. */
export function describeTransition(state: ExecutionState, decision: Decision): string | undefined {
  if (decision.kind === 'none') return undefined;
  const next = decision.next;
  const head = `execution ${shortId(state.execution_id)} (flow ${shortId(state.flow_id)})`;
  if (decision.kind === 'dispatch') {
    const d = decision.dispatch;
    return `${head}: run ${d.action_type} "${d.action_id}" attempt ${d.attempt}`;
  }
  const changed = next.acts.flatMap((a, i) => (a.s !== state.acts[i]?.s ? [`action #${i + 1} ${a.s}${a.why ? ` (${a.why})` : ''}`] : []));
  return `${head}: ${isFinal(next.status) ? next.status.toUpperCase() : next.status}${changed.length ? ` — ${changed.join(', ')}` : ''}`;
}
