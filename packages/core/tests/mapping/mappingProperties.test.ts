import fc from 'fast-check';
import { applyMapping, formatPath, parsePath, readPath, uniqueItems } from '../../src/mapping';
import type { PathSegment } from '../../src/mapping';

const render = (template: string): string => template;

// attribute names and keys, without the prototype keys the mapping refuses
const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));
const segment: fc.Arbitrary<PathSegment> = fc.oneof(key, fc.nat({ max: 4 }));
// "__proto__" can never be written as a key (it would replace the prototype), so values holding it are out of scope
const jsonValue = fc.jsonValue().filter((value) => !JSON.stringify(value).includes('"__proto__"'));
const path = fc.tuple(key.filter((k) => !['_org', '_id', '_schema'].includes(k)), fc.array(segment, { maxLength: 4 }));

describe('mapping properties', () => {
  it('reads back the value that _set wrote at a path', () => {
    fc.assert(
      fc.property(path, jsonValue, ([first, rest], value) => {
        const target = formatPath([first, ...rest]);
        const { patch, problems } = applyMapping([{ target, operation: { _set: value } }], { source: {}, target: {}, render });
        expect(problems).toEqual([]);
        const parsed = parsePath(target);
        if (!parsed.ok) throw new Error(parsed.message);
        expect(readPath(patch, parsed.segments)).toEqual({ found: true, value });
      }),
    );
  });

  it('formats and parses paths losslessly', () => {
    fc.assert(
      fc.property(key, fc.array(segment, { maxLength: 5 }), (first, rest) => {
        const segments = [first, ...rest];
        const parsed = parsePath(formatPath(segments));
        expect(parsed).toEqual({ ok: true, segments });
      }),
    );
  });

  it('makes _uniq: true idempotent and free of duplicates', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 10 }), (items) => {
        const once = uniqueItems(items, true, true);
        expect(uniqueItems(once, true, true)).toEqual(once);
        expect(new Set(once.map((item) => JSON.stringify(item))).size).toBeLessThanOrEqual(once.length);
      }),
    );
  });

  it('never mutates the target', () => {
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue()), path, fc.jsonValue(), (target, [first, rest], value) => {
        const before = JSON.stringify(target);
        applyMapping([{ target: formatPath([first, ...rest]), operation: { _append: [value], _uniq: true } }], { source: {}, target, render });
        expect(JSON.stringify(target)).toBe(before);
      }),
    );
  });
});
