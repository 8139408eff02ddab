import { z } from 'zod';
import { CancelFlowExecutionConfigSchema } from './CancelFlowExecutionConfig';
import { JsonObjectSchema } from './JsonObject';
import { MapEntityConfigSchema } from './MapEntityConfig';
import { RetryPolicySchema } from './RetryPolicy';
import { SendEmailConfigSchema } from './SendEmailConfig';
import { SendWindowSchema } from './SendWindow';
import { TriggerEventConfigSchema } from './TriggerEventConfig';
import { TimeoutMsSchema, TriggerWebhookConfigSchema } from './TriggerWebhookConfig';
import { WaitConfigSchema } from './WaitConfig';

/** Action types with a built-in worker and a typed `config`. Any other type goes to a custom worker. */
export const BuiltinActionType = {
  TriggerWebhook: 'trigger-webhook',
  MapEntity: 'map-entity',
  SendEmail: 'send-email',
  TriggerEvent: 'trigger-event',
  CancelFlowExecution: 'cancel-flow-execution',
  /** autoflow extension: waits for an event or a time; run by the dispatcher, not by a worker. */
  Wait: 'wait',
} as const;
export type BuiltinActionType = (typeof BuiltinActionType)[keyof typeof BuiltinActionType];

const BUILTIN_ACTION_TYPES: ReadonlySet<string> = new Set<string>(Object.values(BuiltinActionType));

export const isBuiltinActionType = (type: string): type is BuiltinActionType => BUILTIN_ACTION_TYPES.has(type);

/**
 * Longest custom action type: the worker is addressed by the EventBridge detail-type
 * `dispatch-<type>`, and detail-types are limited to 128 characters.
 */
export const MAX_ACTION_TYPE_LENGTH = 100;

export const ActionReasonSchema = z
  .strictObject({
    message: z.string().optional().describe('Why the action was skipped or failed.'),
    payload: JsonObjectSchema.optional().describe('Details of the reason.'),
  })
  .meta({ id: 'ActionReason' });

/** The fields every action has, whatever its type (epilot `AutomationActionConfig` plus autoflow extensions). */
export const ActionEnvelopeShape = {
  id: z.string().min(1).optional().describe('Action id, unique within the flow.'),
  flow_action_id: z.string().min(1).optional().describe('Id of the flow action this action was created from.'),
  name: z.string().optional().describe('Display name.'),
  allow_failure: z.boolean().optional().describe('When true, the flow continues after this action finally fails.'),
  created_automatically: z.boolean().optional().describe('The action was created by the system, not by a person.'),
  is_bulk_action: z.boolean().optional().describe('The action may run in bulk within one execution (e.g. send-email, map-entity).'),
  reason: ActionReasonSchema.optional(),
  condition_id: z.string().min(1).optional().describe('Runs only when the condition with this id (in conditions[]) holds.'),
  schedule_id: z.string().min(1).optional().describe('Runs at the time given by the schedule with this id (in schedules[]).'),
  retry_policy: RetryPolicySchema.optional().describe('autoflow extension: retries after a failed attempt; attempted once when absent.'),
  timeout_ms: TimeoutMsSchema.optional().describe('autoflow extension: an attempt that runs longer fails with TIMEOUT_ERROR.'),
  send_window: SendWindowSchema.optional().describe(
    'autoflow extension: local hours in which the action may run; when its turn (or its schedule) comes outside them, it waits until the window opens.',
  ),
};

export const ACTION_ENVELOPE_KEYS: readonly string[] = [...Object.keys(ActionEnvelopeShape), 'type', 'config'];

export const TriggerWebhookActionSchema = z
  .strictObject({ ...ActionEnvelopeShape, type: z.literal(BuiltinActionType.TriggerWebhook), config: TriggerWebhookConfigSchema })
  .meta({ id: 'TriggerWebhookAction', description: 'Calls a webhook.' });

