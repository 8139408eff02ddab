import { z } from 'zod';
import { EntityOperationSchema } from './AutomationTrigger';
import { EntityItemSnapshotSchema } from './EntityItemSnapshot';
import { IsoDateTimeSchema } from './IsoDateTime';
import { isRecord, JsonObjectSchema } from './JsonObject';
import { REFINE_EVEN_IF_INVALID } from './ValidationProblem';

/** The kinds of platform event autoflow accepts. See AutomationEvent.md. */
export const AutomationEventType = {
  entity_operation: 'entity_operation',
  activity: 'activity',
  entity_manual: 'entity_manual',
  manual: 'manual',
  journey_submission: 'journey_submission',
  frontend_submission: 'frontend_submission',
  api_submission: 'api_submission',
  received_email: 'received_email',
} as const;
export type AutomationEventType = (typeof AutomationEventType)[keyof typeof AutomationEventType];

/** Largest accepted event, in bytes of its JSON (UTF-8): the EventBridge entry limit. */
export const MAX_EVENT_BYTES = 256 * 1024;

/** Longest lineage chain kept; cycle and depth guards stop chains long before this. */
export const MAX_LINEAGE_CHAIN = 100;

const ORG_ID = /^[A-Za-z0-9_\-:.]+$/;

export const EventLineageSchema = z
  .strictObject({
    execution_id: z.string().min(1).describe('Execution whose action caused this event.'),
    flow_id: z.string().min(1).describe('Flow of that execution.'),
    chain: z
      .array(z.string().min(1))
      .max(MAX_LINEAGE_CHAIN)
      .describe('Flow ids of the executions that led to this event, oldest first, ending with flow_id.'),
    depth: z.int().min(0).describe('Depth of that execution: 0 when it was started by an event from outside autoflow.'),
  })
  .describe('Present on events caused by an automation.');

export const AutomationEventSchema = z
  .strictObject({
    event_id: z.string().min(1).max(128).describe('Unique per event; redeliveries carry the same id.'),
    org_id: z.string().min(1).max(128).regex(ORG_ID, { error: 'may only contain letters, digits, _, -, : and .' }).describe('Organisation (tenant) the event belongs to.'),
    type: z.enum(AutomationEventType),
    occurred_at: IsoDateTimeSchema.optional().describe('When it happened at the source.'),
    entity: EntityItemSnapshotSchema.optional().describe('New image of the entity.'),
    operation: EntityOperationSchema.optional(),
    diff: z
      .strictObject({
        added: JsonObjectSchema.optional().describe('Attributes that were added, with their values.'),
        updated: JsonObjectSchema.optional().describe('PREVIOUS values of the attributes that changed.'),
        deleted: JsonObjectSchema.optional().describe('Previous values of the attributes that were removed.'),
      })
      .optional()
      .describe('Difference to the previous image.'),
    activity: z
      .looseObject({
        id: z.string().optional(),
        type: z.string().min(1).describe('Activity type, e.g. "EntityUpdated", "DocUploadedFromPortal".'),
        caller: JsonObjectSchema.optional().describe('Who caused it.'),
      })
      .optional(),
    source_id: z.string().min(1).optional().describe('Journey, frontend or API source of a submission; mailbox of a received email.'),
    payload: JsonObjectSchema.optional().describe('Submission or email payload.'),
    flow_id: z.string().min(1).optional().describe('Flow to start (manual and entity_manual starts).'),
    trigger_context: z.record(z.string(), z.string()).optional().describe('Extra context passed to the execution.'),
    lineage: EventLineageSchema.optional(),
  })
  .superRefine((event, ctx) => {
    if (!isRecord(event)) return;
    const require = (key: string, types: readonly AutomationEventType[]) => {
      if ((event as Record<string, unknown>)[key] === undefined && types.some((t) => t === event.type)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `is required when type is ${JSON.stringify(event.type)}` });
      }
    };
    require('entity', [AutomationEventType.entity_operation, AutomationEventType.entity_manual, AutomationEventType.manual]);
    require('operation', [AutomationEventType.entity_operation]);
    require('activity', [AutomationEventType.activity]);
    // a person starts one chosen flow
    require('flow_id', [AutomationEventType.manual, AutomationEventType.entity_manual]);
  }, REFINE_EVEN_IF_INVALID);

export type AutomationEvent = z.infer<typeof AutomationEventSchema>;
export type EventLineage = z.infer<typeof EventLineageSchema>;
