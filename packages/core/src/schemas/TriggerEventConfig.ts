import { z } from 'zod';
import { JsonObjectSchema } from './JsonObject';

export const TriggerEventConfigSchema = z
  .strictObject({
    event_name: z.string().min(1).max(128).describe('Name of the event to publish.'),
    event_inputs: JsonObjectSchema.optional().describe('Inputs passed with the event.'),
  })
  .meta({ id: 'TriggerEventConfig', description: 'Publishes an event (epilot event catalog).' });

export type TriggerEventConfig = z.infer<typeof TriggerEventConfigSchema>;
