import { evaluateStatement } from '../../src/conditions';
import type { ConditionSourceInput } from '../../src/conditions';
import type { ConditionOperator } from '../../src/conditions/conditionOperators';

/** Evaluates one statement about `ticket.field` holding `value` (omitted = attribute missing). */
function holds(
  operation: ConditionOperator,
  value: unknown,
  values: string[],
  source: Partial<ConditionSourceInput> = {},
): boolean {
  const entity: Record<string, unknown> = { _schema: 'ticket', _id: 't1' };
  if (value !== MISSING) entity['field'] = value;
  return evaluateStatement(
    { operation, values, source: { origin: 'trigger', schema: 'ticket', attribute: 'field', ...source } },
    { entity },
  ).result;
}

const MISSING = Symbol('missing');
const NUMBER = { attributeType: 'number' } as const;
const DATE = { attributeType: 'date' } as const;
const DATETIME = { attributeType: 'datetime' } as const;
const BOOLEAN = { attributeType: 'boolean' } as const;
const EACH_ITEM = { repeatableItemOp: true, attributeRepeatable: true } as const;

type Row = [
  description: string,
  operation: ConditionOperator,
  value: unknown,
  values: string[],
  source: Partial<ConditionSourceInput>,
  expected: boolean,
];

const rows: Row[] = [
  // equals
  ['equals: same text', 'equals', 'open', ['open'], {}, true],
  ['equals: other text', 'equals', 'closed', ['open'], {}, false],
  ['equals: missing attribute', 'equals', MISSING, ['open'], {}, false],
  ['equals: text is case-sensitive', 'equals', 'Open', ['open'], {}, false],
  ['equals: numbers compare numerically', 'equals', 5, ['5.0'], NUMBER, true],
  ['equals: a number attribute holding text compares the text', 'equals', 'n/a', ['n/a'], NUMBER, true],
  ['equals: date-times compare as instants', 'equals', '2024-01-01T00:00:00Z', ['2024-01-01T01:00:00+01:00'], DATETIME, true],
  ['equals: dates compare by UTC day', 'equals', '2024-05-01T10:00:00Z', ['2024-05-01'], DATE, true],
  ['equals: booleans read "true"', 'equals', true, ['TRUE'], BOOLEAN, true],
  ['equals: several values are alternatives', 'equals', 'b', ['a', 'b'], {}, true],
  ['equals: a list equals the same members in any order', 'equals', ['a', 'b'], ['b', 'a'], {}, true],
  ['equals: a list with fewer members is not equal', 'equals', ['a'], ['a', 'b'], {}, false],
  ['equals: an email list uses the address', 'equals', [{ email: 'x@y.de', _tags: [] }], ['x@y.de'], {}, true],
  ['equals: no values never match', 'equals', 'open', [], {}, false],
  // not_equals
  ['not_equals: same text', 'not_equals', 'open', ['open'], {}, false],
  ['not_equals: other text', 'not_equals', 'closed', ['open'], {}, true],
  ['not_equals: missing attribute', 'not_equals', MISSING, ['open'], {}, true],
  ['not_equals: numbers compare numerically', 'not_equals', '10', ['10.00'], NUMBER, false],
  // any_of
  ['any_of: one of the values', 'any_of', 'b', ['a', 'b'], {}, true],
  ['any_of: none of the values', 'any_of', 'c', ['a', 'b'], {}, false],
  ['any_of: missing attribute', 'any_of', MISSING, ['a'], {}, false],
  ['any_of: a list sharing one member', 'any_of', ['x', 'b'], ['a', 'b'], {}, true],
  ['any_of: a relation by entity id', 'any_of', { $relation: [{ entity_id: 'e1' }, { entity_id: 'e2' }] }, ['e2'], {}, true],
  // none_of
  ['none_of: one of the values', 'none_of', 'b', ['a', 'b'], {}, false],
  ['none_of: none of the values', 'none_of', 'c', ['a', 'b'], {}, true],
  ['none_of: missing attribute', 'none_of', MISSING, ['a'], {}, true],
  ['none_of: a list sharing one member', 'none_of', ['x', 'b'], ['a', 'b'], {}, false],
  // contains
  ['contains: substring of text', 'contains', 'hello world', ['lo w'], {}, true],
  ['contains: not a substring', 'contains', 'hello', ['xyz'], {}, false],
  ['contains: missing attribute', 'contains', MISSING, ['a'], {}, false],
  ['contains: substring is case-sensitive', 'contains', 'Hello', ['hello'], {}, false],
  ['contains: a list holding the value', 'contains', ['vip', 'gold'], ['vip'], {}, true],
  ['contains: a list must hold every value', 'contains', ['vip', 'gold'], ['vip', 'silver'], {}, false],
  ['contains: whole list compares members, not substrings', 'contains', [{ email: 'a@epilot.cloud' }], ['@epilot'], {}, false],
  ['contains: per item it is a substring test', 'contains', [{ email: 'a@epilot.cloud' }], ['@epilot'], EACH_ITEM, true],
  // not_contains
  ['not_contains: substring of text', 'not_contains', 'hello world', ['world'], {}, false],
  ['not_contains: not a substring', 'not_contains', 'hello', ['xyz'], {}, true],
  ['not_contains: missing attribute', 'not_contains', MISSING, ['a'], {}, true],
  ['not_contains: per item, no item may contain it', 'not_contains', ['abc', 'xyz'], ['y'], EACH_ITEM, false],
  // starts_with
  ['starts_with: prefix', 'starts_with', 'INV-001', ['INV-'], {}, true],
  ['starts_with: other prefix', 'starts_with', 'ORD-001', ['INV-'], {}, false],
  ['starts_with: missing attribute', 'starts_with', MISSING, ['INV-'], {}, false],
  ['starts_with: case-sensitive', 'starts_with', 'inv-001', ['INV-'], {}, false],
  ['starts_with: any phone item', 'starts_with', [{ phone: '+1 555' }, { phone: '+49 30' }], ['+49'], EACH_ITEM, true],
  // ends_with
  ['ends_with: suffix', 'ends_with', 'a@epilot.cloud', ['@epilot.cloud'], {}, true],
  ['ends_with: other suffix', 'ends_with', 'a@example.com', ['@epilot.cloud'], {}, false],
  ['ends_with: missing attribute', 'ends_with', MISSING, ['x'], {}, false],
  ['ends_with: any email item', 'ends_with', [{ email: 'a@x.com' }, { email: 'b@y.com' }], ['@y.com'], EACH_ITEM, true],
  // greater_than
  ['greater_than: numbers, not text order', 'greater_than', 10, ['9'], NUMBER, true],
  ['greater_than: smaller number', 'greater_than', 5, ['9'], NUMBER, false],
  ['greater_than: equal number', 'greater_than', 9, ['9'], NUMBER, false],
  ['greater_than: missing attribute', 'greater_than', MISSING, ['1'], NUMBER, false],
  ['greater_than: text has no order', 'greater_than', 'abc', ['1'], {}, false],
  ['greater_than: untyped numeric text compares as numbers', 'greater_than', '10', ['9'], {}, true],
  ['greater_than: later date-time', 'greater_than', '2024-01-02T00:00:00Z', ['2024-01-01T23:59:59Z'], DATETIME, true],
  ['greater_than: same day is not later for dates', 'greater_than', '2024-01-01T23:00:00Z', ['2024-01-01'], DATE, false],
  // less_than
  ['less_than: smaller number', 'less_than', 2, ['10'], NUMBER, true],
  ['less_than: larger number', 'less_than', 20, ['10'], NUMBER, false],
  ['less_than: missing attribute', 'less_than', MISSING, ['10'], NUMBER, false],
  ['less_than: earlier date', 'less_than', '2023-12-31', ['2024-01-01'], DATE, true],
  // greater_than_or_equals
  ['greater_than_or_equals: equal', 'greater_than_or_equals', 10, ['10'], NUMBER, true],
  ['greater_than_or_equals: larger', 'greater_than_or_equals', 11, ['10'], NUMBER, true],
  ['greater_than_or_equals: smaller', 'greater_than_or_equals', 9, ['10'], NUMBER, false],
  ['greater_than_or_equals: missing attribute', 'greater_than_or_equals', MISSING, ['10'], NUMBER, false],
  // less_than_or_equals
  ['less_than_or_equals: equal', 'less_than_or_equals', '2024-01-01T00:00:00Z', ['2024-01-01T00:00:00.000Z'], DATETIME, true],
  ['less_than_or_equals: larger', 'less_than_or_equals', 11, ['10'], NUMBER, false],
  ['less_than_or_equals: missing attribute', 'less_than_or_equals', MISSING, ['10'], NUMBER, false],
  ['less_than_or_equals: any item of a list', 'less_than_or_equals', [50, 5], ['10'], NUMBER, true],
  // is_empty
  ['is_empty: missing attribute', 'is_empty', MISSING, [], {}, true],
  ['is_empty: null', 'is_empty', null, [], {}, true],
  ['is_empty: blank text', 'is_empty', '  ', [], {}, true],
  ['is_empty: empty list', 'is_empty', [], [], {}, true],
  ['is_empty: relation without entities', 'is_empty', { $relation: [] }, [], {}, true],
  ['is_empty: text', 'is_empty', 'x', [], {}, false],
  ['is_empty: zero is a value', 'is_empty', 0, [], NUMBER, false],
  ['is_empty: list with a value', 'is_empty', ['a'], [], {}, false],
  // is_not_empty
  ['is_not_empty: text', 'is_not_empty', 'x', [], {}, true],
  ['is_not_empty: missing attribute', 'is_not_empty', MISSING, [], {}, false],
  ['is_not_empty: list of blank items', 'is_not_empty', ['', ' '], [], {}, false],
  ['is_not_empty: false is a value', 'is_not_empty', false, [], BOOLEAN, true],
  // entity operators ignore the attribute
  ['entity_exists: trigger entity present, attribute missing', 'entity_exists', MISSING, [], {}, true],
  ['entity_does_not_exist: trigger entity present', 'entity_does_not_exist', 'x', [], {}, false],
];

