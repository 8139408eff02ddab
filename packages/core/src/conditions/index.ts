export { evaluateConditions } from './evaluateConditions';
export { evaluateStatement } from './evaluateStatement';
export {
  CONDITION_OPERATORS,
  ENTITY_OPERATORS,
  NEGATED_OPERATORS,
  isConditionOperator,
  isNegatedOperator,
  positiveOf,
} from './conditionOperators';
// ConditionOperator (the union of CONDITION_OPERATORS) is exported by the flow schemas already.
export type { NegatedOperator, PositiveOperator } from './conditionOperators';
export { holdsOperator, isBlank } from './holdsOperator';
export type { AttributeOperator, OperatorOptions } from './holdsOperator';
export { compareOrder, toNumber, valueKindOf, valuesEqual, VALUE_KINDS } from './compareValues';
export type { ValueKind } from './compareValues';
export { parseIsoInstant, utcDayOf } from './parseIsoInstant';
export { resolveConditionSource } from './resolveConditionSource';
export type { DiffOperation, ResolvedSource } from './resolveConditionSource';
export { describeSubject, MISSING, NATURAL_VALUE_KEYS, toConditionSubject } from './toConditionSubject';
export type { ConditionSubject, Scalar } from './toConditionSubject';
export { ATTRIBUTE_OPERATIONS } from './types';
export type {
  ActionConditionInput,
  AttributeOperation,
  ConditionContext,
  ConditionResult,
  ConditionSourceInput,
  ConditionStatementInput,
  EntityDiff,
  EntityRecord,
  StatementResult,
} from './types';
