import { z } from 'zod';
import { isRecord } from './JsonObject';
import { REFINE_EVEN_IF_INVALID } from './ValidationProblem';

export const ActionScheduleSourceSchema = z
  .strictObject({
    id: z.string().min(1).describe('Id of the trigger or action the time is taken from.'),
    origin: z.enum(['trigger', 'action', 'action_task', 'automation']),
    schema: z.string().optional().describe('Entity schema holding the date attribute.'),
    attribute: z.string().optional().describe('Date attribute to schedule relative to; the trigger time when absent.'),
  })
  .meta({ id: 'ActionScheduleSource', description: 'Where the reference time of the schedule comes from.' });

export const ActionScheduleSchema = z
  .strictObject({
    id: z.string().min(1).describe('Schedule id, referenced by actions[].schedule_id and conditions[].schedule_id.'),
    scheduleApiId: z.string().optional().describe('Id of the scheduler entry created when the flow runs.'),
    numberOfUnits: z.number().min(0).optional().describe('How many time periods to wait.'),
    timePeriod: z.enum(['minutes', 'hours', 'days', 'weeks', 'months']).optional(),
    timeRelation: z.enum(['after', 'before']).optional().describe('Before or after the reference time.'),
    source: ActionScheduleSourceSchema,
  })
  .superRefine((schedule, ctx) => {
    if (isRecord(schedule) && schedule.numberOfUnits !== undefined && schedule.timePeriod === undefined) {
      ctx.addIssue({ code: 'custom', path: ['timePeriod'], message: 'is required when numberOfUnits is set' });
    }
  }, REFINE_EVEN_IF_INVALID)
  .meta({ id: 'ActionSchedule', description: 'A delay: actions referencing it run at a time relative to the trigger or an entity date.' });

export type ActionScheduleSource = z.infer<typeof ActionScheduleSourceSchema>;
export type ActionSchedule = z.infer<typeof ActionScheduleSchema>;
