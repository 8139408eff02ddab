import {
  AutomationEventSchema,
  AutomationExecutionSchema,
  AutomationFlowSchema,
  EntityItemSnapshotSchema,
  REFINE_EVEN_IF_INVALID,
  RetryStrategySchema,
  checkFilterPatterns,
  isRecord,
  validatePattern,
} from '@autoflow/core';
import { MAX_EVENTS_PER_REQUEST } from '@autoflow/engine';
import { z } from '@hono/zod-openapi';

/**
 * Ids in paths and ids a client chooses (flow `id`, entity `_id`): opaque strings, but never
 * with `#`, which separates the parts of store keys, nor control characters.
 */
export const ResourceIdSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^#\u0000-\u001f\u007f]+$/, { error: 'must not contain "#" or control characters' });

export const EntitySchemaNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_\-.:]+$/, { error: 'may only contain letters, digits, _, -, . and :' })
  .openapi({ example: 'order' });

const pathId = (name: string, description: string) =>
  ResourceIdSchema.openapi({ param: { name, in: 'path', required: true }, description, example: '9baf184f-bc81-4128-bca3-d974c90a12c4' });

export const FlowIdParams = z.object({ flow_id: pathId('flow_id', 'Automation flow id') });
export const ExecutionIdParams = z.object({ execution_id: pathId('execution_id', 'Execution id') });
export const RetriggerParams = z.object({
  execution_id: pathId('execution_id', 'Execution id'),
  action_id: pathId('action_id', 'Id of the action to retry'),
});
export const ScheduleParams = z.object({
  execution_id: pathId('execution_id', 'Execution id'),
  schedule_id: pathId('schedule_id', 'Id of the schedule to cancel'),
});
export const JobIdParams = z.object({ job_id: pathId('job_id', 'Bulk job id') });
export const EntityCollectionParams = z.object({
  schema: EntitySchemaNameSchema.openapi({ param: { name: 'schema', in: 'path', required: true }, description: 'Entity schema' }),
});
export const EntityParams = z.object({
  schema: EntitySchemaNameSchema.openapi({ param: { name: 'schema', in: 'path', required: true }, description: 'Entity schema' }),
  id: pathId('id', 'Entity id'),
});

/** A non-negative whole number in a query string. */
const queryInt = (name: string, options: { min: number; max: number; default: number; description: string }) =>
  z
    .string()
    .regex(/^\d{1,6}$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(z.int().min(options.min).max(options.max))
    .optional()
    .openapi({ param: { name, in: 'query' }, type: 'integer', minimum: options.min, maximum: options.max, default: options.default, description: options.description });

const queryBool = (name: string, description: string) =>
  z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .openapi({ param: { name, in: 'query' }, type: 'boolean', default: false, description });

export const PAGE_DEFAULT = 25;
export const PAGE_MAX = 100;

export const SearchFlowsQuery = z.strictObject({
  schema: EntitySchemaNameSchema.optional().openapi({ param: { name: 'schema', in: 'query' }, description: 'Entity schema the flows react to' }),
  size: queryInt('size', { min: 1, max: PAGE_MAX, default: PAGE_DEFAULT, description: 'Pagination: max number of results to return' }),
  from: queryInt('from', { min: 0, max: 100_000, default: 0, description: 'Pagination: starting for results' }),
  trigger_source_id: ResourceIdSchema.optional().openapi({ param: { name: 'trigger_source_id', in: 'query' }, description: 'Trigger source identifier' }),
  include_flows: queryBool('include_flows', 'Include flow automations (flows started from workflows, `flows_trigger`) in the response'),
});

export const GetExecutionsQuery = z.strictObject({
  entity_id: ResourceIdSchema.openapi({
    param: { name: 'entity_id', in: 'query', required: true },
    description: 'Entity whose executions to list (required here; POST /v1/automation/executions:search lists all executions of the org)',
  }),
  size: queryInt('size', { min: 1, max: PAGE_MAX, default: PAGE_DEFAULT, description: 'Pagination: max number of results to return' }),
  from: queryInt('from', { min: 0, max: 100_000, default: 0, description: 'Pagination: starting for results' }),
  include_flows: queryBool('include_flows', 'Accepted for compatibility; executions of every flow are listed'),
});

/**
 * The flow document as the handlers read it: epilot's AutomationFlow with autoflow's strictness
 * (unknown fields are errors), trigger filter patterns checked, and ids a client chooses kept
 * addressable. Every problem is reported at once.
 */
export const FlowSchema = AutomationFlowSchema.superRefine((flow, ctx) => {
  for (const problem of checkFilterPatterns(flow, validatePattern)) {
    ctx.addIssue({ code: 'custom', path: pathSegments(problem.path), message: problem.message });
  }
  if (isRecord(flow) && flow.id !== undefined) {
    const id = ResourceIdSchema.safeParse(flow.id);
    if (!id.success) ctx.addIssue({ code: 'custom', path: ['id'], message: id.error.issues[0]?.message ?? 'is not a valid id' });
  }
}, REFINE_EVEN_IF_INVALID).meta({ id: 'AutomationFlow', description: 'An automation flow (epilot AutomationFlow; unknown fields are rejected).' });

/** Pattern problems come with formatted paths (`triggers[0].configuration…`); issues need segments. */
function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return out;
}

