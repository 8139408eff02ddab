import { ignoreCaseMatcher } from './ignoreCase';
import { cidrContains, ipToHex, parseCidr } from './ipAddress';
import { wildcardMatcher, parseWildcard } from './wildcard';

/** A leaf value of an event: what a pattern's values are compared with. */
export type Leaf = string | number | boolean | null;
export type LeafTest = (value: Leaf) => boolean;

/** What one pattern field asks of the event field it names. */
export interface ValueCondition {
  /** `{"exists": false}` is among the values: the field may be absent. */
  readonly allowAbsent: boolean;
  /** Whether a present leaf value satisfies one of the values; undefined when only absence can match. */
  readonly test: LeafTest | undefined;
  /** Set when the values are nothing but plain string literals: the cheapest and most selective case. */
  readonly exactStrings?: readonly string[];
  /**
   * Set when a `PatternSet` can file the field as transitions (see `FieldKeys`): it needs a present
   * leaf, and each of its values is a literal compared by identity, a plain string prefix, a
   * numeric range or an anything-but list of literals. Undefined when any value needs its own test.
   */
  readonly keys?: FieldKeys;
}

/** A numeric condition as an interval; open ends are infinite. */
export interface NumericRange {
  readonly low: number;
  readonly lowInclusive: boolean;
  readonly high: number;
  readonly highInclusive: boolean;
}

/**
 * What a keyed field accepts, as the union of: leaves equal to one of `literals` (SameValueZero,
 * as `test` compares them), strings starting with one of `prefixes`, numbers in one of `ranges`,
 * and leaves outside one of the `excluded` lists (anything-but).
 */
export interface FieldKeys {
  readonly literals: readonly Leaf[];
  readonly prefixes: readonly string[];
  readonly ranges: readonly NumericRange[];
  readonly excluded: readonly (readonly Leaf[])[];
}

type StringTest = (value: string) => boolean;

function stringTest(operator: string, operand: unknown): StringTest {
  if (typeof operand === 'object' && operand !== null) {
    // {"prefix"|"suffix": {"equals-ignore-case": "..."}}
    const text = (operand as Record<string, string>)['equals-ignore-case']!;
    return ignoreCaseMatcher(text, operator === 'prefix' ? 'start' : 'end');
  }
  const text = operand as string;
  switch (operator) {
    case 'prefix':
      return (v) => v.startsWith(text);
    case 'suffix':
      return (v) => v.endsWith(text);
    case 'equals-ignore-case':
      return ignoreCaseMatcher(text, 'whole');
    case 'wildcard': {
      const parsed = parseWildcard(text);
      if (!parsed.ok) throw new Error(parsed.message); // unreachable after validation
      return wildcardMatcher(parsed.pieces);
    }
    default:
      throw new Error(`not a string operator: ${operator}`);
  }
}

function numericTest(args: readonly (string | number)[]): (n: number) => boolean {
  const [op1, v1, op2, v2] = args as [string, number, string | undefined, number | undefined];
  if (op1 === '=') return (n) => n === v1;
  if (op1 === '<') return (n) => n < v1;
  if (op1 === '<=') return (n) => n <= v1;
  const lowOpen = op1 === '>';
  if (op2 === undefined || v2 === undefined) return lowOpen ? (n) => n > v1 : (n) => n >= v1;
  const highOpen = op2 === '<';
  return (n) => (lowOpen ? n > v1 : n >= v1) && (highOpen ? n < v2 : n <= v2);
}

/** The interval `numericTest` accepts (same grammar, already validated). */
function numericRange(args: readonly (string | number)[]): NumericRange {
  const [op1, v1, op2, v2] = args as [string, number, string | undefined, number | undefined];
  switch (op1) {
    case '=':
      return { low: v1, lowInclusive: true, high: v1, highInclusive: true };
    case '<':
    case '<=':
      return { low: -Infinity, lowInclusive: false, high: v1, highInclusive: op1 === '<=' };
    default:
      return {
        low: v1,
        lowInclusive: op1 === '>=',
        high: v2 ?? Infinity,
        highInclusive: op2 === '<=',
      };
  }
}

// Small literal lists are scanned; a Set only pays off (in speed and in memory) for longer ones.
const SET_THRESHOLD = 8;

function oneOf<T>(values: readonly T[]): (v: T) => boolean {
  if (values.length === 1) {
    const only = values[0];
    return (v) => v === only;
  }
  if (values.length <= SET_THRESHOLD) return (v) => values.includes(v);
  const set = new Set(values);
  return (v) => set.has(v);
}

/**
 * `anything-but` matches every present leaf value (of any type) that is not excluded; strings are
 * only excluded by strings and numbers by numbers.
 */
function anythingButTest(operand: unknown): LeafTest {
  if (typeof operand === 'object' && operand !== null && !Array.isArray(operand)) {
    const [[operator, inner]] = Object.entries(operand) as [[string, unknown]];
    const tests = (Array.isArray(inner) ? inner : [inner]).map((text) => stringTest(operator, text));
    return (v) => typeof v !== 'string' || !tests.some((t) => t(v));
  }
  // A list holds only strings or only numbers (validated), so one membership test serves.
  const excluded = oneOf<Leaf>(Array.isArray(operand) ? (operand as Leaf[]) : [operand as Leaf]);
  return (v) => !excluded(v);
}

