import { validatePattern } from '../../src/pattern';

/**
 * The rules EventBridge applies when a rule is created, as implemented by Event Ruler's
 * JsonRuleCompiler, CIDR and WildcardParser. Each row: an invalid pattern, the path of the
 * problem and a fragment of its message.
 */
const invalid: readonly (readonly [name: string, pattern: unknown, path: string, message: RegExp])[] = [
  ['a pattern that is not an object', ['source'], '', /must be a JSON object/],
  ['null as a pattern', null, '', /must be a JSON object/],
  ['an empty pattern', {}, '', /empty objects/],
  ['an empty nested object', { detail: {} }, 'detail', /empty objects/],
  ['a leaf that is not an array', { source: 'aws.ec2' }, 'source', /must be an array/],
  ['a leaf that is a number', { detail: { count: 5 } }, 'detail.count', /must be an array/],
  ['an empty value list', { source: [] }, 'source', /empty arrays/],
  ['an array inside a value list', { source: [['a']] }, 'source[0]', /string, number, boolean, null or an operator/],
  ['an empty operator object', { source: [{}] }, 'source[0]', /must not be empty/],
  ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, 'source[0]', /exactly one operator/],
  ['an unknown operator', { source: [{ contains: 'a' }] }, 'source[0].contains', /unknown operator "contains"/],
  ['a prefix that is a number', { source: [{ prefix: 1 }] }, 'source[0].prefix', /prefix must be a string/],
  ['a prefix object with another key', { source: [{ prefix: { wildcard: 'a' } }] }, 'source[0].prefix', /equals-ignore-case/],
  ['a suffix ignoring case with a number', { source: [{ suffix: { 'equals-ignore-case': 1 } }] }, 'source[0].suffix.equals-ignore-case', /must be a string/],
  ['equals-ignore-case with a number', { source: [{ 'equals-ignore-case': 1 }] }, 'source[0].equals-ignore-case', /must be a string/],
  ['exists with a string', { source: [{ exists: 'true' }] }, 'source[0].exists', /true or false/],
  ['consecutive wildcards', { source: [{ wildcard: 'a**b' }] }, 'source[0].wildcard', /consecutive wildcard/],
  ['an escape of a letter in a wildcard', { source: [{ wildcard: 'a\\b' }] }, 'source[0].wildcard', /invalid escape/],
  ['a trailing backslash in a wildcard', { source: [{ wildcard: 'a\\' }] }, 'source[0].wildcard', /invalid escape/],
  ['numeric that is not an array', { n: [{ numeric: '>5' }] }, 'n[0].numeric', /must be an array/],
  ['an empty numeric array', { n: [{ numeric: [] }] }, 'n[0].numeric', /must not be empty/],
  ['an unknown numeric operator', { n: [{ numeric: ['!=', 5] }] }, 'n[0].numeric[0]', /one of "<", "<=", "=", ">", ">="/],
  ['a numeric operator without a number', { n: [{ numeric: ['>'] }] }, 'n[0].numeric', /followed by a number/],
  ['a numeric operand that is a string', { detail: { status: [{ numeric: ['>', '5'] }] } }, 'detail.status[0].numeric[1]', /must be a number/],
  ['a range that starts with an upper bound', { n: [{ numeric: ['<', 10, '>', 0] }] }, 'n[0].numeric', /range starts with ">" or ">="/],
  ['equality followed by more terms', { n: [{ numeric: ['=', 1, '<', 2] }] }, 'n[0].numeric', /ends a numeric expression/],
  ['two lower bounds', { n: [{ numeric: ['>', 0, '>=', 5] }] }, 'n[0].numeric[2]', /must be "<" or "<="/],
  ['a range with a missing upper number', { n: [{ numeric: ['>', 0, '<'] }] }, 'n[0].numeric', /followed by a number/],
  ['a range with too many terms', { n: [{ numeric: ['>', 0, '<', 5, 6] }] }, 'n[0].numeric', /4 elements/],
  ['an empty range', { n: [{ numeric: ['>', 5, '<', 5] }] }, 'n[0].numeric', /less than the upper bound/],
  ['a reversed range', { n: [{ numeric: ['>=', 5, '<=', 1] }] }, 'n[0].numeric', /less than the upper bound/],
  ['cidr that is a number', { ip: [{ cidr: 10 }] }, 'ip[0].cidr', /must be a string/],
  ['cidr without a mask', { ip: [{ cidr: '10.0.0.0' }] }, 'ip[0].cidr', /one '\/' is required/],
  ['cidr with a trailing slash', { ip: [{ cidr: '10.0.0.0/' }] }, 'ip[0].cidr', /one '\/' is required/],
  ['cidr with a word as mask', { ip: [{ cidr: '10.0.0.0/x' }] }, 'ip[0].cidr', /must be an integer/],
  ['cidr with a negative mask', { ip: [{ cidr: '10.0.0.0/-1' }] }, 'ip[0].cidr', /must not be negative/],
  ['an IPv4 cidr of /32', { ip: [{ cidr: '10.0.0.1/32' }] }, 'ip[0].cidr', /IPv4 mask bits must be < 32/],
  ['an IPv6 cidr of /128', { ip: [{ cidr: '2001:db8::1/128' }] }, 'ip[0].cidr', /IPv6 mask bits must be < 128/],
  ['cidr with an octet above 255', { ip: [{ cidr: '700.168.0.1/8' }] }, 'ip[0].cidr', /invalid IP address/],
  ['cidr with a host name', { ip: [{ cidr: 'example.com/8' }] }, 'ip[0].cidr', /nonstandard IP address/],
  ['cidr with a malformed IPv6 address', { ip: [{ cidr: '2400:6500:3:3:3:3:3:3:3:3FF00::36FB:1F80/122' }] }, 'ip[0].cidr', /invalid IP address/],
  ['anything-but null', { s: [{ 'anything-but': null }] }, 's[0].anything-but', /anything-but takes/],
  ['anything-but with a boolean', { s: [{ 'anything-but': true }] }, 's[0].anything-but', /anything-but takes/],
  ['an anything-but list mixing strings and numbers', { s: [{ 'anything-but': ['a', 1] }] }, 's[0].anything-but', /only strings or only numbers/],
  ['an anything-but list holding null', { s: [{ 'anything-but': ['a', null] }] }, 's[0].anything-but[1]', /strings or numbers/],
  ['an empty anything-but list', { s: [{ 'anything-but': [] }] }, 's[0].anything-but', /must not be empty/],
  ['anything-but with numeric', { s: [{ 'anything-but': { numeric: ['>', 1] } }] }, 's[0].anything-but.numeric', /prefix, suffix, equals-ignore-case or wildcard/],
  ['anything-but with an empty prefix', { s: [{ 'anything-but': { prefix: '' } }] }, 's[0].anything-but.prefix', /empty prefix/],
  ['anything-but with a numeric suffix in a list', { s: [{ 'anything-but': { suffix: ['.png', 3] } }] }, 's[0].anything-but.suffix[1]', /must be a string/],
  ['anything-but with an invalid wildcard', { s: [{ 'anything-but': { wildcard: '**' } }] }, 's[0].anything-but.wildcard', /consecutive wildcard/],
  ['anything-but with two operators', { s: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] }, 's[0].anything-but', /takes one of/],
  ['$or that is not an array', { $or: { a: ['x'] } }, '$or', /must be an array/],
  ['$or with one branch', { $or: [{ a: ['x'] }] }, '$or', /at least 2/],
  ['$or with a branch that is not an object', { $or: [{ a: ['x'] }, ['b']] }, '$or[1]', /must be a pattern object/],
  ['$or with an empty branch', { $or: [{ a: ['x'] }, {}] }, '$or[1]', /empty objects/],
  ['a reserved word as a field inside $or', { $or: [{ numeric: [1] }, { prefix: ['abc'] }] }, '$or[0].numeric', /reserved word/],
  ['a reserved word deeper inside $or', { $or: [{ a: ['x'] }, { b: { exists: ['y'] } }] }, '$or[1].b.exists', /reserved word/],
  ['a nested $or with one branch', { detail: { $or: [{ a: [1] }] } }, 'detail.$or', /at least 2/],
  ['a literal that is not a JSON number', { n: [Number.NaN] }, 'n[0]', /not a JSON number/],
  ['undefined in a value list', { n: [undefined] }, 'n[0]', /string, number, boolean, null or an operator/],
];