export const ExecutionSchema = AutomationExecutionSchema.meta({ id: 'AutomationExecution', description: 'An execution of a flow (epilot AutomationExecution).' });

export const SearchAutomationsRespSchema = z
  .object({ total: z.number(), results: z.array(FlowSchema) })
  .openapi('SearchAutomationsResp');

export const GetExecutionsRespSchema = z
  .object({ total: z.number(), results: z.array(ExecutionSchema) })
  .openapi('GetExecutionsResp');

export const BatchGetFlowsBodySchema = z
  .strictObject({ ids: z.array(ResourceIdSchema).max(PAGE_MAX).describe(`Flow ids (at most ${PAGE_MAX}).`) })
  .openapi('BatchGetFlowsReq');

export const StartExecutionBodySchema = z
  .strictObject({
    flow_id: ResourceIdSchema.describe('Flow to start.'),
    entity_id: ResourceIdSchema.describe('Entity of the built-in entity store to start it for.'),
    trigger_context: z.record(z.string(), z.string()).optional().describe('Extra context passed to the execution (string values).'),
    workflow_context: z.looseObject({}).optional().describe('epilot workflow context; accepted and not used.'),
    flow_execution_id: z.string().optional().describe('Deprecated in epilot; accepted and not used.'),
    flow_automation_task_id: z.string().optional().describe('Deprecated in epilot; accepted and not used.'),
  })
  .openapi('StartExecutionRequest');

export const SearchExecutionsBodySchema = z
  .strictObject({
    size: z.int().min(1).max(PAGE_MAX).optional().describe(`Executions per page (default ${PAGE_DEFAULT}, at most ${PAGE_MAX}).`),
    cursor: z.string().min(1).max(4096).optional().describe('The `next_cursor` of the previous page; omit it for the first page.'),
  })
  .openapi('SearchExecutionsReq');

export const SearchExecutionsRespSchema = z
  .object({
    results: z.array(ExecutionSchema).describe('Executions of the org, newest first.'),
    next_cursor: z.string().optional().describe('Pass it as `cursor` to get the next page; absent on the last page (which may be empty).'),
  })
  .openapi('SearchExecutionsResp');

export const RetryReqSchema = z
  .strictObject({
    condition_id: z.string().min(1).optional().describe('The condition of the action, when retry_strategy is RETRY_ALL_PARENT_CONDITION_ACTIONS.'),
    retry_strategy: RetryStrategySchema.optional().describe('RETRY_AND_RESUME (default), RETRY_AND_STOP or RETRY_ALL_PARENT_CONDITION_ACTIONS.'),
  })
  .openapi('RetryReq');