export const MapEntityActionSchema = z
  .strictObject({ ...ActionEnvelopeShape, type: z.literal(BuiltinActionType.MapEntity), config: MapEntityConfigSchema })
  .meta({ id: 'MapEntityAction', description: 'Writes mapped attributes to an entity.' });

export const SendEmailActionSchema = z
  .strictObject({ ...ActionEnvelopeShape, type: z.literal(BuiltinActionType.SendEmail), config: SendEmailConfigSchema })
  .meta({ id: 'SendEmailAction', description: 'Sends an email.' });

export const TriggerEventActionSchema = z
  .strictObject({ ...ActionEnvelopeShape, type: z.literal(BuiltinActionType.TriggerEvent), config: TriggerEventConfigSchema })
  .meta({ id: 'TriggerEventAction', description: 'Publishes an event.' });

export const CancelFlowExecutionActionSchema = z
  .strictObject({
    ...ActionEnvelopeShape,
    type: z.literal(BuiltinActionType.CancelFlowExecution),
    config: CancelFlowExecutionConfigSchema.optional(),
  })
  .meta({ id: 'CancelFlowExecutionAction', description: 'Cancels the execution.' });

export const WaitActionSchema = z
  .strictObject({ ...ActionEnvelopeShape, type: z.literal(BuiltinActionType.Wait), config: WaitConfigSchema })
  .meta({
    id: 'WaitAction',
    description: "autoflow extension: waits for the first matching event about the execution's entity, or until the timeout, before the next action.",
  });

export const BuiltinActionSchema = z.discriminatedUnion('type', [
  TriggerWebhookActionSchema,
  MapEntityActionSchema,
  SendEmailActionSchema,
  TriggerEventActionSchema,
  CancelFlowExecutionActionSchema,
  WaitActionSchema,
]);

// Aborting on a built-in type keeps a broken built-in action from being read as a custom one.
export const CustomActionTypeSchema = z
  .string()
  .min(1)
  .max(MAX_ACTION_TYPE_LENGTH)
  .refine((type) => !isBuiltinActionType(type), { message: 'is a built-in action type', abort: true })
  .meta({
    description: 'Any other action type; it runs on the worker registered for that type.',
    not: { enum: Object.values(BuiltinActionType) },
  });

export const CustomActionSchema = z
  .strictObject({
    ...ActionEnvelopeShape,
    type: CustomActionTypeSchema,
    config: JsonObjectSchema.optional().describe('Free-form configuration, passed to the worker as is.'),
  })
  .meta({ id: 'CustomAction', description: 'An action of a type without a built-in worker.' });

// Custom first: when a `type` is not even a string, "expected string" explains it better than
// the list of built-in types.
export const AutomationActionSchema = z
  .union([CustomActionSchema, BuiltinActionSchema])
  .meta({ id: 'AutomationAction', description: 'An action (node) of the flow; `type` picks the worker and the shape of `config`.' });

export type ActionReason = z.infer<typeof ActionReasonSchema>;
export type TriggerWebhookAction = z.output<typeof TriggerWebhookActionSchema>;
export type MapEntityAction = z.output<typeof MapEntityActionSchema>;
export type SendEmailAction = z.output<typeof SendEmailActionSchema>;
export type TriggerEventAction = z.output<typeof TriggerEventActionSchema>;
export type CancelFlowExecutionAction = z.output<typeof CancelFlowExecutionActionSchema>;
export type WaitAction = z.output<typeof WaitActionSchema>;
export type BuiltinAction = z.output<typeof BuiltinActionSchema>;
export type CustomAction = z.output<typeof CustomActionSchema>;
export type AutomationAction = z.output<typeof AutomationActionSchema>;
export type AutomationActionInput = z.input<typeof AutomationActionSchema>;

/**
 * Narrows an action to a built-in type. A plain `action.type === 'send-email'` check does not
 * narrow, because custom actions have `type: string`.
 */
export function isActionOfType<A extends { type: string }, T extends BuiltinActionType>(
  action: A,
  type: T,
): action is Extract<A, { type: T }> {
  return action.type === type;
}
