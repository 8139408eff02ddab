import { ENTITY_OPERATORS, isConditionOperator, isNegatedOperator, positiveOf } from './conditionOperators';
import { holdsOperator, type AttributeOperator } from './holdsOperator';
import { resolveConditionSource } from './resolveConditionSource';
import { describeSubject } from './toConditionSubject';
import type { ConditionContext, ConditionStatementInput, StatementResult } from './types';

// Operators that take no values, so reasons do not print an empty `[]`.
const VALUELESS = new Set(['is_empty', 'is_not_empty', 'entity_exists', 'entity_does_not_exist']);

/**
 * Evaluates one epilot `ConditionStatement`. Never throws: a statement that cannot be
 * evaluated (unknown operator, invalid path) is false, and its reason says why.
 */
export function evaluateStatement(
  statement: ConditionStatementInput,
  ctx: ConditionContext,
  conditionId?: string,
): StatementResult {
  const prefix = `condition ${conditionId ?? '(no id)'}`;
  const id = statement.id === undefined ? {} : { id: statement.id };
  const operator: unknown = statement.operation;
  if (!isConditionOperator(operator)) {
    return { ...id, result: false, reason: `${prefix}: unknown operation "${String(operator)}", treated as false` };
  }
  const source = statement.source ?? {};
  const resolved = resolveConditionSource(source, ctx);

  if (ENTITY_OPERATORS.has(operator)) {
    const result = operator === 'entity_exists' ? resolved.entityExists : !resolved.entityExists;
    return { ...id, result, reason: `${prefix}: ${resolved.entityLabel} ${operator} was ${result}` };
  }

  // epilot types values as strings; hand-written flows sometimes hold numbers or booleans
  const values: readonly string[] = Array.isArray(statement.values) ? statement.values.map((value: unknown) => String(value)) : [];
  const claim = VALUELESS.has(operator)
    ? `${resolved.label} ${operator}`
    : `${resolved.label} ${operator} [${values.join(', ')}]`;

  if (resolved.problem !== undefined) {
    return { ...id, result: false, reason: `${prefix}: ${claim} was false (${resolved.problem})` };
  }
  const scope = resolved.diffScope;
  if (scope !== undefined && !scope.touched) {
    // attributeOperation narrows the statement to a change; without that change it is false,
    // for negative operators too
    return {
      ...id,
      result: false,
      reason: `${prefix}: ${claim} was false (${source.attribute ?? 'attribute'} was not ${scope.operation})`,
    };
  }

  const positive = resolved.subjects.some((subject) =>
    holdsOperator(positiveOf(operator) as AttributeOperator, subject, {
      values,
      ...(source.attributeType === undefined ? {} : { attributeType: source.attributeType }),
      ...(source.repeatableItemOp === undefined ? {} : { repeatableItemOp: source.repeatableItemOp }),
    }),
  );
  const result = isNegatedOperator(operator) ? !positive : positive;

  const actual =
    resolved.subjects.length === 0
      ? `no ${resolved.entityLabel}`
      : resolved.subjects.map(describeSubject).join(' | ');
  const previous = scope?.previous === undefined ? '' : `, previous: ${describeSubject(scope.previous)}`;
  return { ...id, result, reason: `${prefix}: ${claim} was ${result} (actual: ${actual}${previous})` };
}