export const ResumeReqSchema = z
  .strictObject({ resume_token: z.string().min(1).max(1024).describe('The single-use token given to the paused action.') })
  .openapi('ResumeReq');

export const ResumeRespSchema = z
  .object({ execution: ExecutionSchema, resumedAction: z.looseObject({}).describe('The action that was resumed.') })
  .openapi('ResumeResp');

/** An event as a platform sends it: `org_id` may be left out (the token's org is used). */
export const EventInputSchema = z
  .looseObject({
    event_id: AutomationEventSchema.shape.event_id,
    org_id: AutomationEventSchema.shape.org_id.optional().describe("Must be the token's org when given."),
    type: AutomationEventSchema.shape.type,
  })
  .meta({
    id: 'AutomationEventInput',
    description:
      'autoflow extension: a platform event (see docs/events.md for every field: entity, operation, diff, activity, source_id, payload, flow_id, trigger_context, lineage). Each event is checked in full; at most 256 KB each.',
  });

export const PublishEventsBodySchema = z
  .union([EventInputSchema, z.array(EventInputSchema).min(1).max(MAX_EVENTS_PER_REQUEST)])
  .openapi('PublishEventsReq');

export const PublishEventsRespSchema = z
  .object({ event_ids: z.array(z.string()).describe('Ids of the accepted events, in the order sent.') })
  .openapi('PublishEventsResp');

export const EntityBodySchema = z
  .looseObject({
    _id: ResourceIdSchema.optional().describe('Entity id; assigned when absent (create only).'),
    _schema: EntitySchemaNameSchema.optional().describe('Must be the schema of the path when given.'),
  })
  .meta({ id: 'EntityAttributes', description: 'autoflow extension: entity attributes (any JSON values). `_org`, `_created_at`, `_updated_at` are set by the store.' });

export const EntitySchema = EntityItemSnapshotSchema;

export const BulkJobQuery = z.strictObject({
  size: queryInt('size', { min: 1, max: PAGE_MAX, default: PAGE_MAX, description: 'Rows of `execution_summary` per page' }),
  cursor: z.string().min(1).max(1024).optional().openapi({ param: { name: 'cursor', in: 'query' }, description: 'The `next_cursor` of the previous page' }),
});

export const PatchBulkJobSchema = z
  .strictObject({
    action: z.enum(['APPROVE', 'CANCEL']),
    task_token: z.string().min(1).max(256),
  })
  .openapi('PatchBulkJobRequest');

const ExecItemSchema = z
  .object({
    entity_id: z.string(),
    entity_schema: z.string().optional(),
    execution_id: z.string().optional(),
    execution_status: z.string(),
    timestamp: z.string().optional(),
    error: z.string().optional(),
  })
  .openapi('ExecItem');

export const BulkJobSchema = z
  .looseObject({
    job_id: z.string(),
    org_id: z.string(),
    flow_id: z.string(),
    status: z.enum(['approval', 'querying_entities', 'entities_loaded', 'executing', 'monitoring', 'send_report', 'finished', 'failed', 'cancelled']),
    created_by: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    approved_at: z.string().optional(),
    trigger_context: z.record(z.string(), z.string()).optional(),
    task_token: z.string().optional().describe('Present while the job waits for approval'),
    entity_query: z.looseObject({ type: z.enum(['refs', 'query', 'filter']), data: z.unknown() }).optional(),
    pagination_state: z.looseObject({}).optional(),
    execution_summary: z.array(ExecItemSchema).optional(),
    preview: z.looseObject({}).optional().describe('autoflow extension: the dry run made when the job was created'),
    report: z.looseObject({}).optional().describe('autoflow extension: counts by final status and failures with reasons, once finished'),
    next_cursor: z.string().optional().describe('autoflow extension: cursor of the next page of `execution_summary`'),
  })
  .openapi('BulkTriggerJob');
