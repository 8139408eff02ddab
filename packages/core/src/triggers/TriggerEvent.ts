/** The parts of an incoming event that trigger matching reads (structural view of AutomationEvent). */
export interface TriggerEvent {
  type: string;
  org_id: string;
  entity?: Record<string, unknown>;
  operation?: string;
  diff?: { added?: Record<string, unknown>; updated?: Record<string, unknown>; deleted?: Record<string, unknown> };
  activity?: { type: string; [k: string]: unknown };
  source_id?: string;
  payload?: Record<string, unknown>;
  flow_id?: string;
}

/** The parts of a trigger that matching reads (structural view of the flow schema's triggers). */
export interface TriggerLike {
  id?: string;
  type: string;
  configuration?: Record<string, unknown>;
}

export interface TriggerConditionLike {
  source: string;
  comparison: string;
  value?: string | number | readonly string[] | readonly number[];
}

export interface FlowLike {
  id?: string;
  enabled?: boolean;
  triggers: readonly TriggerLike[];
  trigger_conditions?: readonly TriggerConditionLike[];
}
