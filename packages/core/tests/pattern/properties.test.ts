import fc from 'fast-check';
import { compilePattern, InvalidPatternError, matchesPattern, validatePattern, type EventPattern } from '../../src/pattern';
import { compileValues, type Leaf, type ValueCondition } from '../../src/pattern/compileValues';
import { smallEvent, smallKey, smallPattern, type Json, type JsonObject } from './arbitraries';

// Field names that are neither "$or" nor words reserved inside $or, nor "__proto__".
const fieldName = fc.constantFrom('a', 'b', 'c', 'detail', 'source', 'x-limit', 'tags', 'id');
const scalar: fc.Arbitrary<Json> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

const { event: eventArb } = fc.letrec<{ event: JsonObject; value: Json }>((tie) => ({
  event: fc.dictionary(fieldName, tie('value'), { minKeys: 1, maxKeys: 4 }),
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    tie('event'),
    fc.array(scalar, { maxLength: 3 }),
    fc.array(tie('event'), { maxLength: 2 }),
  ),
}));

/**
 * A pattern naming some of the event's own leaves, each with its own value: through objects, through
 * a scalar of an array, or into the first object of an array (so fields of one element stay together).
 */
function patternFromEvent(event: JsonObject, pick: () => boolean): JsonObject | undefined {
  const pattern: JsonObject = {};
  for (const [key, value] of Object.entries(event)) {
    if (!pick()) continue;
    if (Array.isArray(value)) {
      const scalarElement = value.find((v) => v === null || typeof v !== 'object');
      const objectElement = value.find((v): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v));
      if (scalarElement !== undefined) pattern[key] = [scalarElement];
      else if (objectElement !== undefined) {
        const nested = patternFromEvent(objectElement, pick);
        if (nested) pattern[key] = nested;
      }
    } else if (typeof value === 'object' && value !== null) {
      const nested = patternFromEvent(value, pick);
      if (nested) pattern[key] = nested;
    } else {
      pattern[key] = [value];
    }
  }
  return Object.keys(pattern).length > 0 ? pattern : undefined;
}

/**
 * An independent model of Event Ruler's matching, written the way Event.java and ACFinder.java
 * work: flatten the event into (dotted name, value, array membership) fields, then look for one
 * field per pattern name, in name order, with no two taken from different elements of one array.
 */
interface FlatField {
  readonly name: string;
  readonly value: Leaf;
  readonly membership: ReadonlyMap<number, number>;
}

