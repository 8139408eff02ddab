import fc from 'fast-check';
import { triggerConditionsHold, type TriggerConditionLike, type TriggerEvent } from '../../src/triggers';

const contactEvent = (entity: Record<string, unknown>, payload?: Record<string, unknown>): TriggerEvent => ({
  type: 'entity_operation',
  org_id: 'org-1',
  operation: 'updateEntity',
  entity: { _id: 'c-1', _schema: 'contact', ...entity },
  ...(payload ? { payload } : {}),
});

const submission = (payload: Record<string, unknown>): TriggerEvent => ({ type: 'journey_submission', org_id: 'org-1', source_id: 'j-1', payload });

const holds = (condition: TriggerConditionLike, event: TriggerEvent): boolean => triggerConditionsHold([condition], event);

describe('triggerConditionsHold', () => {
  it.each<[string, readonly TriggerConditionLike[] | undefined]>([
    ['no conditions', undefined],
    ['an empty list', []],
  ])('holds for %s', (_name, conditions) => {
    expect(triggerConditionsHold(conditions, contactEvent({}))).toBe(true);
  });

  describe('equals', () => {
    it.each<[string, TriggerConditionLike, Record<string, unknown>, boolean]>([
      ['holds when the value is equal', { source: 'status', comparison: 'equals', value: 'active' }, { status: 'active' }, true],
      ['fails when the value differs', { source: 'status', comparison: 'equals', value: 'active' }, { status: 'inactive' }, false],
      ['fails when the attribute is missing', { source: 'status', comparison: 'equals', value: 'active' }, {}, false],
      ['fails when the condition has no value', { source: 'status', comparison: 'equals' }, { status: 'active' }, false],
      ['compares numbers with their text', { source: 'age', comparison: 'equals', value: '42' }, { age: 42 }, true],
      ['compares text with numbers', { source: 'zip', comparison: 'equals', value: 50667 }, { zip: '50667' }, true],
      ['holds when any element of a list attribute is equal', { source: 'tags', comparison: 'equals', value: 'vip' }, { tags: ['new', 'vip'] }, true],
      ['holds when the attribute equals one of the listed values', { source: 'status', comparison: 'equals', value: ['a', 'active'] }, { status: 'active' }, true],
      ['reads nested paths', { source: 'billing_contact.email', comparison: 'equals', value: 'a@b.c' }, { billing_contact: { email: 'a@b.c' } }, true],
      ['reads array indexes in paths', { source: 'emails[1].email', comparison: 'equals', value: 'b@b.c' }, { emails: [{ email: 'a@b.c' }, { email: 'b@b.c' }] }, true],
      ['fails when a path step is missing', { source: 'billing_contact.email', comparison: 'equals', value: 'a@b.c' }, { billing_contact: 'text' }, false],
    ])('%s', (_name, condition, entity, expected) => {
      expect(holds(condition, contactEvent(entity))).toBe(expected);
    });
  });

  describe('any_of', () => {
    it.each<[string, TriggerConditionLike, Record<string, unknown>, boolean]>([
      ['holds when the value is listed', { source: 'status', comparison: 'any_of', value: ['active', 'pending'] }, { status: 'pending' }, true],
      ['fails when the value is not listed', { source: 'status', comparison: 'any_of', value: ['active', 'pending'] }, { status: 'closed' }, false],
      ['fails when the attribute is missing', { source: 'status', comparison: 'any_of', value: ['active'] }, {}, false],
      ['holds when a list attribute shares an element', { source: 'tags', comparison: 'any_of', value: ['vip', 'partner'] }, { tags: ['new', 'partner'] }, true],
      ['fails when a list attribute shares none', { source: 'tags', comparison: 'any_of', value: ['vip'] }, { tags: ['new'] }, false],
      ['accepts a single value', { source: 'status', comparison: 'any_of', value: 'active' }, { status: 'active' }, true],
      ['compares numbers by their text', { source: 'level', comparison: 'any_of', value: [1, 2] }, { level: '2' }, true],
    ])('%s', (_name, condition, entity, expected) => {
      expect(holds(condition, contactEvent(entity))).toBe(expected);
    });
  });

  describe('not_empty and is_empty', () => {
    it.each<[string, unknown, boolean]>([
      ['a missing attribute', undefined, true],
      ['null', null, true],
      ['an empty string', '', true],
      ['an empty list', [], true],
      ['an empty object', {}, true],
      ['a string', 'x', false],
      ['zero', 0, false],
      ['false', false, false],
      ['a list with an element', [''], false],
      ['an object with a key', { a: 1 }, false],
    ])('is_empty is %s for %s, and not_empty the opposite', (_name, value, empty) => {
      const event = contactEvent(value === undefined ? {} : { field: value });

      expect(holds({ source: 'field', comparison: 'is_empty' }, event)).toBe(empty);
      expect(holds({ source: 'field', comparison: 'not_empty' }, event)).toBe(!empty);
    });

    it('makes exactly one of is_empty and not_empty hold for any JSON value', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const event = contactEvent({ field: value });

          expect(holds({ source: 'field', comparison: 'is_empty' }, event)).not.toBe(holds({ source: 'field', comparison: 'not_empty' }, event));
        }),
      );
    });
  });

  describe('where the value is read', () => {
    it('reads the entity first', () => {
      const event = contactEvent({ status: 'active' }, { status: 'inactive' });

      expect(holds({ source: 'status', comparison: 'equals', value: 'active' }, event)).toBe(true);
      expect(holds({ source: 'status', comparison: 'equals', value: 'inactive' }, event)).toBe(false);
    });

    it('falls back to the payload when the entity lacks the attribute', () => {
      const event = contactEvent({}, { status: 'inactive' });

      expect(holds({ source: 'status', comparison: 'equals', value: 'inactive' }, event)).toBe(true);
    });

    it('keeps an entity value of null rather than falling back', () => {
      const event = contactEvent({ status: null }, { status: 'inactive' });

      expect(holds({ source: 'status', comparison: 'is_empty' }, event)).toBe(true);
    });

    it('reads the payload of a submission, which has no entity', () => {
      const event = submission({ contact: { email: 'a@b.c' } });

      expect(holds({ source: 'contact.email', comparison: 'equals', value: 'a@b.c' }, event)).toBe(true);
      expect(holds({ source: 'contact.phone', comparison: 'is_empty' }, event)).toBe(true);
    });
  });

  it('requires every condition to hold', () => {
    const event = contactEvent({ status: 'active', email: 'a@b.c' });

    expect(
      triggerConditionsHold(
        [
          { source: 'status', comparison: 'equals', value: 'active' },
          { source: 'email', comparison: 'not_empty' },
        ],
        event,
      ),
    ).toBe(true);
    expect(
      triggerConditionsHold(
        [
          { source: 'status', comparison: 'equals', value: 'active' },
          { source: 'phone', comparison: 'not_empty' },
        ],
        event,
      ),
    ).toBe(false);
  });

  it('fails for an unknown comparison', () => {
    expect(holds({ source: 'status', comparison: 'contains', value: 'act' }, contactEvent({ status: 'active' }))).toBe(false);
  });
});
