import { compilePattern, InvalidPatternError, matchesPattern, type EventPattern } from '../../src/pattern';

/**
 * Behaviour the published examples leave open, settled against Event Ruler's implementation
 * (JsonRuleCompiler, ByteMachine, ACFinder, Event, CIDR, EqualsIgnoreCaseParser); see
 * packages/core/src/pattern/README.md for the reasoning behind each.
 */
const matches = (pattern: EventPattern, event: unknown): boolean => matchesPattern(pattern, event);
const thrownBy = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
};

describe('matchesPattern', () => {
  describe('literal values', () => {
    it('matches a number however it was written in the JSON (300, 300.0, 3e2)', () => {
      const event = JSON.parse('{"a": 300.0, "b": 3e2}') as unknown;
      expect(matches({ a: [300], b: [300] }, event)).toBe(true);
    });

    it('never matches a number with a string or a string with a number', () => {
      expect(matches({ a: [300] }, { a: '300' })).toBe(false);
      expect(matches({ a: ['300'] }, { a: 300 })).toBe(false);
    });

    it('keeps true, false and null apart from their string spellings', () => {
      expect(matches({ a: [true] }, { a: 'true' })).toBe(false);
      expect(matches({ a: [null] }, { a: 'null' })).toBe(false);
      expect(matches({ a: [false] }, { a: false })).toBe(true);
    });

    it('matches an IP-address literal however the event writes the address', () => {
      expect(matches({ ip: ['10.0.0.1'] }, { ip: '10.0.0.001' })).toBe(true);
      expect(matches({ ip: ['::1'] }, { ip: '0:0:0:0:0:0:0:1' })).toBe(true);
      expect(matches({ ip: ['10.0.0.1'] }, { ip: '10.0.0.2' })).toBe(false);
    });

    it('finds a top-level literal inside an event array and rejects it in any other type', () => {
      const pattern: EventPattern = { source: ['a', 'b'], n: [1] };
      expect(matches(pattern, { source: ['x', 'b'], n: 1 })).toBe(true);
      expect(matches(pattern, { source: { a: 'a' }, n: 1 })).toBe(false);
      expect(matches(pattern, { source: 1, n: 1 })).toBe(false);
      expect(matches(pattern, { n: 1 })).toBe(false);
    });

    it('compares a non-address that only looks like IPv6 as a plain string', () => {
      expect(matches({ a: ['08:23'] }, { a: '08:23' })).toBe(true);
    });

    it('treats "exactly" as a plain string comparison', () => {
      expect(matches({ ip: [{ exactly: '10.0.0.1' }] }, { ip: '10.0.0.01' })).toBe(false);
      expect(matches({ ip: [{ exactly: '10.0.0.1' }] }, { ip: '10.0.0.1' })).toBe(true);
    });
  });

  describe('missing fields and leaves', () => {
    it('does not match a missing field with anything but exists false', () => {
      expect(matches({ a: [null] }, {})).toBe(false);
      expect(matches({ a: [{ 'anything-but': 'x' }] }, {})).toBe(false);
      expect(matches({ a: [{ numeric: ['>', 0] }] }, {})).toBe(false);
      expect(matches({ a: [{ exists: false }] }, {})).toBe(true);
    });

    it('counts null as a present leaf', () => {
      expect(matches({ a: [{ exists: true }] }, { a: null })).toBe(true);
      expect(matches({ a: [{ exists: false }] }, { a: null })).toBe(false);
      expect(matches({ a: [{ 'anything-but': 'x' }] }, { a: null })).toBe(true);
    });

    it('counts an empty array as no value at all', () => {
      expect(matches({ a: [{ exists: true }] }, { a: [] })).toBe(false);
      expect(matches({ a: [{ exists: false }] }, { a: [] })).toBe(true);
      expect(matches({ a: [{ 'anything-but': 'x' }] }, { a: [] })).toBe(false);
    });

    it('treats exists false as satisfied when a parent object is missing or is a scalar', () => {
      expect(matches({ detail: { a: [{ exists: false }] } }, {})).toBe(true);
      expect(matches({ detail: { a: [{ exists: false }] } }, { detail: 'text' })).toBe(true);
    });

    it('never matches a leaf condition against an object value', () => {
      expect(matches({ a: [{ 'anything-but': 'x' }] }, { a: { b: 1 } })).toBe(false);
      expect(matches({ a: [{ wildcard: '*' }] }, { a: { b: 'x' } })).toBe(false);
    });

    it('does not reach into a nested object through a leaf condition', () => {
      expect(matches({ a: ['x'] }, { a: { b: 'x' } })).toBe(false);
    });

    it('accepts "x or missing" when exists false is listed with other values', () => {
      const pattern: EventPattern = { a: ['x', { exists: false }] };
      expect(matches(pattern, { a: 'x' })).toBe(true);
      expect(matches(pattern, {})).toBe(true);
      expect(matches(pattern, { a: 'y' })).toBe(false);
    });
  });

  describe('anything-but', () => {
    it('excludes strings only with strings and numbers only with numbers', () => {
      expect(matches({ a: [{ 'anything-but': ['5'] }] }, { a: 5 })).toBe(true);
      expect(matches({ a: [{ 'anything-but': [5] }] }, { a: '5' })).toBe(true);
      expect(matches({ a: [{ 'anything-but': [5] }] }, { a: 5.0 })).toBe(false);
    });

    it('matches booleans and null, which no anything-but list can exclude', () => {
      expect(matches({ a: [{ 'anything-but': ['true'] }] }, { a: true })).toBe(true);
    });

    it('applies its prefix, suffix, wildcard and ignore-case forms to strings only', () => {
      expect(matches({ a: [{ 'anything-but': { prefix: '1' } }] }, { a: 123 })).toBe(true);
      expect(matches({ a: [{ 'anything-but': { suffix: 'e' } }] }, { a: true })).toBe(true);
    });

    it('accepts a list with its prefix form', () => {
      const pattern: EventPattern = { region: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] };
      expect(matches(pattern, { region: 'ap-south-1' })).toBe(true);
      expect(matches(pattern, { region: 'eu-west-1' })).toBe(false);
    });

    it('matches an event array when any element is not excluded', () => {
      expect(matches({ a: [{ 'anything-but': 'x' }] }, { a: ['x', 'y'] })).toBe(true);
      expect(matches({ a: [{ 'anything-but': 'x' }] }, { a: ['x', 'x'] })).toBe(false);
    });
  });

  describe('numeric', () => {
    it('compares across the whole double range', () => {
      expect(matches({ a: [{ numeric: ['>', 5e9] }] }, { a: 1e12 })).toBe(true);
      expect(matches({ a: [{ numeric: ['<', -1e15] }] }, { a: -1e16 })).toBe(true);
    });

    it('keeps precision beyond six decimals', () => {
      expect(matches({ a: [{ numeric: ['=', 0.0000001] }] }, { a: 0.0000002 })).toBe(false);
    });

    it('supports >= and <= bounds', () => {
      const pattern: EventPattern = { a: [{ numeric: ['>=', 1, '<', 2] }] };
      expect(matches(pattern, { a: 1 })).toBe(true);
      expect(matches(pattern, { a: 2 })).toBe(false);
    });

    it('matches when any element of an event array is in range', () => {
      expect(matches({ a: [{ numeric: ['>', 10] }] }, { a: [1, 2, 30] })).toBe(true);
    });
  });

  describe('strings', () => {
    it('lets an empty prefix or suffix match any string but no other value', () => {
      expect(matches({ a: [{ prefix: '' }] }, { a: '' })).toBe(true);
      expect(matches({ a: [{ suffix: '' }] }, { a: 'x' })).toBe(true);
      expect(matches({ a: [{ prefix: '' }] }, { a: 1 })).toBe(false);
    });

    it('folds case per character as Event Ruler does, not by lower-casing both sides', () => {
      expect(matches({ a: [{ 'equals-ignore-case': 'straße' }] }, { a: 'STRASSE' })).toBe(true);
      expect(matches({ a: [{ 'equals-ignore-case': 'straße' }] }, { a: 'strasse' })).toBe(false);
      // The Kelvin sign lower-cases to "k", but "k" only accepts "k" and "K".
      expect(matches({ a: [{ 'equals-ignore-case': 'k' }] }, { a: '\u212A' })).toBe(false);
    });

    it('lets a lone wildcard match any string, the empty one included', () => {
      expect(matches({ a: [{ wildcard: '*' }] }, { a: '' })).toBe(true);
      expect(matches({ a: [{ wildcard: '*' }] }, { a: 5 })).toBe(false);
    });

    it('does not let wildcard pieces overlap', () => {
      expect(matches({ a: [{ wildcard: 'ab*ba' }] }, { a: 'aba' })).toBe(false);
      expect(matches({ a: [{ wildcard: 'ab*ba' }] }, { a: 'abba' })).toBe(true);
    });

    it('reads an escaped backslash as one backslash', () => {
      expect(matches({ a: [{ wildcard: 'c:\\\\*' }] }, { a: 'c:\\temp' })).toBe(true);
    });
  });

  describe('cidr', () => {
    it('takes the network from a CIDR whose address is not the first of its block', () => {
      expect(matches({ ip: [{ cidr: '54.240.196.171/24' }] }, { ip: '54.240.196.1' })).toBe(true);
    });

    it('never matches an IPv6 address with an IPv4 block', () => {
      expect(matches({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '::1' })).toBe(false);
      expect(matches({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '255.255.255.255' })).toBe(true);
    });

    it('reads an IPv4-mapped IPv6 address as IPv4', () => {
      expect(matches({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: '::ffff:a00:1' })).toBe(true);
    });

    it('ignores values that are not addresses', () => {
      expect(matches({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'ten' })).toBe(false);
    });
  });

  describe('arrays of objects', () => {
    it('judges exists false against every element when it is the first field by name', () => {
      // "a.b" sorts before anything else, so it is checked before any element is chosen.
      expect(matches({ a: { b: [{ exists: false }] } }, { a: [{ b: 1 }, { c: 2 }] })).toBe(false);
    });

    it('judges exists false within the element chosen by a field sorted before it', () => {
      const event = { a: [{ x: 1, c: 3 }, { c: 2 }] };
      expect(matches({ a: { c: [2], x: [{ exists: false }] } }, event)).toBe(true);
    });

    it('follows Event Ruler when exists false sorts before the field choosing the element', () => {
      const event = { a: [{ c: 1, x: 3 }, { x: 2 }] };
      expect(matches({ a: { c: [{ exists: false }], x: [2] } }, event)).toBe(false);
    });

    it('lets sibling fields of different arrays match independently', () => {
      const event = { a: [{ b: 1 }, { b: 2 }], c: [{ d: 3 }] };
      expect(matches({ a: { b: [2] }, c: { d: [3] } }, event)).toBe(true);
    });

    it('pairs the scalars of an inner array only with fields of the same outer element', () => {
      const event = { a: [{ tags: ['x', 'y'], id: 1 }, { tags: ['z'], id: 2 }] };
      expect(matches({ a: { tags: ['y'], id: [1] } }, event)).toBe(true);
      expect(matches({ a: { tags: ['z'], id: [1] } }, event)).toBe(false);
    });
  });

  describe('$or', () => {
    it('may appear inside a nested object', () => {
      const pattern: EventPattern = { detail: { $or: [{ a: [1] }, { b: [2] }] } };
      expect(matches(pattern, { detail: { b: 2 } })).toBe(true);
      expect(matches(pattern, { detail: { c: 3 } })).toBe(false);
    });

    it('lets a later write to the same field replace an earlier one, in key order', () => {
      // Event Ruler writes each leaf into every alternative built so far.
      const orLast: EventPattern = { a: ['1'], $or: [{ a: ['2'] }, { b: ['3'] }] };
      expect(matches(orLast, { a: '2' })).toBe(true);
      expect(matches(orLast, { a: '1' })).toBe(false);
      expect(matches(orLast, { a: '1', b: '3' })).toBe(true);
      const orFirst: EventPattern = { $or: [{ a: ['2'] }, { b: ['3'] }], a: ['1'] };
      expect(matches(orFirst, { a: '2' })).toBe(false);
      expect(matches(orFirst, { a: '1' })).toBe(true);
    });
  });

  describe('events that are not JSON objects', () => {
    it.each([null, undefined, 'text', 42, [{ a: 1 }]])('does not match %p', (event) => {
      expect(matches({ a: [{ exists: false }] }, event)).toBe(false);
    });
  });

  describe('invalid patterns', () => {
    it('throws InvalidPatternError carrying every problem', () => {
      const pattern = { a: [], b: [{ numeric: ['>', 'x'] }] } as unknown as EventPattern;
      const error = thrownBy(() => compilePattern(pattern));
      expect(error).toBeInstanceOf(InvalidPatternError);
      expect((error as InvalidPatternError).problems.map((p) => p.path)).toEqual(['a', 'b[0].numeric[1]']);
      expect((error as InvalidPatternError).code).toBe('INVALID_PAYLOAD');
    });

    it('throws from matchesPattern too', () => {
      expect(() => matchesPattern({ a: [] }, {})).toThrow(InvalidPatternError);
    });
  });
});

describe('compilePattern', () => {
  it('returns a predicate that can be reused across events', () => {
    const isOrder = compilePattern({ source: ['shop'], detail: { total: [{ numeric: ['>=', 100] }] } });
    expect(isOrder({ source: 'shop', detail: { total: 120 } })).toBe(true);
    expect(isOrder({ source: 'shop', detail: { total: 20 } })).toBe(false);
    expect(isOrder({ source: 'blog', detail: { total: 120 } })).toBe(false);
  });

  it('is not affected by later changes to the pattern object', () => {
    const pattern = { a: ['x'] } as { a: string[] };
    const match = compilePattern(pattern);
    pattern.a.push('y');
    expect(match({ a: 'y' })).toBe(false);
  });
});
