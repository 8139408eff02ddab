import { z } from 'zod';
import { ErrorOutputSchema } from './ErrorOutput';

// The 16 operators of epilot's `ConditionStatement`. The conditions module exports the type
// `ConditionOperator`; only the schema is exported here.
const ConditionOperator = {
  equals: 'equals',
  not_equals: 'not_equals',
  any_of: 'any_of',
  none_of: 'none_of',
  contains: 'contains',
  not_contains: 'not_contains',
  starts_with: 'starts_with',
  ends_with: 'ends_with',
  greater_than: 'greater_than',
  less_than: 'less_than',
  greater_than_or_equals: 'greater_than_or_equals',
  less_than_or_equals: 'less_than_or_equals',
  is_empty: 'is_empty',
  is_not_empty: 'is_not_empty',
  entity_exists: 'entity_exists',
  entity_does_not_exist: 'entity_does_not_exist',
} as const;

export const ConditionOperatorSchema = z.enum(ConditionOperator);

export const ConditionStatementSourceSchema = z
  .strictObject({
    id: z.string().optional().describe('Id of the trigger or action the value comes from.'),
    origin: z.enum(['trigger', 'action']).optional(),
    originType: z.enum(['entity', 'workflow', 'journey_block']).optional(),
    schema: z.string().optional().describe('Entity schema of the attribute.'),
    attribute: z.string().optional().describe('Attribute to read.'),
    attributeType: z
      .enum([
        'string',
        'text',
        'number',
        'boolean',
        'date',
        'datetime',
        'tags',
        'country',
        'email',
        'phone',
        'product',
        'price',
        'status',
        'relation',
        'multiselect',
        'select',
        'radio',
        'relation_user',
        'purpose',
        'label',
        'payment',
        'relation_payment_method',
      ])
      .optional(),
    attributeRepeatable: z.boolean().optional().describe('The attribute holds a list of values.'),
    repeatableItemOp: z.boolean().optional().describe('Apply the operator to each item of a repeatable attribute.'),
    attributeOperation: z.enum(['all', 'updated', 'added', 'deleted']).optional().describe('Which part of the change to look at.'),
  })
  .meta({ id: 'ConditionStatementSource', description: 'Where the compared value comes from.' });

export const ConditionStatementSchema = z
  .strictObject({
    id: z.string().optional(),
    source: ConditionStatementSourceSchema,
    operation: ConditionOperatorSchema,
    values: z.array(z.string()).optional().describe('Values to compare with; unused by the emptiness and existence operators.'),
  })
  .meta({ id: 'ConditionStatement', description: 'One comparison of a condition.' });

/** epilot's `evaluation_order`: whether a scheduled block checks its condition before or after the wait. */
export const ConditionEvaluationOrder = {
  AfterSchedule: 'AFTER_SCHEDULE',
  BeforeSchedule: 'BEFORE_SCHEDULE',
} as const;
export type ConditionEvaluationOrder = (typeof ConditionEvaluationOrder)[keyof typeof ConditionEvaluationOrder];

export const ActionConditionSchema = z
  .strictObject({
    id: z.string().min(1).optional().describe('Condition id, referenced by actions[].condition_id.'),
    schedule_id: z.string().min(1).optional().describe('Schedule applied to the actions under this condition.'),
    evaluation_order: z
      .enum(ConditionEvaluationOrder)
      .optional()
      .describe(
        'When a block with a schedule checks its condition. AFTER_SCHEDULE (the default): the schedule is armed first and the condition is checked when it fires, against the entity as it is then. BEFORE_SCHEDULE: the condition is checked now and the schedule is armed only if it holds; it is not checked again when the schedule fires.',
      ),
    allow_failure: z
      .boolean()
      .optional()
      .describe(
        'When processing the block itself fails (e.g. its schedule cannot be computed): true cancels the actions of the block and the execution goes on with the next action; otherwise the execution fails.',
      ),
    error_output: ErrorOutputSchema.optional().describe('Why processing the block failed (set in executions).'),
    evaluationResult: z.boolean().optional().describe('Result of the last evaluation (set in executions).'),
    statements: z.array(ConditionStatementSchema).optional().describe('The comparisons that make up the condition.'),
  })
  .meta({ id: 'ActionCondition', description: 'A branch condition; actions with its id run only when it holds.' });

export type ConditionStatementSource = z.infer<typeof ConditionStatementSourceSchema>;
export type ConditionStatement = z.infer<typeof ConditionStatementSchema>;
export type ActionCondition = z.infer<typeof ActionConditionSchema>;
