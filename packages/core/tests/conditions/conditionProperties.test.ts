import fc from 'fast-check';
import { evaluateStatement } from '../../src/conditions';
import type { ConditionSourceInput } from '../../src/conditions';
import type { ConditionOperator } from '../../src/conditions/conditionOperators';

const PAIRS: ReadonlyArray<readonly [ConditionOperator, ConditionOperator]> = [
  ['equals', 'not_equals'],
  ['any_of', 'none_of'],
  ['contains', 'not_contains'],
  ['is_not_empty', 'is_empty'],
  ['entity_exists', 'entity_does_not_exist'],
];

const ATTRIBUTE_TYPES = [undefined, 'string', 'number', 'date', 'datetime', 'boolean', 'email', 'tags'] as const;

const scalar = fc.oneof(
  fc.string(),
  fc.double({ noNaN: true }),
  fc.integer().map(String),
  fc.boolean(),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
);

const source = fc.record({
  attributeType: fc.constantFrom(...ATTRIBUTE_TYPES),
  repeatableItemOp: fc.boolean(),
});

function run(operation: ConditionOperator, value: unknown, values: string[], extra: Partial<ConditionSourceInput>): boolean {
  return evaluateStatement(
    { operation, values, source: { origin: 'trigger', attribute: 'field', ...stripUndefined(extra) } },
    { entity: { _schema: 'ticket', field: value } },
  ).result;
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

describe('condition operator properties', () => {
  it('makes every not_X the negation of X for present scalar values', () => {
    fc.assert(
      fc.property(scalar, fc.array(fc.oneof(fc.string(), scalar.map(String)), { maxLength: 4 }), source, fc.constantFrom(...PAIRS), (value, values, extra, [positive, negative]) => {
        expect(run(negative, value, values, extra)).toBe(!run(positive, value, values, extra));
      }),
    );
  });

  it('makes every not_X the negation of X for lists of values', () => {
    fc.assert(
      fc.property(fc.array(scalar, { maxLength: 4 }), fc.array(fc.string(), { maxLength: 3 }), source, fc.constantFrom(...PAIRS), (value, values, extra, [positive, negative]) => {
        expect(run(negative, value, values, extra)).toBe(!run(positive, value, values, extra));
      }),
    );
  });

  it('makes exactly one of is_empty and is_not_empty hold, for any value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.constant(undefined)), source, (value, extra) => {
        expect(run('is_empty', value, [], extra) !== run('is_not_empty', value, [], extra)).toBe(true);
      }),
    );
  });

  it('never throws, whatever the entity holds', () => {
    fc.assert(
      fc.property(fc.anything(), fc.array(fc.string(), { maxLength: 3 }), source, fc.constantFrom(...PAIRS.flat()), (value, values, extra, operation) => {
        expect(typeof run(operation, value, values, extra)).toBe('boolean');
      }),
    );
  });
});
