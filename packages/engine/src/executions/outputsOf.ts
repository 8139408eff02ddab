import type { ActionResult } from '@autoflow/core';

/** The outputs of the actions that succeeded, by action id (what conditions and templates read). */
export function outputsOf(results: readonly ActionResult[]): Record<string, Record<string, unknown>> {
  const outputs: Record<string, Record<string, unknown>> = {};
  for (const r of results) if (r.status === 'success' && r.outputs) outputs[r.action_id] = r.outputs;
  return outputs;
}
