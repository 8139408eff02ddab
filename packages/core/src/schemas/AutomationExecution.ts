import { z } from 'zod';
import { ActionConditionSchema } from './ActionCondition';
import { ActionScheduleSchema } from './ActionSchedule';
import {
  CancelFlowExecutionActionSchema,
  CustomActionSchema,
  MapEntityActionSchema,
  SendEmailActionSchema,
  TriggerEventActionSchema,
  TriggerWebhookActionSchema,
  WaitActionSchema,
} from './AutomationAction';
import { AutomationEventType } from './AutomationEvent';
import { EntityOperationSchema } from './AutomationTrigger';
import { EntityItemSnapshotSchema } from './EntityItemSnapshot';
import { ErrorOutputSchema } from './ErrorOutput';
import { ExecutionStatusSchema } from './ExecutionStatus';
import { FlowChainSchema } from './FlowChain';
import { IsoDateTimeSchema } from './IsoDateTime';
import { JsonObjectSchema } from './JsonObject';
import { parseWithProblems, type ValidationProblem } from './ValidationProblem';

// epilot `RetryStrategy`: how `POST /executions/{id}/{action_id}/retrigger` continues. The
// execution module exports the `RetryStrategy` constant; only the schema is exported here.
const RetryStrategy = {
  RETRY_AND_RESUME: 'RETRY_AND_RESUME',
  RETRY_AND_STOP: 'RETRY_AND_STOP',
  RETRY_ALL_PARENT_CONDITION_ACTIONS: 'RETRY_ALL_PARENT_CONDITION_ACTIONS',
} as const;

export const RetryStrategySchema = z.enum(RetryStrategy);

/** Per-action execution state (epilot `AutomationActionExecutionState`). */
export const ActionExecutionStateShape = {
  execution_status: ExecutionStatusSchema.optional(),
  started_at: z.string().optional(),
  updated_at: z.string().optional(),
  outputs: JsonObjectSchema.optional(),
  error_output: ErrorOutputSchema.optional(),
  retry_strategy: RetryStrategySchema.optional(),
};

export const ActionExecutionStateSchema = z.object(ActionExecutionStateShape);

/**
 * An action in an execution: the flow action (same typed configs) plus its state. Read
 * tolerantly: unknown envelope fields are dropped instead of failing the read.
 */
export const ExecutionActionSchema = z.union([
  z.object({ ...CustomActionSchema.shape, ...ActionExecutionStateShape }),
  z.discriminatedUnion('type', [
    z.object({ ...TriggerWebhookActionSchema.shape, ...ActionExecutionStateShape }),
    z.object({ ...MapEntityActionSchema.shape, ...ActionExecutionStateShape }),
    z.object({ ...SendEmailActionSchema.shape, ...ActionExecutionStateShape }),
    z.object({ ...TriggerEventActionSchema.shape, ...ActionExecutionStateShape }),
    z.object({ ...CancelFlowExecutionActionSchema.shape, ...ActionExecutionStateShape }),
    z.object({ ...WaitActionSchema.shape, ...ActionExecutionStateShape }),
  ]),
]);

// epilot's trigger event variants; `type` is optional in its spec, and unknown fields are kept.
export const TriggerEventManualSchema = z.looseObject({
  type: z.literal('manual').optional(),
  org_id: z.string(),
  entity_id: z.string(),
  caller: JsonObjectSchema.optional(),
});

export const TriggerEventEntityActivitySchema = z.looseObject({
  type: z.literal('entity_activity').optional(),
  org_id: z.string(),
  activity_id: z.string(),
  activity_type: z.string(),
  entity_id: z.string().optional(),
});

export const TriggerEventEntityOperationSchema = z.looseObject({
  type: z.literal('entity_operation').optional(),
  entity_id: z.string(),
  org_id: z.string(),
  activity_id: z.string(),
  operation_type: EntityOperationSchema,
});

