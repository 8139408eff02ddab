import { evaluateStatement } from './evaluateStatement';
import type { ActionConditionInput, ConditionContext, ConditionResult } from './types';

/**
 * Evaluates an epilot `ActionCondition`: its statements are ANDed (epilot has no OR mode for
 * action conditions; alternatives are modelled as separate conditions/branches). Every
 * statement is evaluated, so the result lists each one's outcome and reason; a condition
 * without statements holds.
 */
export function evaluateConditions(condition: ActionConditionInput, ctx: ConditionContext): ConditionResult {
  const statements = (condition.statements ?? []).map((statement) => evaluateStatement(statement, ctx, condition.id));
  const failed = statements.find((statement) => !statement.result);
  const name = `condition ${condition.id ?? '(no id)'}`;
  return {
    result: failed === undefined,
    statements,
    reason:
      failed?.reason ??
      (statements.length === 0 ? `${name}: has no statements` : `${name}: all ${statements.length} statements were true`),
  };
}
