import { evaluateStatement } from '../../src/conditions';
import type { ConditionContext, ConditionStatementInput } from '../../src/conditions';

const entity = {
  _schema: 'opportunity',
  _id: 'o1',
  status: 'won',
  address: [{ city: 'Berlin', _tags: ['billing'] }],
  'Product Info': { price: '42' },
};

function run(statement: ConditionStatementInput, ctx: Partial<ConditionContext> = {}) {
  return evaluateStatement(statement, { entity, ...ctx }, 'c1');
}

describe('resolveConditionSource (through evaluateStatement)', () => {
  describe('trigger origin', () => {
    it.each(['address.0.city', 'address[0].city', "['address'][0]['city']"])('reads the dotted or indexed path %s', (attribute) => {
      const result = run({ operation: 'equals', values: ['Berlin'], source: { origin: 'trigger', attribute } });
      expect(result.result).toBe(true);
    });

    it('reads keys with spaces in quoted brackets', () => {
      const result = run({
        operation: 'equals',
        values: ['42'],
        source: { origin: 'trigger', attribute: "['Product Info'].price", attributeType: 'number' },
      });
      expect(result.result).toBe(true);
    });

    it('reads the trigger entity when schema names its own schema', () => {
      const result = run({ operation: 'equals', values: ['won'], source: { origin: 'trigger', schema: 'opportunity', attribute: 'status' } });
      expect(result.result).toBe(true);
    });

    it('never follows the prototype chain', () => {
      const result = run({ operation: 'is_not_empty', source: { origin: 'trigger', attribute: 'status.constructor' } });
      expect(result.result).toBe(false);
    });

    it('is false with the parse problem as reason for an invalid path', () => {
      const result = run({ operation: 'not_equals', values: ['x'], source: { origin: 'trigger', attribute: 'a..b' } });
      expect(result.result).toBe(false);
      expect(result.reason).toContain('invalid path "a..b"');
    });
  });

  describe('related entities', () => {
    const relatedEntities = {
      contact: [
        { _schema: 'contact', email: [{ email: 'a@x.de' }] },
        { _schema: 'contact', email: [{ email: 'b@y.de' }] },
      ],
    };

    it('holds when any related entity satisfies the operator', () => {
      const result = run(
        { operation: 'equals', values: ['b@y.de'], source: { origin: 'trigger', schema: 'contact', attribute: 'email' } },
        { relatedEntities },
      );
      expect(result.result).toBe(true);
    });

    it('negates over all related entities: not_equals is false when one equals', () => {
      const result = run(
        { operation: 'not_equals', values: ['b@y.de'], source: { origin: 'trigger', schema: 'contact', attribute: 'email' } },
        { relatedEntities },
      );
      expect(result.result).toBe(false);
    });

    it('treats the attribute as missing when there is no related entity', () => {
      const equals = run({ operation: 'equals', values: ['x'], source: { origin: 'trigger', schema: 'account', attribute: 'name' } });
      const isEmpty = run({ operation: 'is_empty', source: { origin: 'trigger', schema: 'account', attribute: 'name' } });
      expect([equals.result, isEmpty.result]).toEqual([false, true]);
      expect(equals.reason).toContain('actual: no account entity');
    });
  });

  describe('action origin', () => {
    it('reads the output of the named action', () => {
      const result = run(
        { operation: 'greater_than', values: ['100'], source: { origin: 'action', id: 'calc', attribute: 'total', attributeType: 'number' } },
        { outputs: { calc: { total: 150 } } },
      );
      expect(result.result).toBe(true);
    });

    it('treats the attribute as missing when the action has no output', () => {
      const result = run({ operation: 'not_equals', values: ['1'], source: { origin: 'action', id: 'calc', attribute: 'total' } });
      expect(result.result).toBe(true);
      expect(result.reason).toBe('condition c1: total of action calc not_equals [1] was true (actual: no output of action calc)');
    });
  });

  describe('attributeOperation', () => {
    const tags = { origin: 'trigger', attribute: '_tags', attributeOperation: 'added' } as const;

    it('reads added values from diff.added', () => {
      const result = run({ operation: 'contains', values: ['vip'], source: tags }, { diff: { added: { _tags: ['vip'] } } });
      expect(result.result).toBe(true);
    });

    it('reads index-keyed diff objects as the list of changed items', () => {
      const result = run({ operation: 'equals', values: ['vip'], source: tags }, { diff: { added: { _tags: { '2': 'vip' } } } });
      expect(result.result).toBe(true);
    });

    it('is false, even for negative operators, when the attribute is not in that diff part', () => {
      const result = run({ operation: 'not_contains', values: ['vip'], source: tags }, { diff: { added: { other: 1 } } });
      expect(result.result).toBe(false);
      expect(result.reason).toContain('_tags was not added');
    });

    it('is false when no diff was given', () => {
      const result = run({ operation: 'is_not_empty', source: tags });
      expect(result.result).toBe(false);
    });

    it('compares the new value for updated, because diff.updated holds the previous one', () => {
      const result = run(
        { operation: 'equals', values: ['won'], source: { origin: 'trigger', attribute: 'status', attributeOperation: 'updated' } },
        { diff: { updated: { status: 'open' } } },
      );
      expect(result.result).toBe(true);
      expect(result.reason).toBe('condition c1: status (updated) equals [won] was true (actual: won, previous: open)');
    });

    it('reads removed values from diff.deleted', () => {
      const result = run(
        { operation: 'equals', values: ['old@x.de'], source: { origin: 'trigger', attribute: 'email', attributeOperation: 'deleted' } },
        { diff: { deleted: { email: [{ email: 'old@x.de' }] } } },
      );
      expect(result.result).toBe(true);
    });

    it('reads the entity for attributeOperation all', () => {
      const result = run({ operation: 'equals', values: ['won'], source: { origin: 'trigger', attribute: 'status', attributeOperation: 'all' } });
      expect(result.result).toBe(true);
    });
  });
});
