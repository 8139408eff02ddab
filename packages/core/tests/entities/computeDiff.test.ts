import fc from 'fast-check';
import { computeDiff, deepEqual } from '../../src/entities';

type Image = Record<string, unknown>;

describe('computeDiff', () => {
  it('lists attributes that appeared under added, with their new values', () => {
    expect(computeDiff({ _id: 'c-1', name: 'Ada' }, { _id: 'c-1', name: 'Ada', email: 'ada@example.com' })).toEqual({
      added: { email: 'ada@example.com' },
      updated: {},
      deleted: {},
    });
  });

  it('lists changed attributes under updated, with their previous values', () => {
    const before = { _id: 'o-1', status: 'open_for_acceptance', total: 10 };
    const after = { _id: 'o-1', status: 'placed', total: 10 };

    expect(computeDiff(before, after)).toEqual({ added: {}, updated: { status: 'open_for_acceptance' }, deleted: {} });
  });

  it('lists removed attributes under deleted, with their previous values', () => {
    expect(computeDiff({ _id: 'c-1', phone: '123' }, { _id: 'c-1' })).toEqual({ added: {}, updated: {}, deleted: { phone: '123' } });
  });

  it('reports nothing for identical images', () => {
    const image = { _id: 'c-1', tags: ['a'], address: { city: 'Köln' } };

    expect(computeDiff(image, structuredClone(image))).toEqual({ added: {}, updated: {}, deleted: {} });
  });

  it('treats a missing old image as a creation: everything is added', () => {
    expect(computeDiff(undefined, { _id: 'c-1', name: 'Ada' })).toEqual({ added: { _id: 'c-1', name: 'Ada' }, updated: {}, deleted: {} });
  });

  it('treats a missing new image as a deletion: everything is deleted', () => {
    expect(computeDiff({ _id: 'c-1', name: 'Ada' }, undefined)).toEqual({ added: {}, updated: {}, deleted: { _id: 'c-1', name: 'Ada' } });
  });

  it('reports nothing when both images are missing', () => {
    expect(computeDiff(undefined, undefined)).toEqual({ added: {}, updated: {}, deleted: {} });
  });

  describe('nested values', () => {
    it.each<[string, unknown, unknown, boolean]>([
      ['equal objects in new instances', { city: 'Köln', zip: '50667' }, { zip: '50667', city: 'Köln' }, false],
      ['a changed nested field', { city: 'Köln', zip: '50667' }, { city: 'Bonn', zip: '50667' }, true],
      ['an added nested field', { city: 'Köln' }, { city: 'Köln', zip: '50667' }, true],
      ['a removed nested field', { city: 'Köln', zip: '50667' }, { city: 'Köln' }, true],
      ['a deeper change', { a: { b: { c: 1 } } }, { a: { b: { c: 2 } } }, true],
      ['equal arrays', ['a', { x: 1 }], ['a', { x: 1 }], false],
      ['reordered arrays', ['a', 'b'], ['b', 'a'], true],
      ['a longer array', ['a'], ['a', 'b'], true],
      ['an object replaced by an array', { 0: 'a' }, ['a'], true],
      ['a number replaced by its text', 1, '1', true],
      ['null replaced by a value', null, 'x', true],
    ])('compares %s deeply', (_name, before, after, changed) => {
      const diff = computeDiff({ value: before }, { value: after });

      expect(diff.updated).toEqual(changed ? { value: before } : {});
      expect(diff.added).toEqual({});
      expect(diff.deleted).toEqual({});
    });
  });

  it.each<[string, Image, Image]>([
    ['_updated_at', { _id: 'x', _updated_at: '2024-01-01T00:00:00Z' }, { _id: 'x', _updated_at: '2024-01-02T00:00:00Z' }],
    ['_version', { _id: 'x', _version: 1 }, { _id: 'x', _version: 2 }],
    ['_updated_at when it appears', { _id: 'x' }, { _id: 'x', _updated_at: '2024-01-02T00:00:00Z' }],
    ['_version when it disappears', { _id: 'x', _version: 3 }, { _id: 'x' }],
  ])('ignores a change of %s, which changes on every write', (_name, before, after) => {
    expect(computeDiff(before, after)).toEqual({ added: {}, updated: {}, deleted: {} });
  });

  it.each<[string, Image, Image, ReturnType<typeof computeDiff>]>([
    ['an attribute undefined in both images', { a: undefined }, { a: undefined }, { added: {}, updated: {}, deleted: {} }],
    ['an attribute that becomes undefined as deleted', { a: 1 }, { a: undefined }, { added: {}, updated: {}, deleted: { a: 1 } }],
    ['an attribute that was undefined as added', { a: undefined }, { a: 1 }, { added: { a: 1 }, updated: {}, deleted: {} }],
  ])('treats undefined as absent: %s', (_name, before, after, expected) => {
    expect(computeDiff(before, after)).toEqual(expected);
  });

  it('keeps null as a value', () => {
    expect(computeDiff({ a: null, b: 1 }, { b: null, c: null })).toEqual({ added: { c: null }, updated: { b: 1 }, deleted: { a: null } });
  });

  it('does not modify the images', () => {
    const before = { a: 1, n: { x: [1] } };
    const after = { a: 2, b: 3 };
    const copies = structuredClone([before, after]);

    computeDiff(before, after);

    expect([before, after]).toEqual(copies);
  });

  describe('properties', () => {
    // A small vocabulary makes the two images share keys often; volatile keys are in it on purpose.
    const key = fc.constantFrom('_id', 'name', 'status', 'tags', 'address', 'total', 'note', '_updated_at', '_version');
    const value = fc.jsonValue({ maxDepth: 2 });
    const image: fc.Arbitrary<Image> = fc.dictionary(key, value, { maxKeys: 7 });
    /** A new image derived from the old one by dropping, changing and adding keys. */
    const pair: fc.Arbitrary<[Image, Image]> = image.chain((before) =>
      fc
        .tuple(fc.subarray(Object.keys(before)), fc.dictionary(key, value, { maxKeys: 4 }))
        .map(([kept, changes]): [Image, Image] => [before, { ...Object.fromEntries(kept.map((k) => [k, before[k]])), ...changes }]),
    );
    const VOLATILE = ['_updated_at', '_version'];
    const tracked = (img: Image) => Object.keys(img).filter((k) => !VOLATILE.includes(k) && img[k] !== undefined).sort();

    it('reproduces the keys and the unchanged and added values of the new image when applied to the old one', () => {
      fc.assert(
        fc.property(pair, ([before, after]) => {
          const diff = computeDiff(before, after);
          const applied: Image = Object.fromEntries(tracked(before).map((k) => [k, before[k]]));
          for (const k of Object.keys(diff.deleted)) delete applied[k];
          Object.assign(applied, diff.added);

          expect(Object.keys(applied).sort()).toEqual(tracked(after));
          for (const k of Object.keys(applied)) {
            // updated holds previous values, so only those attributes still differ
            expect(deepEqual(applied[k], after[k])).toBe(!(k in diff.updated));
          }
        }),
        { numRuns: 500 },
      );
    });

    it('keeps the previous value of every updated attribute, present in both images', () => {
      fc.assert(
        fc.property(pair, ([before, after]) => {
          const diff = computeDiff(before, after);

          for (const [k, previous] of Object.entries(diff.updated)) {
            expect(previous).toBe(before[k]);
            expect(k in after).toBe(true);
          }
        }),
      );
    });

    it('puts each attribute under at most one of added, updated and deleted, and never a volatile one', () => {
      fc.assert(
        fc.property(pair, ([before, after]) => {
          const diff = computeDiff(before, after);
          const all = [...Object.keys(diff.added), ...Object.keys(diff.updated), ...Object.keys(diff.deleted)];

          expect(new Set(all).size).toBe(all.length);
          expect(all.filter((k) => VOLATILE.includes(k))).toEqual([]);
        }),
      );
    });

    it('reverses: the diff from new to old swaps added and deleted and changes the same attributes', () => {
      fc.assert(
        fc.property(pair, ([before, after]) => {
          const forward = computeDiff(before, after);
          const backward = computeDiff(after, before);

          expect(backward.added).toEqual(forward.deleted);
          expect(backward.deleted).toEqual(forward.added);
          expect(Object.keys(backward.updated).sort()).toEqual(Object.keys(forward.updated).sort());
        }),
      );
    });

    it('finds no difference between an image and a deep copy of it', () => {
      fc.assert(
        fc.property(image, (img) => {
          expect(computeDiff(img, structuredClone(img))).toEqual({ added: {}, updated: {}, deleted: {} });
        }),
      );
    });
  });
});

