import { applyMapping } from '../../src/mapping';
import type { MappingAttributeInput, MappingContext } from '../../src/mapping';

/** A stand-in renderer: replaces `{{path}}` with the value at a dotted path. */
function render(template: string, data: unknown): string {
  return template.replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (_match, path: string) => {
    let value: unknown = data;
    for (const key of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    return value === undefined || value === null ? '' : String(value);
  });
}

const source = {
  _id: 'sub-1',
  _schema: 'submission',
  billing_contact: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', street_name: 'Main St', city: 'Berlin' },
  delivery_contact: { street_name: 'Side St', city: 'Hamburg' },
  contact: { _title: 'Ada L.', _id: 'c-1' },
  steps: [{}, { 'Persönliche Informationen': { email: 'ada@journey.de' } }],
  tags: ['x', 'y'],
  empty: null,
};

function map(attributes: MappingAttributeInput[], target: Record<string, unknown> = {}, extra: Partial<MappingContext> = {}) {
  return applyMapping(attributes, { source, target, render, ...extra });
}

describe('applyMapping', () => {
  describe('primitive operations and _set', () => {
    it.each([
      ['a string', 'customer'],
      ['a number', 42],
      ['a boolean', false],
      ['null', null],
    ])('sets %s given as the operation', (_name, value) => {
      expect(map([{ target: 'contact_type', operation: value }]).patch).toEqual({ contact_type: value });
    });

    it('replaces an existing object with _set instead of merging', () => {
      const { patch } = map([{ target: 'source_link', operation: { _set: { title: 'My Journey' } } }], {
        source_link: { title: 'old', href: 'https://old' },
      });
      expect(patch).toEqual({ source_link: { title: 'My Journey' } });
    });

    it('evaluates operations nested inside _set', () => {
      const { patch } = map([{ target: 'name', operation: { _set: { first: { _copy: 'billing_contact.first_name' } } } }]);
      expect(patch).toEqual({ name: { first: 'Ada' } });
    });
  });

  describe('_copy', () => {
    it('copies a value from the source', () => {
      expect(map([{ target: 'first_name', operation: { _copy: 'billing_contact.first_name' } }]).patch).toEqual({ first_name: 'Ada' });
    });

    it('reads bracketed keys with spaces and indexes', () => {
      const { patch } = map([{ target: 'email', operation: { _copy: "steps[1]['Persönliche Informationen']['email']" } }]);
      expect(patch).toEqual({ email: 'ada@journey.de' });
    });

    it('uses the first fallback holding a defined, non-null value', () => {
      const { patch } = map([{ target: 'title', operation: { _copy: ['account._title', 'empty', 'contact._title'] } }]);
      expect(patch).toEqual({ title: 'Ada L.' });
    });

    it('writes nothing when no fallback holds a value', () => {
      const result = map([{ target: 'title', operation: { _copy: ['account._title', 'empty'] } }], { title: 'kept' });
      expect(result).toEqual({ patch: {}, problems: [] });
    });

    it('copies arrays as copies, not as shared references', () => {
      const { patch } = map([{ target: 'tags', operation: { _copy: 'tags' } }]);
      expect(patch['tags']).toEqual(['x', 'y']);
      expect(patch['tags']).not.toBe(source.tags);
    });
  });

  describe('_append, _prepend and _uniq', () => {
    it('appends items to the existing array', () => {
      const { patch } = map([{ target: '_tags', operation: { _append: ['new', 'tags'] } }], { _tags: ['old'] });
      expect(patch).toEqual({ _tags: ['old', 'new', 'tags'] });
    });

    it('creates the array when the target has none', () => {
      expect(map([{ target: '_tags', operation: { _append: ['a'] } }]).patch).toEqual({ _tags: ['a'] });
    });

    it('prepends items to the start', () => {
      const { patch } = map([{ target: '_tags', operation: { _prepend: ['first'] } }], { _tags: ['old'] });
      expect(patch).toEqual({ _tags: ['first', 'old'] });
    });

    it('removes duplicates with _uniq: true, keeping the first occurrence', () => {
      const { patch } = map([{ target: '_tags', operation: { _append: ['primary', 'payer', 'payer'], _uniq: true } }], { _tags: ['payer'] });
      expect(patch).toEqual({ _tags: ['payer', 'primary'] });
    });

    it('merges objects with the same _uniq keys, retaining old values', () => {
      const target = { email: [{ email: 'ada@example.com', _tags: ['primary'], label: 'old' }] };
      const { patch } = map(
        [{ target: 'email', operation: { _append: [{ email: { _copy: 'billing_contact.email' }, label: 'new', verified: true }], _uniq: ['email'] } }],
        target,
      );
      expect(patch).toEqual({ email: [{ email: 'ada@example.com', _tags: ['primary'], label: 'old', verified: true }] });
    });

    it('lets new values win with _retain_old_values: false', () => {
      const target = { email: [{ email: 'ada@example.com', label: 'old' }] };
      const { patch } = map(
        [{ target: 'email', operation: { _append: [{ email: 'ada@example.com', label: 'new' }], _uniq: ['email'], _retain_old_values: false } }],
        target,
      );
      expect(patch).toEqual({ email: [{ email: 'ada@example.com', label: 'new' }] });
    });

    it('appends the copied value when _copy is combined with _append', () => {
      const { patch } = map([{ target: '_tags', operation: { _copy: 'tags', _append: true } }], { _tags: ['a'] });
      expect(patch).toEqual({ _tags: ['a', 'x', 'y'] });
    });

    it('appends the copied value before the listed items when both are given', () => {
      const { patch } = map([{ target: 'names', operation: { _copy: 'billing_contact.first_name', _append: ['Bob'] } }]);
      expect(patch).toEqual({ names: ['Ada', 'Bob'] });
    });

    it('drops appended objects whose every key copied nothing', () => {
      const result = map([{ target: 'email', operation: { _append: [{ email: { _copy: 'nobody.email' } }] } }], { email: [{ email: 'a@x' }] });
      expect(result).toEqual({ patch: {}, problems: [] });
    });

    it('builds appended address objects and de-duplicates them by several keys', () => {
      const { patch } = map(
        [
          {
            target: 'address',
            operation: {
              _append: [
                { _tags: ['billing'], street_name: { _copy: 'billing_contact.street_name' }, city: { _copy: 'billing_contact.city' } },
                { _tags: ['delivery'], street_name: { _copy: 'delivery_contact.street_name' }, city: { _copy: 'delivery_contact.city' } },
              ],
              _uniq: ['street_name', 'city'],
            },
          },
        ],
        { address: [{ street_name: 'Main St', city: 'Berlin', _tags: ['primary'] }] },
      );
      expect(patch).toEqual({
        address: [
          { street_name: 'Main St', city: 'Berlin', _tags: ['primary'] },
          { _tags: ['delivery'], street_name: 'Side St', city: 'Hamburg' },
        ],
      });
    });

    it('prepends the copied value when _copy is combined with _prepend', () => {
      const { patch } = map([{ target: 'names', operation: { _copy: 'billing_contact.first_name', _prepend: ['Bob'] } }], { names: ['Zed'] });
      expect(patch).toEqual({ names: ['Ada', 'Bob', 'Zed'] });
    });

    it('turns an existing scalar into the first item when appending', () => {
      const { patch } = map([{ target: 'phone', operation: { _append: ['+49 2'] } }], { phone: '+49 1' });
      expect(patch).toEqual({ phone: ['+49 1', '+49 2'] });
    });

    it('de-duplicates the existing array with a bare _uniq', () => {
      const { patch } = map([{ target: '_tags', operation: { _uniq: true } }], { _tags: ['a', 'b', 'a'] });
      expect(patch).toEqual({ _tags: ['a', 'b'] });
    });

    it('keeps items that have none of the _uniq keys instead of merging them', () => {
      const { patch } = map([{ target: 'email', operation: { _append: [{ label: 'x' }, { label: 'y' }], _uniq: ['email'] } }]);
      expect(patch).toEqual({ email: [{ label: 'x' }, { label: 'y' }] });
    });

    it('reports an _append that is neither a list nor true', () => {
      const result = map([{ target: '_tags', operation: { _append: 'a' } }]);
      expect(result).toEqual({ patch: {}, problems: [{ path: '_tags', message: 'operation._append: expected a list of items (or true to add the copied value)' }] });
    });

    it('replaces the existing array when _set is combined with _append', () => {
      const { patch } = map([{ target: '_tags', operation: { _set: ['a'], _append: ['b'] } }], { _tags: ['old'] });
      expect(patch).toEqual({ _tags: ['a', 'b'] });
    });
  });

  describe('_template', () => {
    it('renders the template with the source as data', () => {
      const { patch } = map([{ target: 'full_name', operation: { _template: '{{billing_contact.first_name}} {{billing_contact.last_name}}' } }]);
      expect(patch).toEqual({ full_name: 'Ada Lovelace' });
    });

    it('reports a template that fails to render and writes nothing', () => {
      const failing = (): string => {
        throw new Error('Parse error on line 1');
      };
      const result = map([{ target: 'x', operation: { _template: '{{#if}}' } }], {}, { render: failing });
      expect(result.patch).toEqual({});
      expect(result.problems).toEqual([{ path: 'x', message: 'operation._template: template failed: Parse error on line 1' }]);
    });
  });

  describe('nested object nodes', () => {
    it('merges nested nodes into the existing object', () => {
      const { patch } = map(
        [{ target: 'billing', operation: { city: { _copy: 'billing_contact.city' }, country: 'DE' } }],
        { billing: { street: 'Main St', city: 'Old' } },
      );
      expect(patch).toEqual({ billing: { street: 'Main St', city: 'Berlin', country: 'DE' } });
    });

    it('adds a $relation with a label, unique by entity id', () => {
      const { patch } = map(
        [{ target: 'customer', operation: { $relation: { _append: [{ _tags: { _set: ['primary'] }, entity_id: { _copy: ['account._id', 'contact._id'] } }], _uniq: ['entity_id'] } } }],
        { customer: { $relation: [{ entity_id: 'c-1', _tags: [] }] } },
      );
      expect(patch).toEqual({ customer: { $relation: [{ entity_id: 'c-1', _tags: [] }] } });
    });
  });

  describe('_each', () => {
    const readings = {
      submission: {
        meterReadings: [
          { readingDate: '2024-01-01', readings: [{ value: 1, unit: 'kWh' }, { value: 2, unit: 'kWh' }] },
          { readingDate: '2024-02-01', readings: [{ value: 3, unit: 'kWh' }] },
        ],
        items: [{ category: 'a' }, { category: 'b' }, { category: 'a' }],
      },
    };

    it('maps each item with its alias and flattens nested _each', () => {
      const { patch } = applyMapping(
        [
          {
            target: 'readings',
            operation: {
              _each: 'submission.meterReadings',
              _as: 'meter',
              _map: { _each: '$meter.readings', _as: 'reading', _map: { value: { _copy: '$reading.value' }, date: { _copy: '$meter.readingDate' } } },
            },
          },
        ],
        { source: readings, target: {}, render },
      );
      expect(patch).toEqual({
        readings: [
          { value: 1, date: '2024-01-01' },
          { value: 2, date: '2024-01-01' },
          { value: 3, date: '2024-02-01' },
        ],
      });
    });

    it('copies the items when there is no _map', () => {
      const { patch } = applyMapping([{ target: 'items', operation: { _each: 'submission.items' } }], { source: readings, target: {}, render });
      expect(patch).toEqual({ items: readings.submission.items });
    });

    it('reports an _each path that holds no list', () => {
      const result = applyMapping([{ target: 'x', operation: { _each: 'submission', _as: 's', _map: 1 } }], { source: readings, target: {}, render });
      expect(result).toEqual({ patch: {}, problems: [{ path: 'x', message: 'operation._each: "submission" does not hold a list' }] });
    });

    it('writes nothing when the _each path is missing', () => {
      const result = applyMapping([{ target: 'x', operation: { _each: 'nothing.here', _as: 'n', _map: 1 } }], { source: readings, target: {}, render });
      expect(result).toEqual({ patch: {}, problems: [] });
    });

    it('de-duplicates mapped items with _uniq', () => {
      const { patch } = applyMapping(
        [{ target: 'categories', operation: { _each: 'submission.items', _as: 'item', _map: { category: { _copy: '$item.category' } }, _uniq: ['category'] } }],
        { source: readings, target: {}, render },
      );
      expect(patch).toEqual({ categories: [{ category: 'a' }, { category: 'b' }] });
    });
  });

  describe('_random', () => {
    it('uses the id generator passed in', () => {
      const { patch } = map([{ target: 'ref', operation: { _random: { type: 'uuid' } } }], {}, { generateId: (kind) => `${kind}-1` });
      expect(patch).toEqual({ ref: 'uuid-1' });
    });

    it('scales the random source to min and max', () => {
      const { patch } = map([{ target: 'n', operation: { _random: { type: 'number', min: 2, max: 6 } } }], {}, { random: () => 0.5 });
      expect(patch).toEqual({ n: 4 });
    });

    it('reports _random when no random source was passed', () => {
      const result = map([{ target: 'n', operation: { _random: { type: 'number' } } }]);
      expect(result.problems).toEqual([{ path: 'n', message: 'operation._random: no random source was provided to the mapping' }]);
    });
  });

  describe('nested target paths', () => {
    it('writes into an element of an existing array and returns the whole attribute', () => {
      const target = { address: [{ street: 'Main St', city: 'Old' }, { street: 'Other' }] };
      const { patch } = map([{ target: 'address[0].city', operation: { _copy: 'billing_contact.city' } }], target);
      expect(patch).toEqual({ address: [{ street: 'Main St', city: 'Berlin' }, { street: 'Other' }] });
    });

    it('creates missing containers along the path', () => {
      const { patch } = map([{ target: 'a.b[1].c', operation: 'x' }]);
      expect(patch).toEqual({ a: { b: [null, { c: 'x' }] } });
    });

    it('applies attributes in order, each seeing the previous result', () => {
      const { patch } = map([
        { target: 'billing.city', operation: 'Berlin' },
        { target: 'billing.zip', operation: '10115' },
      ]);
      expect(patch).toEqual({ billing: { city: 'Berlin', zip: '10115' } });
    });

    it('treats inherited members like toString as absent', () => {
      const { patch } = map([
        { target: 'a.toString[0]', operation: 'x' },
        { target: 'b', operation: { toString: { _append: [1] } } },
      ]);
      expect(patch).toEqual({ a: { toString: ['x'] }, b: { toString: [1] } });
    });

    it('reports a path that writes through a string', () => {
      const result = map([{ target: 'name.first', operation: 'x' }], { name: 'Ada' });
      expect(result.patch).toEqual({});
      expect(result.problems).toEqual([{ path: 'name.first', message: 'cannot write "first" into a string at name' }]);
    });
  });

  describe('problems', () => {
    it.each([
      ['an invalid path', { target: 'a..b', operation: 1 }, 'invalid path "a..b": empty segment at 2'],
      ['a missing target', { operation: 1 } as MappingAttributeInput, 'target path is missing'],
      ['a prototype key', { target: '__proto__.polluted', operation: 1 }, 'attribute "__proto__" cannot be mapped'],
      ['a protected attribute', { target: '_org', operation: 'other-tenant' }, 'attribute "_org" cannot be mapped'],
      ['an index as first segment', { target: '[0]', operation: 1 }, 'target must start with an attribute name'],
    ])('reports %s and keeps going', (_name, attribute, message) => {
      const result = map([attribute as MappingAttributeInput, { target: 'ok', operation: true }]);
      expect(result.patch).toEqual({ ok: true });
      expect(result.problems).toEqual([{ path: expect.any(String), message }]);
    });

    it('reports combining two value operations', () => {
      const result = map([{ target: 'x', operation: { _set: 1, _copy: 'tags' } }]);
      expect(result.patch).toEqual({ x: 1 });
      expect(result.problems[0]?.message).toBe('operation: combine at most one of _set, _copy; only _set is used');
    });

    it('reports _as or _map without _each', () => {
      const result = map([{ target: 'x', operation: { _copy: 'tags', _map: { a: 1 } } }]);
      expect(result.patch).toEqual({ x: ['x', 'y'] });
      expect(result.problems).toEqual([{ path: 'x', message: 'operation: _as and _map only apply together with _each' }]);
    });

    it('reports nested keys ignored next to a value operation', () => {
      const result = map([{ target: 'x', operation: { _copy: 'contact._id', extra: 1 } }]);
      expect(result.patch).toEqual({ x: 'c-1' });
      expect(result.problems).toEqual([{ path: 'x', message: 'operation: nested keys extra are ignored next to _copy' }]);
    });

    it('accepts targetPath when target is absent', () => {
      expect(map([{ targetPath: 'a', operation: 1 }]).patch).toEqual({ a: 1 });
    });

    it('does not pollute prototypes through nested keys', () => {
      const operation = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as unknown;
      const result = map([{ target: 'obj', operation }]);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(result.patch).toEqual({ obj: { ok: 1 } });
    });
  });

  describe('legacy modes', () => {
    it('set_value sets the value', () => {
      expect(map([{ mode: 'set_value', target: 'type', value: ['a', 'b'] }]).patch).toEqual({ type: ['a', 'b'] });
    });

    it('copy_if_exists copies when the source exists', () => {
      expect(map([{ mode: 'copy_if_exists', target: 'first_name', source: 'billing_contact.first_name' }]).patch).toEqual({ first_name: 'Ada' });
    });

    it('copy_if_exists writes nothing when the source is missing', () => {
      expect(map([{ mode: 'copy_if_exists', target: 'first_name', source: 'nobody.name' }], { first_name: 'kept' }).patch).toEqual({});
    });

    it('append_if_exists replaces the target with the source as a list, as epilot documents', () => {
      const { patch } = map([{ mode: 'append_if_exists', target: 'names', source: 'billing_contact.first_name' }], { names: ['old'] });
      expect(patch).toEqual({ names: ['Ada'] });
    });

    it('append_if_exists renders value_json and de-duplicates by target_unique', () => {
      const { patch } = map([
        {
          mode: 'append_if_exists',
          target: 'address',
          value_json: '[{"city": "{{billing_contact.city}}", "tag": "a"}, {"city": "{{billing_contact.city}}", "tag": "b"}]',
          target_unique: ['city'],
        },
      ]);
      expect(patch).toEqual({ address: [{ city: 'Berlin', tag: 'a' }] });
    });

    it('append_if_exists keeps quotes in rendered values from breaking the JSON', () => {
      const quoted = { ...source, note: 'say "hi"' };
      const { patch } = applyMapping([{ mode: 'append_if_exists', target: 'notes', value_json: '["{{note}}"]' }], { source: quoted, target: {}, render });
      expect(patch).toEqual({ notes: ['say "hi"'] });
    });

    it('reports value_json that is not JSON', () => {
      const result = map([{ mode: 'append_if_exists', target: 'x', value_json: '{nope' }]);
      expect(result.patch).toEqual({});
      expect(result.problems[0]?.message).toMatch(/^value_json: value_json is not JSON/);
    });

    it('reports set_value without a value', () => {
      const result = map([{ mode: 'set_value', target: 'x' }]);
      expect(result).toEqual({ patch: {}, problems: [{ path: 'x', message: 'value: set_value needs a value' }] });
    });

    it('reports an unknown mode', () => {
      const result = map([{ mode: 'copy_if_exists_allow_empty', target: 'x', source: 'tags' }]);
      expect(result.problems).toEqual([{ path: 'x', message: 'mode: unknown mapping mode "copy_if_exists_allow_empty"' }]);
    });
  });

  it('never mutates its inputs', () => {
    const target = { _tags: ['old'], address: [{ city: 'Old' }] };
    const before = JSON.stringify({ source, target });
    const attributes: MappingAttributeInput[] = [
      { target: '_tags', operation: { _append: ['new'], _uniq: true } },
      { target: 'address[0].city', operation: { _copy: 'billing_contact.city' } },
    ];
    const attributesBefore = JSON.stringify(attributes);
    map(attributes, target);
    expect(JSON.stringify({ source, target })).toBe(before);
    expect(JSON.stringify(attributes)).toBe(attributesBefore);
  });
});
