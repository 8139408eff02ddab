import { z } from 'zod';
import { JsonObjectSchema } from './JsonObject';

export const TriggerType = {
  frontend_submission: 'frontend_submission',
  journey_submission: 'journey_submission',
  api_submission: 'api_submission',
  entity_operation: 'entity_operation',
  activity: 'activity',
  entity_manual: 'entity_manual',
  received_email: 'received_email',
  new_email_thread: 'new_email_thread',
  flows_trigger: 'flows_trigger',
} as const;
export type TriggerType = (typeof TriggerType)[keyof typeof TriggerType];

export const EntityOperation = {
  createEntity: 'createEntity',
  updateEntity: 'updateEntity',
  deleteEntity: 'deleteEntity',
  softDeleteEntity: 'softDeleteEntity',
  restoreEntity: 'restoreEntity',
} as const;
export type EntityOperation = (typeof EntityOperation)[keyof typeof EntityOperation];

export const EntityOperationSchema = z.enum(EntityOperation);

// epilot documents trigger ids as UUIDs but its own examples use other strings; ids are opaque here.
const triggerId = () => z.string().min(1).optional().describe('Trigger id (opaque; epilot generates UUIDs).');

const sourceId = (description: string) => z.string().min(1).describe(description);

/**
 * EventBridge-style content patterns. Only their being JSON objects is checked here; the
 * pattern syntax is checked by the validator passed to `parseFlow`.
 */
const patternObject = (description: string) => JsonObjectSchema.describe(description);

export const EntityOperationFilterConfigSchema = z
  .strictObject({
    operation: z
      .strictObject({
        operation: z
          .array(EntityOperationSchema.nullable())
          .optional()
          .describe('Operations to match; all operations when absent.'),
        payload: patternObject('EventBridge content pattern on the new image of the entity, e.g. {"_schema": ["order"], "status": ["placed"]}.').optional(),
        diff: patternObject(
          'EventBridge content pattern on the diff: {"added": {...}, "updated": {...}, "deleted": {...}} or {"$or": [...]}. `updated` holds PREVIOUS values, so "status changed from A to B" is payload.status = [B] with diff.updated.status = [A].',
        ).optional(),
      })
      .optional(),
    activity: z
      .strictObject({
        type: z
          .array(z.union([z.string(), JsonObjectSchema]))
          .optional()
          .describe('Activity types to match (literals or EventBridge matchers such as {"prefix": "Doc"}); all when absent.'),
      })
      .optional(),
  })
  .meta({ id: 'EntityOperationFilterConfig', description: 'Filter on entity events, in EventBridge content-pattern syntax.' });

export const FrontendSubmitTriggerSchema = z
  .strictObject({
    id: triggerId(),
    type: z.literal(TriggerType.frontend_submission),
    configuration: z.strictObject({ source_id: sourceId('Frontend (widget) id; any source when absent.').optional() }),
  })
  .meta({ id: 'FrontendSubmitTrigger', description: 'Starts on a frontend submission.' });

export const JourneySubmitTriggerSchema = z
  .strictObject({
    id: triggerId(),
    type: z.literal(TriggerType.journey_submission),
    configuration: z.strictObject({ source_id: sourceId('Journey id whose submissions start the flow.') }),
  })
  .meta({ id: 'JourneySubmitTrigger', description: 'Starts on a journey submission.' });

export const ApiSubmissionTriggerSchema = z
  .strictObject({
    id: triggerId(),
    type: z.literal(TriggerType.api_submission),
    configuration: z.strictObject({ source_id: sourceId('API submission source; any source when absent.').optional() }),
  })
  .meta({ id: 'ApiSubmissionTrigger', description: 'Starts on a submission made through the API.' });

