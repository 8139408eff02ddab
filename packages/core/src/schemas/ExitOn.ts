import { z } from 'zod';
import { EventPatternSchema } from './EventPattern';

/** Most exit_on rules per flow: each is matched against every event for an entity with unfinished executions. */
export const MAX_EXIT_ON_RULES = 10;

export const ExitOnRuleSchema = z
  .strictObject({
    id: z.string().min(1).optional().describe('Rule id, named in the cancellation reason.'),
    event: EventPatternSchema.describe(
      'EventBridge content pattern over the event document triggers see (type, entity, operation, diff, activity, source_id, payload, …).',
    ),
    reason: z.string().min(1).max(200).optional().describe('Recorded as the cancellation reason; "exit_on <id or index> matched event <type>" when absent.'),
  })
  .meta({ id: 'ExitOnRule', description: 'An event that ends the unfinished executions of this flow for its entity.' });

export const ExitOnSchema = z
  .array(ExitOnRuleSchema)
  .max(MAX_EXIT_ON_RULES)
  .meta({
    id: 'ExitOn',
    description:
      "autoflow extension: an event for the execution's entity that matches one of these patterns ends every unfinished execution of this flow for that entity as cancelled, with the rule's reason, and deletes its pending timers.",
  });

export type ExitOnRule = z.output<typeof ExitOnRuleSchema>;
export type ExitOn = z.output<typeof ExitOnSchema>;

/** The cancellation reason of an exit_on rule that matched an event of `eventType`. */
export function exitOnReason(rule: Pick<ExitOnRule, 'id' | 'reason'>, index: number, eventType: string): string {
  return rule.reason ?? `exit_on ${rule.id ?? String(index)} matched event ${eventType}`;
}
