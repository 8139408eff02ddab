import fc from 'fast-check';

/** JSON as events and patterns are written. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

// Small pattern and event vocabularies so that conditions and values actually meet.
export const small: fc.Arbitrary<Json> = fc.constantFrom('a', 'ab', 'B', '', 1, 2, 2.5, true, null);
export const condition: fc.Arbitrary<Json> = fc.oneof(
  small,
  fc.constantFrom<Json>(
    { prefix: 'a' },
    { suffix: 'b' },
    { 'equals-ignore-case': 'AB' },
    { wildcard: 'a*' },
    { 'anything-but': ['a'] },
    { 'anything-but': [1, 2] },
    { 'anything-but': { prefix: 'a' } },
    { numeric: ['>', 1] },
    { numeric: ['>=', 0, '<', 2] },
    { exists: true },
    { exists: false },
  ),
);
export const smallKey = fc.constantFrom('a', 'b', 'c');
export const { pattern: smallPattern } = fc.letrec<{ pattern: JsonObject; field: Json }>((tie) => ({
  pattern: fc.dictionary(smallKey, tie('field'), { minKeys: 1, maxKeys: 3 }),
  field: fc.oneof({ depthSize: 'small' }, fc.array(condition, { minLength: 1, maxLength: 3 }), tie('pattern')),
}));
export const { event: smallEvent } = fc.letrec<{ event: JsonObject; value: Json }>((tie) => ({
  event: fc.dictionary(smallKey, tie('value'), { maxKeys: 3 }),
  value: fc.oneof({ depthSize: 'small' }, small, fc.array(small, { maxLength: 3 }), tie('event'), fc.array(tie('event'), { maxLength: 2 })),
}));

/**
 * A wider vocabulary for pattern sets: besides the conditions above, the ones a set files as
 * transitions in every form (`exactly`, empty and longer prefixes, equalities and one- and
 * two-sided ranges, anything-but of one string or number) and literals compared in other ways
 * (an IP address, which the event may write differently; zero and minus zero).
 */
export const setLeaf: fc.Arbitrary<Json> = fc.constantFrom('a', 'ab', 'abc', 'B', '', '1', 0, -0, 1, 2, 2.5, -3, true, false, null, '10.0.0.1', '10.0.0.01');
export const setCondition: fc.Arbitrary<Json> = fc.oneof(
  setLeaf,
  condition,
  fc.constantFrom<Json>(
    { exactly: 'ab' },
    { exactly: '10.0.0.01' },
    { prefix: '' },
    { prefix: 'ab' },
    { 'anything-but': 'ab' },
    { 'anything-but': 2 },
    { 'anything-but': ['1', 'a'] },
    { numeric: ['=', 2] },
    { numeric: ['=', 0] },
    { numeric: ['<=', 2.5] },
    { numeric: ['<', 0] },
    { numeric: ['>', -1, '<=', 1] },
    { cidr: '10.0.0.0/24' },
  ),
);
const setValues = fc.array(setCondition, { minLength: 1, maxLength: 3 });
/** Fields two levels deep at most, without `$or`. */
const setPlain: fc.Arbitrary<JsonObject> = fc.dictionary(
  smallKey,
  fc.oneof({ arbitrary: setValues, weight: 3 }, { arbitrary: fc.dictionary(smallKey, setValues, { minKeys: 1, maxKeys: 2 }), weight: 1 }),
  { minKeys: 1, maxKeys: 3 },
);
const withOr = (fields: fc.Arbitrary<JsonObject>, branch: fc.Arbitrary<JsonObject>): fc.Arbitrary<JsonObject> =>
  fc
    .tuple(fields, fc.option(fc.array(branch, { minLength: 2, maxLength: 3 }), { freq: 3, nil: undefined }))
    .map(([plain, or]) => (or === undefined ? plain : { ...plain, $or: or }));
/** A pattern of a few fields, with a `$or` now and then, at the top or one level down, whose branches may hold one more. */
export const setPattern: fc.Arbitrary<JsonObject> = fc.oneof(
  withOr(setPlain, withOr(setPlain, setPlain)),
  fc.tuple(smallKey, withOr(setPlain, setPlain), setPlain).map(([key, nested, rest]) => ({ ...rest, [key]: nested })),
);
export const { event: setEvent } = fc.letrec<{ event: JsonObject; value: Json }>((tie) => ({
  event: fc.dictionary(smallKey, tie('value'), { maxKeys: 3 }),
  value: fc.oneof({ depthSize: 'small' }, setLeaf, fc.array(setLeaf, { maxLength: 3 }), tie('event'), fc.array(tie('event'), { maxLength: 2 })),
}));