function stringsOnly(test: (v: string) => boolean): LeafTest {
  return (v) => typeof v === 'string' && test(v);
}

function anyOf(tests: readonly LeafTest[]): LeafTest {
  if (tests.length === 1) return tests[0]!;
  return (v) => {
    for (const t of tests) if (t(v)) return true;
    return false;
  };
}

function ipLiterals(hexes: readonly string[]): LeafTest {
  const isOne = oneOf(hexes);
  return (v) => {
    if (typeof v !== 'string') return false;
    const hex = ipToHex(v);
    return hex !== undefined && isOne(hex);
  };
}

function cidrTest(text: string): LeafTest {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.message); // unreachable after validation
  const range = parsed.range;
  return (v) => {
    if (typeof v !== 'string') return false;
    const hex = ipToHex(v);
    return hex !== undefined && cidrContains(range, hex);
  };
}

// Thousands of fields are held at once, most with one kind of key: the empty lists are shared.
const NONE: readonly never[] = Object.freeze([]);
const listOrNone = <T>(list: readonly T[]): readonly T[] => (list.length === 0 ? NONE : list);

/**
 * Compiles a field's list of values (already validated) into one condition. Each kind of value
 * becomes its own small predicate; they are built in separate functions so that a compiled
 * pattern keeps only what it uses alive (thousands of patterns are held at once).
 */
export function compileValues(values: readonly unknown[]): ValueCondition {
  const strings: string[] = [];
  const ips: string[] = [];
  const numbers: number[] = [];
  const others: Leaf[] = [];
  const tests: LeafTest[] = [];
  const prefixes: string[] = [];
  const ranges: NumericRange[] = [];
  const excluded: Leaf[][] = [];
  // Cleared by any value that a PatternSet cannot file as a transition.
  let keyed = true;
  let allowAbsent = false;
  let anyPresent = false;

  for (const value of values) {
    if (typeof value === 'string') {
      // A literal that reads as an IP address matches the address however it is written.
      const hex = ipToHex(value);
      if (hex === undefined) strings.push(value);
      else {
        ips.push(hex);
        keyed = false;
      }
    } else if (typeof value === 'number') {
      numbers.push(value);
    } else if (value === true || value === false || value === null) {
      others.push(value);
    } else {
      const [[operator, operand]] = Object.entries(value as Record<string, unknown>) as [[string, unknown]];
      switch (operator) {
        case 'exactly':
          strings.push(operand as string);
          break;
        case 'exists':
          if (operand === true) anyPresent = true;
          else allowAbsent = true;
          break;
        case 'prefix':
          if (typeof operand === 'string') prefixes.push(operand);
          else keyed = false;
          tests.push(stringsOnly(stringTest(operator, operand)));
          break;
        case 'numeric': {
          ranges.push(numericRange(operand as (string | number)[]));
          const inRange = numericTest(operand as (string | number)[]);
          tests.push((v) => typeof v === 'number' && inRange(v));
          break;
        }
        case 'cidr':
          keyed = false;
          tests.push(cidrTest(operand as string));
          break;
        case 'anything-but':
          if (typeof operand === 'object' && operand !== null && !Array.isArray(operand)) keyed = false;
          else excluded.push(Array.isArray(operand) ? (operand as Leaf[]) : [operand as Leaf]);
          tests.push(anythingButTest(operand));
          break;
        default:
          keyed = false;
          tests.push(stringsOnly(stringTest(operator, operand)));
      }
    }
  }

  if (anyPresent) return { allowAbsent, test: () => true };
  const keys: FieldKeys | undefined =
    keyed && !allowAbsent
      ? {
          literals: listOrNone([...new Set<Leaf>([...strings, ...numbers, ...others])]),
          prefixes: listOrNone([...new Set(prefixes)]),
          ranges: listOrNone(ranges),
          excluded: listOrNone(excluded),
        }
      : undefined;
  const onlyStrings = strings.length > 0 && ips.length + numbers.length + others.length + tests.length === 0;
  if (onlyStrings && !allowAbsent) return { allowAbsent, test: oneOf<Leaf>(strings), exactStrings: strings, ...(keys ? { keys } : {}) };
  // Literals first: they are the cheapest checks and the most common.
  const all: LeafTest[] = [];
  if (strings.length > 0) all.push(oneOf<Leaf>(strings));
  // Set and includes compare numbers with SameValueZero, so -0 equals 0 as in JSON.
  if (numbers.length > 0) all.push(oneOf<Leaf>(numbers));
  if (others.length > 0) all.push(oneOf(others));
  if (ips.length > 0) all.push(ipLiterals(ips));
  all.push(...tests);
  return { allowAbsent, test: all.length === 0 ? undefined : anyOf(all), ...(keys ? { keys } : {}) };
}