describe('evaluateStatement operators', () => {
  it.each(rows)('%s', (_description, operation, value, values, source, expected) => {
    expect(holds(operation, value, values, source)).toBe(expected);
  });
});

describe('evaluateStatement entity operators', () => {
  const entity = { _schema: 'opportunity', _id: 'o1' };
  const related = { contact: [{ _schema: 'contact', email: [{ email: 'a@x.de' }] }], account: [] };

  it.each([
    ['entity_exists', { schema: 'contact' }, true],
    ['entity_exists', { schema: 'account' }, false],
    ['entity_exists', { schema: 'meter' }, false],
    ['entity_does_not_exist', { schema: 'contact' }, false],
    ['entity_does_not_exist', { schema: 'account' }, true],
    ['entity_does_not_exist', { schema: 'meter' }, true],
  ] as const)('%s for related schema %o is %s', (operation, source, expected) => {
    const result = evaluateStatement({ operation, source: { origin: 'trigger', ...source } }, { entity, relatedEntities: related });
    expect(result.result).toBe(expected);
  });

  it.each([
    ['entity_exists', 'a1', true],
    ['entity_exists', 'a2', false],
    ['entity_does_not_exist', 'a2', true],
  ] as const)('%s for the output of action %s is %s', (operation, id, expected) => {
    const result = evaluateStatement({ operation, source: { origin: 'action', id } }, { entity, outputs: { a1: { ok: true } } });
    expect(result.result).toBe(expected);
  });

  it('says the trigger entity does not exist when the snapshot is empty', () => {
    const result = evaluateStatement({ operation: 'entity_does_not_exist', source: { origin: 'trigger' } }, { entity: {} });
    expect(result.result).toBe(true);
  });
});
