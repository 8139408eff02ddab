import { z } from 'zod';
import { type EventLineage, MAX_LINEAGE_CHAIN } from './AutomationEvent';

/**
 * autoflow extension on executions (`chain`): the automations that led to this execution.
 * An execution started by an outside event has `{ flow_ids: [own flow], depth: 0 }`; one
 * started by an event with lineage L has `{ parent_execution_id: L.execution_id,
 * flow_ids: [...L.chain, own flow], depth: L.depth + 1 }`.
 */
export const FlowChainSchema = z
  .object({
    parent_execution_id: z.string().min(1).optional().describe('Execution whose action caused the triggering event.'),
    flow_ids: z.array(z.string().min(1)).describe('Flow ids, oldest first, ending with this execution\'s flow.'),
    depth: z.int().min(0).describe('0 when started by an event from outside autoflow.'),
  })
  .describe('autoflow extension: lineage of the execution, used to stop cycles between flows.');

export type FlowChain = z.infer<typeof FlowChainSchema>;

/** The chain of a new execution of `flowId`, started by an event with `lineage` (or none). */
export function chainFromLineage(lineage: EventLineage | undefined, flowId: string): FlowChain {
  if (!lineage) return { flow_ids: [flowId], depth: 0 };
  // keep the newest entries when the chain is at its limit; depth stays exact
  const flowIds = [...lineage.chain, flowId].slice(-MAX_LINEAGE_CHAIN);
  return { parent_execution_id: lineage.execution_id, flow_ids: flowIds, depth: lineage.depth + 1 };
}

/** The lineage carried by events that an execution's actions cause. */
export function lineageFromExecution(execution: { id: string; flow_id: string; chain?: FlowChain | undefined }): EventLineage {
  const chain = execution.chain ?? { flow_ids: [execution.flow_id], depth: 0 };
  return { execution_id: execution.id, flow_id: execution.flow_id, chain: chain.flow_ids.slice(-MAX_LINEAGE_CHAIN), depth: chain.depth };
}