const valid: readonly (readonly [name: string, pattern: unknown])[] = [
  ['the documented complex example', { time: [{ prefix: '2017-10-02' }], detail: { state: [{ 'anything-but': 'initializing' }], 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }],
  ['a reserved word as a field outside $or', { prefix: ['x'], numeric: [{ numeric: ['=', 1] }] }],
  ['an empty prefix', { a: [{ prefix: '' }] }],
  ['an escaped asterisk and backslash', { a: [{ wildcard: 'a\\*b\\\\c*' }] }],
  ['an escaped asterisk followed by a wildcard', { a: [{ wildcard: '\\**' }] }],
  ['an IPv4 /0 and /31', { a: [{ cidr: '0.0.0.0/0' }, { cidr: '10.0.0.0/31' }] }],
  ['an IPv6 /127 with a signed mask', { a: [{ cidr: '::1/+127' }] }],
  ['anything-but lists of every nested form', { a: [{ 'anything-but': { prefix: ['a', 'b'] } }, { 'anything-but': { 'equals-ignore-case': ['x'] } }, { 'anything-but': { wildcard: '*.png' } }] }],
  ['null, booleans, empty strings and numbers as values', { a: [null, true, false, '', 0, -1.5e300] }],
  ['exists alongside other values', { a: ['x', { exists: false }] }],
  ['a nested $or with several branches', { detail: { $or: [{ a: [1] }, { b: [2] }, { c: { d: [3] } }] } }],
  ['"exactly" (accepted by Event Ruler)', { a: [{ exactly: 'x' }] }],
];

describe('validatePattern', () => {
  it.each(invalid)('reports %s', (_name, pattern, path, message) => {
    const problems = validatePattern(pattern);
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) as unknown as string });
  });

  it.each(valid)('accepts %s', (_name, pattern) => {
    expect(validatePattern(pattern)).toEqual([]);
  });

  it('reports every problem of a pattern at once, each with its path', () => {
    const problems = validatePattern({
      source: 'aws.ec2',
      'detail-type': [],
      detail: {
        status: [{ numeric: ['>', 'five'] }, { prefix: 7 }],
        ip: [{ cidr: '10.0.0.0/40' }],
        $or: [{ a: ['x'] }],
      },
    });
    expect(problems.map((p) => p.path)).toEqual([
      'source',
      'detail-type',
      'detail.status[0].numeric[1]',
      'detail.status[1].prefix',
      'detail.ip[0].cidr',
      'detail.$or',
    ]);
  });

  it('reports values that are not JSON, such as a bigint, without failing', () => {
    expect(validatePattern({ a: [BigInt(10)] })).toEqual([{ path: 'a[0]', message: expect.stringContaining('10n') as unknown as string }]);
  });

  it('reports a pattern that refers to itself instead of recursing forever', () => {
    const pattern: Record<string, unknown> = { a: ['x'] };
    pattern.self = pattern;
    expect(validatePattern(pattern)).toEqual([{ path: 'self', message: expect.stringContaining('circular') as unknown as string }]);
  });

  it('reports a pattern whose $or branches expand beyond 1000 combinations', () => {
    const tenWays = { $or: Array.from({ length: 10 }, (_, i) => ({ [`f${i}`]: ['x'] })) };
    const pattern = { a: tenWays, b: tenWays, c: tenWays, d: { $or: [{ x: [1] }, { y: [1] }] } };
    expect(validatePattern(pattern)).toEqual([{ path: '', message: expect.stringContaining('2000 combinations') as unknown as string }]);
    expect(validatePattern({ a: tenWays, b: tenWays, c: tenWays })).toEqual([]);
  });
});
