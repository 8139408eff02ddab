import { z } from 'zod';
import { EventPatternSchema } from './EventPattern';
import { IsoDurationSchema } from './IsoDuration';

export const WaitConfigSchema = z
  .strictObject({
    event: EventPatternSchema.optional().describe(
      'EventBridge content pattern over the event document triggers see (type, entity, operation, diff, activity, source_id, payload, …), e.g. {"type": ["received_email"]}. The wait ends with the first event for the execution\'s entity that matches. Without it, the wait is a plain delay of timeout.',
    ),
    timeout: IsoDurationSchema.describe('ISO 8601 duration after which the wait ends anyway, e.g. P3D; the whole wait when event is absent.'),
  })
  .meta({
    id: 'WaitConfig',
    description: 'autoflow extension: waits for an event about the execution\'s entity, or for a time, before the next action.',
  });

export type WaitConfig = z.output<typeof WaitConfigSchema>;