export const EntityOperationTriggerSchema = z
  .strictObject({
    id: triggerId(),
    type: z.literal(TriggerType.entity_operation),
    configuration: z.strictObject({
      schema: z.string().min(1).optional().describe('Entity schema to listen to, e.g. "contact"; any schema when absent.'),
      operations: z.array(EntityOperationSchema).min(1).optional().describe('Operations to listen to.'),
      include_activities: z.array(z.string()).optional().describe('Only events whose activity type is listed.'),
      exclude_activities: z.array(z.string()).optional().describe('Never events whose activity type is listed.'),
      filter_config: EntityOperationFilterConfigSchema.optional(),
      ecp_config: z
        .strictObject({
          origin: z.string().optional(),
          portal_id: z.string().optional(),
          file_config: z.strictObject({ shared_with_end_customer: z.boolean().optional() }).optional(),
        })
        .optional()
        .describe('Restricts to changes made from an end-customer portal.'),
    }),
  })
  .meta({ id: 'EntityOperationTrigger', description: 'Starts when an entity is created, updated, deleted or restored.' });

export const ActivityTriggerSchema = z
  .strictObject({
    id: triggerId(),
    type: z.literal(TriggerType.activity),
    configuration: z.strictObject({
      schema: z.string().min(1).optional().describe('Entity schema of the activity.'),
      types: z.array(z.string()).optional().describe('Activity types, e.g. "DocDownloadedFromPortal".'),
    }),
  })
  .meta({ id: 'ActivityTrigger', description: 'Starts on an entity activity.' });

export const EntityManualTriggerSchema = z
  .strictObject({
    id: triggerId(),
    type: z.literal(TriggerType.entity_manual),
    configuration: z.strictObject({
      schema: z.string().min(1).optional().describe('Which entity schema the flow can be started from.'),
    }),
  })
  .meta({ id: 'EntityManualTrigger', description: 'Started by a person from an entity.' });

export const ReceivedEmailTriggerSchema = z
  .strictObject({
    id: triggerId(),
    type: z.literal(TriggerType.received_email),
    configuration: z.strictObject({ message_type: z.literal('RECEIVED').optional() }),
  })
  .meta({ id: 'ReceivedEmailTrigger', description: 'Starts when an email is received.' });

export const NewEmailThreadTriggerSchema = z
  .strictObject({
    id: triggerId(),
    type: z.literal(TriggerType.new_email_thread),
    configuration: z.strictObject({
      shared_inbox_ids: z.array(z.string()).optional().describe('Shared inboxes to match.'),
      direction: z.enum(['INBOUND', 'OUTBOUND', 'BOTH']).describe('Which emails start a thread that matches.'),
    }),
  })
  .meta({ id: 'NewEmailThreadTrigger', description: 'Starts when a new email thread begins.' });

export const FlowsTriggerSchema = z
  .strictObject({
    id: triggerId(),
    type: z.literal(TriggerType.flows_trigger),
    configuration: z
      .strictObject({ journey_id: z.string().min(1).optional().describe('Journey linked to the workflow.') })
      .optional(),
  })
  .meta({ id: 'FlowsTrigger', description: 'Started from a workflow (journey automation).' });

export const AnyTriggerSchema = z
  .discriminatedUnion('type', [
    FrontendSubmitTriggerSchema,
    JourneySubmitTriggerSchema,
    ApiSubmissionTriggerSchema,
    EntityOperationTriggerSchema,
    ActivityTriggerSchema,
    EntityManualTriggerSchema,
    ReceivedEmailTriggerSchema,
    NewEmailThreadTriggerSchema,
    FlowsTriggerSchema,
  ])
  .meta({ id: 'AnyTrigger', description: 'What starts the flow; `type` picks the kind.' });

export type FrontendSubmitTrigger = z.infer<typeof FrontendSubmitTriggerSchema>;
export type JourneySubmitTrigger = z.infer<typeof JourneySubmitTriggerSchema>;
export type ApiSubmissionTrigger = z.infer<typeof ApiSubmissionTriggerSchema>;
export type EntityOperationTrigger = z.infer<typeof EntityOperationTriggerSchema>;
export type EntityOperationFilterConfig = z.infer<typeof EntityOperationFilterConfigSchema>;
export type ActivityTrigger = z.infer<typeof ActivityTriggerSchema>;
export type EntityManualTrigger = z.infer<typeof EntityManualTriggerSchema>;
export type ReceivedEmailTrigger = z.infer<typeof ReceivedEmailTriggerSchema>;
export type NewEmailThreadTrigger = z.infer<typeof NewEmailThreadTriggerSchema>;
export type FlowsTrigger = z.infer<typeof FlowsTriggerSchema>;
export type AnyTrigger = z.infer<typeof AnyTriggerSchema>;