export const TriggerEventFlowAutomationTaskSchema = z.looseObject({
  type: z.literal('flow_automation_task').optional(),
  org_id: z.string(),
  entity_id: z.string(),
  flow_execution_id: z.string(),
  flow_automation_task_id: z.string(),
  caller: JsonObjectSchema.optional(),
});

export const TriggerEventMessagingSchema = z.looseObject({
  type: z.literal('new_email_thread').optional(),
  org_id: z.string(),
  thread_id: z.string(),
  message_id: z.string(),
  entity_id: z.string(),
});

/** autoflow extension: the trigger of an execution started by an event no epilot variant describes. */
export const TriggerEventAutoflowSchema = z.looseObject({
  type: z.enum(AutomationEventType),
  org_id: z.string(),
  event_id: z.string(),
  entity_id: z.string().optional(),
  source_id: z.string().optional(),
});

export const ExecutionTriggerEventSchema = z.union([
  TriggerEventManualSchema,
  TriggerEventEntityActivitySchema,
  TriggerEventEntityOperationSchema,
  TriggerEventFlowAutomationTaskSchema,
  TriggerEventMessagingSchema,
  TriggerEventAutoflowSchema,
]);

/** epilot's internal `ExecutionChain` of workflow executions. */
export const ExecutionChainSchema = z.object({
  parent_execution_id: z.string().optional(),
  parent_task_id: z.string().optional(),
  depth: z.int().optional(),
});

export const WorkflowExecutionContextSchema = z.object({
  workflow_exec_id: z.string(),
  workflow_exec_task_id: z.string().optional(),
  workflow_role: z.enum(['trigger_workflow', 'run_task_automation']),
  _execution_chain: ExecutionChainSchema.optional(),
});

/**
 * The execution document of the API. epilot's schema lists `status` as required, a field it
 * never declares (the status is `execution_status`): documents with or without `status` are
 * read, `status` is dropped, and parsed documents never carry it. Unknown top-level fields are
 * dropped likewise, so documents written by other versions can be read.
 */
export const AutomationExecutionSchema = z.object({
  id: z.string().min(1),
  execution_status: ExecutionStatusSchema,
  entity_id: z.string(),
  activity_id: z.string().optional(),
  entity_snapshot: EntityItemSnapshotSchema.optional(),
  org_id: z.string().min(1),
  flow_id: z.string().min(1),
  flow_name: z.string().optional(),
  created_at: IsoDateTimeSchema.optional(),
  updated_at: IsoDateTimeSchema.optional(),
  current_action_id: z.string().optional(),
  conditions: z.array(ActionConditionSchema).optional(),
  schedules: z.array(ActionScheduleSchema).optional(),
  actions: z.array(ExecutionActionSchema),
  resume_token: z.string().optional(),
  trigger_context: z.record(z.string(), z.string()).optional(),
  version: z.number().optional(),
  trigger_event: ExecutionTriggerEventSchema.optional(),
  workflow_context: WorkflowExecutionContextSchema.optional(),
  chain: FlowChainSchema.optional(),
});

export type ActionExecutionState = z.infer<typeof ActionExecutionStateSchema>;
export type ExecutionAction = z.output<typeof ExecutionActionSchema>;
export type ExecutionTriggerEvent = z.infer<typeof ExecutionTriggerEventSchema>;
export type ExecutionChain = z.infer<typeof ExecutionChainSchema>;
export type WorkflowExecutionContext = z.infer<typeof WorkflowExecutionContextSchema>;
export type AutomationExecution = z.output<typeof AutomationExecutionSchema>;

export type ParseExecutionResult =
  | { readonly ok: true; readonly execution: AutomationExecution }
  | { readonly ok: false; readonly problems: ValidationProblem[] };

/** Reads an execution document (stored or received), tolerating epilot's spec defects. */
export function parseExecution(input: unknown): ParseExecutionResult {
  const parsed = parseWithProblems(AutomationExecutionSchema, input);
  return parsed.ok ? { ok: true, execution: parsed.data } : { ok: false, problems: parsed.problems };
}
