import { z } from 'zod';
import { isRecord } from './JsonObject';
import { REFINE_EVEN_IF_INVALID } from './ValidationProblem';

/** epilot `Comparison` for trigger conditions. */
export const Comparison = {
  equals: 'equals',
  any_of: 'any_of',
  not_empty: 'not_empty',
  is_empty: 'is_empty',
} as const;
export type Comparison = (typeof Comparison)[keyof typeof Comparison];

export const ComparisonSchema = z.enum(Comparison);

/**
 * epilot's own `TriggerCondition` example uses `"comparison": "exists"`, which its `Comparison`
 * enum does not contain. It is read as `not_empty` and never written back.
 */
const comparison = z.preprocess((value) => (value === 'exists' ? Comparison.not_empty : value), ComparisonSchema);

export const TriggerConditionSchema = z
  .strictObject({
    source: z.string().min(1).describe('Path of the value in the trigger event to compare, e.g. "billing_contact.email".'),
    comparison: comparison.describe('equals: value equals `value`; any_of: value is one of `value`; not_empty / is_empty: presence.'),
    value: z
      .union([z.string(), z.number(), z.array(z.string()), z.array(z.number())])
      .optional()
      .describe('Value(s) to compare with; required for equals and any_of.'),
  })
  .superRefine((condition, ctx) => {
    if (!isRecord(condition)) return;
    const needsValue = condition.comparison === Comparison.equals || condition.comparison === Comparison.any_of;
    if (needsValue && condition.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `is required when comparison is ${JSON.stringify(condition.comparison)}` });
    }
  }, REFINE_EVEN_IF_INVALID)
  .meta({ id: 'TriggerCondition', description: 'A condition on the trigger event that must hold for the flow to start.' });

export type TriggerCondition = z.output<typeof TriggerConditionSchema>;
