import fc from 'fast-check';
import { compilePattern, InvalidPatternError, PatternSet, validatePattern, type EventPattern } from '../../src/pattern';
import { setEvent, setPattern, type JsonObject } from './arbitraries';

const setOf = (...patterns: EventPattern[]): PatternSet<number> => new PatternSet(patterns.map((pattern, id) => ({ id, pattern })));

/** What a set must answer: the ids of the patterns `compilePattern` accepts, in the order given. */
const expected = (patterns: readonly EventPattern[], event: unknown): number[] =>
  patterns.flatMap((pattern, id) => (compilePattern(pattern)(event) ? [id] : []));

describe('PatternSet', () => {
  it('returns the ids of the matching patterns in the order they were added', () => {
    const set = new PatternSet([
      { id: 'c', pattern: { source: ['shop'] } },
      { id: 'a', pattern: { source: ['crm'] } },
      { id: 'b', pattern: { source: [{ prefix: 'sh' }] } },
    ]);

    expect(set.match({ source: 'shop' })).toEqual(['c', 'b']);
    expect(set.match({ source: 'crm' })).toEqual(['a']);
    expect(set.match({ source: 'erp' })).toEqual([]);
  });

  it('reports a pattern once when several of its $or branches match', () => {
    const set = setOf({ $or: [{ a: ['x'] }, { b: [1] }, { c: [{ prefix: '' }] }] });

    expect(set.match({ a: 'x', b: 1, c: 'y' })).toEqual([0]);
  });

  it('reports a pattern once when an event array holds several of its values', () => {
    expect(setOf({ tags: ['a', 'b'] }).match({ tags: ['a', 'b', 'a'] })).toEqual([0]);
  });

  it('matches nothing for an event that is not a JSON object', () => {
    const set = setOf({ a: [{ exists: false }] });

    expect(set.match([])).toEqual([]);
    expect(set.match(null)).toEqual([]);
    expect(set.match('a')).toEqual([]);
    expect(set.match({})).toEqual([0]);
  });

  it('matches a pattern added after construction', () => {
    const set = setOf({ a: ['x'] });

    set.add(1, { a: ['y'] });

    expect(set.size).toBe(2);
    expect(set.match({ a: 'y' })).toEqual([1]);
  });

  it('refuses a pattern EventBridge would refuse, listing its problems', () => {
    const invalid = { a: 'x', b: [{ numeric: ['>', 'one'] }] } as unknown as EventPattern;

    const thrown = (() => {
      try {
        setOf({ a: ['x'] }, invalid);
      } catch (err) {
        return err;
      }
      return undefined;
    })();

    expect(thrown).toBeInstanceOf(InvalidPatternError);
    expect((thrown as InvalidPatternError).problems).toEqual(validatePattern(invalid));
  });

  describe('keeps the semantics of the single-pattern matcher', () => {
    it.each<[string, EventPattern, unknown, boolean]>([
      ['numbers by value, minus zero included', { n: [0] }, { n: -0 }, true],
      ['a string never equals a number', { n: [1] }, { n: '1' }, false],
      ['a numeric range, both ends', { n: [{ numeric: ['>', 0, '<=', 5] }] }, { n: 5 }, true],
      ['a numeric range excludes its open end', { n: [{ numeric: ['>', 0, '<=', 5] }] }, { n: 0 }, false],
      ['numeric never matches a string', { n: [{ numeric: ['>', 0] }] }, { n: '7' }, false],
      ['anything-but matches a present leaf of another type', { s: [{ 'anything-but': ['1'] }] }, { s: 1 }, true],
      ['anything-but matches null', { s: [{ 'anything-but': ['x'] }] }, { s: null }, true],
      ['anything-but needs a present leaf', { s: [{ 'anything-but': ['x'] }] }, {}, false],
      ['anything-but excludes what it lists', { s: [{ 'anything-but': ['x', 'y'] }] }, { s: 'y' }, false],
      ['an empty prefix matches any string', { s: [{ prefix: '' }] }, { s: '' }, true],
      ['a prefix never matches a number', { s: [{ prefix: '1' }] }, { s: 12 }, false],
      ['an IP literal matches the address written differently', { ip: ['10.0.0.1'] }, { ip: '10.0.0.001' }, true],
      ['exactly compares plain strings', { ip: [{ exactly: '10.0.0.1' }] }, { ip: '10.0.0.001' }, false],
      ['an object is not a leaf', { a: ['x'] }, { a: { b: 'x' } }, false],
      ['a literal inside an array of scalars', { a: ['x'] }, { a: ['y', 'x'] }, true],
      ['fields of one alternative from the same element', { r: { k: ['a'], v: [1] } }, { r: [{ k: 'a', v: 2 }, { k: 'b', v: 1 }] }, false],
      ['fields of one alternative from one element', { r: { k: ['a'], v: [1] } }, { r: [{ k: 'b', v: 1 }, { k: 'a', v: 1 }] }, true],
      ['a range and a literal from one element', { r: { k: ['a'], v: [{ numeric: ['>', 5] }] } }, { r: [{ k: 'a', v: 2 }, { k: 'b', v: 9 }] }, false],
      ['exists: false judged against the element chosen so far', { a: { b: [{ exists: false }], c: ['x'] } }, { a: [{ b: 1 }, { c: 'x' }] }, false],
    ])('%s', (_name, pattern, event, matches) => {
      expect(compilePattern(pattern)(event)).toBe(matches);
      expect(setOf(pattern).match(event)).toEqual(matches ? [0] : []);
    });
  });

  it('stays exact for a field with more values than it files keys for', () => {
    const many = Array.from({ length: 100 }, (_, i) => `v${i}`);
    const patterns: EventPattern[] = [{ a: many, b: many, c: ['x'] }, { a: ['v7'], b: [{ numeric: ['<', 3] }] }];
    const set = setOf(...patterns);

    for (const event of [{ a: 'v99', b: 'v0', c: 'x' }, { a: 'v99', b: 'v0', c: 'y' }, { a: 'v7', b: 2 }, { a: ['v7', 'v8'], b: [7, 2], c: 'x' }]) {
      expect(set.match(event)).toEqual(expected(patterns, event));
    }
  });

  describe('properties', () => {
    const patterns = fc.array(setPattern, { minLength: 1, maxLength: 12 }).map((list) => list.filter((p) => validatePattern(p).length === 0) as EventPattern[]);

    it('matches exactly the patterns compilePattern accepts, in the order added', () => {
      fc.assert(
        fc.property(patterns, fc.array(setEvent, { minLength: 1, maxLength: 5 }), (list, events) => {
          const set = setOf(...list);
          for (const event of events) expect(set.match(event)).toEqual(expected(list, event));
        }),
        { numRuns: 1000 },
      );
    });

    it('gives the same answers when the patterns are added one by one', () => {
      fc.assert(
        fc.property(patterns, setEvent, (list, event) => {
          const set = new PatternSet<number>();
          list.forEach((pattern, id) => set.add(id, pattern));
          expect(set.match(event)).toEqual(expected(list, event));
        }),
        { numRuns: 300 },
      );
    });

    it('matches each event with the patterns built from its own leaves among many others', () => {
      /** A pattern naming some of the event's leaves through objects (arrays are left out). */
      const fromEvent = (event: JsonObject): JsonObject =>
        Object.fromEntries(
          Object.entries(event).flatMap(([k, v]): [string, unknown][] => {
            if (v === null || typeof v !== 'object') return [[k, [v]]];
            if (Array.isArray(v)) return [];
            const nested = fromEvent(v);
            return Object.keys(nested).length > 0 ? [[k, nested]] : [];
          }),
        ) as JsonObject;
      fc.assert(
        fc.property(patterns, fc.array(setEvent, { minLength: 1, maxLength: 6 }), (others, events) => {
          const ownByEvent = events.map(fromEvent);
          const own = ownByEvent.filter((p) => Object.keys(p).length > 0) as EventPattern[];
          const list = [...others, ...own];
          const set = setOf(...list);
          for (const [i, event] of events.entries()) {
            const found = set.match(event);
            expect(found).toEqual(expected(list, event));
            const mine = own.indexOf(ownByEvent[i] as EventPattern);
            if (mine !== -1) expect(found).toContain(others.length + mine);
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