function flatten(event: JsonObject): FlatField[] {
  const fields: FlatField[] = [];
  let arrays = 0;
  const visit = (value: Json, name: string, membership: Map<number, number>): void => {
    if (Array.isArray(value)) {
      const id = arrays++;
      value.forEach((element, index) => {
        if (typeof element === 'object' && element !== null) visit(element, name, new Map(membership).set(id, index));
        else visit(element, name, membership);
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) visit(child, name === '' ? key : `${name}.${key}`, membership);
    } else {
      fields.push({ name, value, membership });
    }
  };
  visit(event, '', new Map());
  return fields;
}

function merge(so: ReadonlyMap<number, number>, more: ReadonlyMap<number, number>): Map<number, number> | undefined {
  const merged = new Map(so);
  for (const [id, index] of more) {
    if (merged.has(id) && merged.get(id) !== index) return undefined;
    merged.set(id, index);
  }
  return merged;
}

function modelMatches(pattern: JsonObject, event: JsonObject): boolean {
  const conditions: (ValueCondition & { name: string })[] = [];
  const collect = (node: JsonObject, prefix: string): void => {
    for (const [key, value] of Object.entries(node)) {
      const name = prefix === '' ? key : `${prefix}.${key}`;
      if (Array.isArray(value)) conditions.push({ name, ...compileValues(value) });
      else collect(value as JsonObject, name);
    }
  };
  collect(pattern, '');
  conditions.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const fields = flatten(event);
  const search = (i: number, membership: ReadonlyMap<number, number>): boolean => {
    const condition = conditions[i];
    if (condition === undefined) return true;
    const candidates = fields.filter((f) => f.name === condition.name && merge(membership, f.membership) !== undefined);
    if (condition.allowAbsent && candidates.length === 0 && search(i + 1, membership)) return true;
    return candidates.some((f) => condition.test !== undefined && condition.test(f.value) && search(i + 1, merge(membership, f.membership)!));
  };
  return search(0, new Map());
}

describe('matchesPattern properties', () => {
  it('matches an event with any pattern built from its own leaf values', () => {
    fc.assert(
      fc.property(eventArb, fc.infiniteStream(fc.boolean()), (event, choices) => {
        const it = choices[Symbol.iterator]();
        const pattern = patternFromEvent(event, () => it.next().value as boolean);
        fc.pre(pattern !== undefined);
        expect(matchesPattern(pattern as EventPattern, event)).toBe(true);
      }),
    );
  });

  it('agrees with a flattened model of Event Ruler, array consistency and absence included', () => {
    fc.assert(
      fc.property(smallPattern, smallEvent, (p, event) => {
        expect(compilePattern(p as EventPattern)(event)).toBe(modelMatches(p, event));
      }),
      { numRuns: 500 },
    );
  });

  it('makes anything-but [x] the negation of [x] for a present scalar field', () => {
    // Letters only: a string that reads as an IP address is compared as an address by [x] but
    // as a string by anything-but, which is Event Ruler's behaviour and breaks the symmetry.
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'Z'), maxLength: 3 });
    const excluded = fc.oneof(text, fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true }));
    const value = fc.oneof(excluded, fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(value, excluded, (v, x) => {
        const event = { field: v };
        const isX = matchesPattern({ field: [x] }, event);
        const isNotX = matchesPattern({ field: [{ 'anything-but': [x] as string[] }] }, event);
        expect(isNotX).toBe(!isX);
      }),
    );
  });

  it('makes {"$or": [p, q]} match exactly the events p or q matches', () => {
    fc.assert(
      fc.property(smallPattern, smallPattern, smallEvent, (p, q, event) => {
        const either = compilePattern({ $or: [p, q] } as EventPattern);
        const one = compilePattern(p as EventPattern);
        const other = compilePattern(q as EventPattern);
        expect(either(event)).toBe(one(event) || other(event));
      }),
    );
  });

  it('does not depend on the order of keys or of the values in a field (without $or)', () => {
    const reordered = (pattern: JsonObject): JsonObject =>
      Object.fromEntries(
        Object.entries(pattern)
          .reverse()
          .map(([k, v]) => [k, Array.isArray(v) ? [...v].reverse() : reordered(v as JsonObject)]),
      );
    fc.assert(
      fc.property(smallPattern, smallEvent, (p, event) => {
        expect(compilePattern(reordered(p) as EventPattern)(event)).toBe(compilePattern(p as EventPattern)(event));
      }),
    );
  });

  it('matches an ASCII string with equals-ignore-case in any casing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (s) => {
        const pattern: EventPattern = { f: [{ 'equals-ignore-case': s }] };
        expect(matchesPattern(pattern, { f: s.toUpperCase() })).toBe(true);
        expect(matchesPattern(pattern, { f: s.toLowerCase() })).toBe(true);
      }),
    );
  });

  it('agrees with startsWith, endsWith and equality for prefix, suffix and a star-free wildcard', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '.', '/'), maxLength: 5 });
    fc.assert(
      fc.property(text, text, (operand, value) => {
        expect(matchesPattern({ f: [{ prefix: operand }] }, { f: value })).toBe(value.startsWith(operand));
        expect(matchesPattern({ f: [{ suffix: operand }] }, { f: value })).toBe(value.endsWith(operand));
        expect(matchesPattern({ f: [{ wildcard: operand }] }, { f: value })).toBe(value === operand);
      }),
    );
  });

  it('keeps every IPv4 address inside each CIDR block built from it', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 31 }), (ip, bits) => {
        expect(matchesPattern({ ip: [{ cidr: `${ip}/${bits}` }] }, { ip })).toBe(true);
      }),
    );
  });
});

describe('compilePattern and validatePattern properties', () => {
  it('throws InvalidPatternError with exactly the problems validatePattern reports', () => {
    const candidate = fc.oneof(smallPattern as fc.Arbitrary<unknown>, fc.jsonValue(), fc.dictionary(smallKey, fc.jsonValue()));
    fc.assert(
      fc.property(candidate, (pattern) => {
        const problems = validatePattern(pattern);
        let thrown: unknown;
        try {
          compilePattern(pattern as EventPattern);
        } catch (err) {
          thrown = err;
        }
        if (problems.length === 0) expect(thrown).toBeUndefined();
        else {
          expect(thrown).toBeInstanceOf(InvalidPatternError);
          expect((thrown as InvalidPatternError).problems).toEqual(problems);
        }
      }),
    );
  });
});
