import { z } from 'zod';

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

export const ActionConditionSchema = z
  .strictObject({
    id: z.string().min(1).optional().describe('Condition id, referenced by actions[].condition_id.'),
    schedule_id: z.string().min(1).optional().describe('Schedule applied to the actions under this condition.'),
    evaluationResult: z.boolean().optional().describe('Result of the last evaluation (set in executions).'),
    statements: z.array(ConditionStatementSchema).optional().describe('The comparisons that make up the condition.'),
  })
  .meta({ id: 'ActionCondition', description: 'A branch condition; actions with its id run only when it holds.' });

export type ConditionStatementSource = z.infer<typeof ConditionStatementSourceSchema>;
export type ConditionStatement = z.infer<typeof ConditionStatementSchema>;
export type ActionCondition = z.infer<typeof ActionConditionSchema>;
