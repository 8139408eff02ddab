/** The data the ports pass: executions, their snapshots and dispatches. */
import type { ActionResult, Dispatch, ExecutionState, FlowLike } from '@autoflow/core';

/** Lineage of an event caused by an automation: stops feedback loops between flows. */
export interface Lineage {
  execution_id: string;
  flow_id: string;
  /** flow ids, oldest first, including the flow that caused the event */
  chain: string[];
  depth: number;
}

export type Entity = Record<string, unknown> & { _id: string; _schema: string };

/** The trigger as stored with an execution (the entity itself is in its own snapshot item). */
export interface TriggerSnapshot {
  event_id: string;
  type: string;
  operation?: string;
  occurred_at?: string;
  diff?: { added?: Record<string, unknown>; updated?: Record<string, unknown>; deleted?: Record<string, unknown> };
  activity?: { id?: string; type: string; [k: string]: unknown };
  source_id?: string;
  payload?: Record<string, unknown>;
  trigger_context?: Record<string, string>;
  lineage?: Lineage;
  trigger_id?: string;
  /** the bulk job that started the execution */
  bulk_job_id?: string;
}

/** Everything stored about one execution, read in one query of its item collection. */
export interface ExecutionRecord<Flow = StoredFlow> {
  state: ExecutionState;
  flow: Flow;
  entity?: Entity;
  trigger?: TriggerSnapshot;
  results: ActionResult[];
}

/** The flow as the execution saw it (only the fields the engine reads are typed). */
export interface StoredFlow {
  id: string;
  org_id: string;
  flow_name: string;
  version?: number;
  enabled?: boolean;
  triggers: FlowLike['triggers'];
  trigger_conditions?: FlowLike['trigger_conditions'];
  actions: Array<{ id: string; type: string; name?: string; config?: Record<string, unknown>; [k: string]: unknown }>;
  conditions?: Array<{ id?: string; statements?: unknown[]; [k: string]: unknown }>;
  [k: string]: unknown;
}

export interface NewExecution {
  state: ExecutionState;
  flow: StoredFlow;
  entity?: Entity;
  trigger: TriggerSnapshot;
}

/** The message a worker receives: what to run and the state its claim commits. */
export interface DispatchMessage {
  dispatch: Dispatch;
  next: ExecutionState;
  /** what the action runs on, carried so the worker reads nothing (absent when too large to carry) */
  work?: DispatchWork;
}

/** What a worker needs besides the dispatch: the action from the flow snapshot and what its templates read. */
export interface DispatchWork {
  action: StoredFlow['actions'][number];
  flow_name: string;
  /** the action's own timeout (plan), if it has one */
  timeout_ms?: number | undefined;
  entity?: Entity;
  trigger?: TriggerSnapshot;
  /** outputs of the actions that succeeded so far, by action id */
  outputs: Record<string, Record<string, unknown>>;
}