describe('deepEqual', () => {
  it.each<[string, unknown, unknown, boolean]>([
    ['equal scalars', 'a', 'a', true],
    ['different scalars', 'a', 'b', false],
    ['a number and its text', 1, '1', false],
    ['null and null', null, null, true],
    ['null and an object', null, {}, false],
    ['an object and null', {}, null, false],
    ['objects with keys in another order', { a: 1, b: 2 }, { b: 2, a: 1 }, true],
    ['objects with different keys of equal count', { a: 1 }, { b: 1 }, false],
    ['an array and an object', [], {}, false],
    ['arrays of different length', [1], [1, 2], false],
    ['nested equal structures', { a: [{ b: null }] }, { a: [{ b: null }] }, true],
  ])('compares %s', (_name, a, b, expected) => {
    expect(deepEqual(a, b)).toBe(expected);
  });

  it('is reflexive and symmetric for JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(deepEqual(a, structuredClone(a))).toBe(true);
        expect(deepEqual(a, b)).toBe(deepEqual(b, a));
      }),
    );
  });

  it('agrees with comparing canonical JSON for JSON values', () => {
    const canonical = (v: unknown): string =>
      JSON.stringify(v, (_k, x: unknown) =>
        x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as object).sort(([p], [q]) => (p < q ? -1 : 1))) : x,
      );

    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), (a, b) => {
        expect(deepEqual(a, b)).toBe(canonical(a) === canonical(b));
      }),
    );
  });
});

describe('computeDiff with attribute names Object.prototype also has', () => {
  it.each([
    ['constructor', {}, { constructor: 'x' }, { added: { constructor: 'x' }, updated: {}, deleted: {} }],
    ['toString', { toString: 'a' }, {}, { added: {}, updated: {}, deleted: { toString: 'a' } }],
  ])('reports %s like any other attribute', (_name, before, after, expected) => {
    expect(computeDiff(before as Record<string, unknown>, after as Record<string, unknown>)).toEqual(expected);
  });

  it('reports an own __proto__ attribute as added without touching the prototype', () => {
    const diff = computeDiff({}, JSON.parse('{"__proto__":{"a":1}}') as Record<string, unknown>);
    expect(Object.keys(diff.added)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(diff.added)).toBe(Object.prototype);
  });
});
