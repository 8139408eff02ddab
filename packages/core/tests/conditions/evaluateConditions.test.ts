import { evaluateConditions } from '../../src/conditions';
import type { ConditionContext, ConditionStatementInput } from '../../src/conditions';

const ctx: ConditionContext = { entity: { _schema: 'ticket', _id: 't1', status: 'closed', priority: 3 } };

const statusIsOpen: ConditionStatementInput = {
  id: 's1',
  source: { origin: 'trigger', schema: 'ticket', attribute: 'status', attributeType: 'status' },
  operation: 'equals',
  values: ['open'],
};
const priorityAboveOne: ConditionStatementInput = {
  id: 's2',
  source: { origin: 'trigger', attribute: 'priority', attributeType: 'number' },
  operation: 'greater_than',
  values: ['1'],
};

describe('evaluateConditions', () => {
  it('holds when every statement holds', () => {
    const result = evaluateConditions({ id: 'c1', statements: [priorityAboveOne] }, ctx);
    expect(result.result).toBe(true);
    expect(result.reason).toBe('condition c1: all 1 statements were true');
  });

  it('ANDs the statements and gives the failing statement as reason', () => {
    const result = evaluateConditions({ id: 'c1', statements: [priorityAboveOne, statusIsOpen] }, ctx);
    expect(result.result).toBe(false);
    expect(result.reason).toBe('condition c1: status equals [open] was false (actual: closed)');
  });

  it('reports every statement with its id, result and reason', () => {
    const result = evaluateConditions({ id: 'c1', statements: [statusIsOpen, priorityAboveOne] }, ctx);
    expect(result.statements).toEqual([
      { id: 's1', result: false, reason: 'condition c1: status equals [open] was false (actual: closed)' },
      { id: 's2', result: true, reason: 'condition c1: priority greater_than [1] was true (actual: 3)' },
    ]);
  });

  it('holds when the condition has no statements', () => {
    const result = evaluateConditions({ id: 'c1' }, ctx);
    expect(result).toEqual({ result: true, statements: [], reason: 'condition c1: has no statements' });
  });

  it('treats an unknown operation as false instead of throwing', () => {
    const statement = { ...statusIsOpen, operation: 'matches_regex' } as unknown as ConditionStatementInput;
    const result = evaluateConditions({ id: 'c1', statements: [statement] }, ctx);
    expect(result.result).toBe(false);
    expect(result.reason).toContain('unknown operation "matches_regex"');
  });

  it('reads non-string values as their text', () => {
    const statement = { ...priorityAboveOne, values: [2] } as unknown as ConditionStatementInput;
    expect(evaluateConditions({ id: 'c1', statements: [statement] }, ctx).result).toBe(true);
  });

  it('prints values-free operators without brackets', () => {
    const result = evaluateConditions(
      { statements: [{ source: { origin: 'trigger', attribute: 'assignee' }, operation: 'is_not_empty' }] },
      ctx,
    );
    expect(result.reason).toBe('condition (no id): assignee is_not_empty was false (actual: missing)');
  });
});
