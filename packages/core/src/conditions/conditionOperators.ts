/** epilot `ConditionStatement.operation`. */
export const CONDITION_OPERATORS = [
  'equals',
  'not_equals',
  'any_of',
  'none_of',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'greater_than',
  'less_than',
  'greater_than_or_equals',
  'less_than_or_equals',
  'is_empty',
  'is_not_empty',
  'entity_exists',
  'entity_does_not_exist',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/**
 * Each negative operator is defined as the exact negation of its positive partner, evaluated
 * over the same values. That keeps "not" unambiguous for lists and for several related
 * entities: `not_equals` means "equals does not hold", never "some item differs".
 */
export const NEGATED_OPERATORS = {
  not_equals: 'equals',
  none_of: 'any_of',
  not_contains: 'contains',
  is_empty: 'is_not_empty',
  entity_does_not_exist: 'entity_exists',
} as const satisfies Partial<Record<ConditionOperator, ConditionOperator>>;

export type NegatedOperator = keyof typeof NEGATED_OPERATORS;
export type PositiveOperator = Exclude<ConditionOperator, NegatedOperator>;

/** Operators about the source entity itself; they ignore the attribute. */
export const ENTITY_OPERATORS: ReadonlySet<ConditionOperator> = new Set(['entity_exists', 'entity_does_not_exist']);

const OPERATOR_SET: ReadonlySet<string> = new Set(CONDITION_OPERATORS);

export function isConditionOperator(value: unknown): value is ConditionOperator {
  return typeof value === 'string' && OPERATOR_SET.has(value);
}

export function isNegatedOperator(operator: ConditionOperator): operator is NegatedOperator {
  return Object.prototype.hasOwnProperty.call(NEGATED_OPERATORS, operator);
}

export function positiveOf(operator: ConditionOperator): PositiveOperator {
  return isNegatedOperator(operator) ? NEGATED_OPERATORS[operator] : (operator as PositiveOperator);
}
