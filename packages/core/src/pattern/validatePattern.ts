import { parseCidr } from './ipAddress';
import { parseWildcard } from './wildcard';

/** One reason a pattern would be refused, located by a path such as `detail.status[0].numeric`. */
export type PatternProblem = { path: string; message: string };

/** Upper bound on the alternatives a pattern's `$or`s may expand to (see README). */
export const MAX_OR_COMBINATIONS = 1000;

/**
 * Field names Event Ruler refuses inside a `$or` branch (Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP):
 * the operators, the numeric comparison symbols and names kept for future operators.
 */
const RESERVED_IN_OR: ReadonlySet<string> = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric',
  'cidr', 'html', '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case',
  'date-after', 'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range',
  'ip-address-in-range', 'ip-address-not-in-range',
]);

const NUMERIC_OPERATORS: ReadonlySet<unknown> = new Set(['<', '<=', '=', '>', '>=']);
const LOWER_BOUNDS: ReadonlySet<unknown> = new Set(['>', '>=']);
const UPPER_BOUNDS: ReadonlySet<unknown> = new Set(['<', '<=']);
const ANYTHING_BUT_OPERATORS: ReadonlySet<string> = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const child = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
const item = (path: string, index: number): string => `${path}[${index}]`;
function show(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = typeof v === 'bigint' ? `${v}n` : Object.prototype.toString.call(v);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Checks a pattern against the rules EventBridge applies when a rule is created, reporting every
 * problem rather than the first. An empty list means `compilePattern` will accept the pattern.
 */
export function validatePattern(pattern: unknown): PatternProblem[] {
  const problems: PatternProblem[] = [];
  const report = (path: string, message: string): void => {
    problems.push({ path, message });
  };

  const ancestors = new Set<object>();
  let circular = false;
  const checkObject = (obj: Record<string, unknown>, path: string, insideOr: boolean): void => {
    if (ancestors.has(obj)) {
      report(path, 'the pattern refers to itself (circular reference)');
      circular = true;
      return;
    }
    ancestors.add(obj);
    checkFields(obj, path, insideOr);
    ancestors.delete(obj);
  };

  const checkFields = (obj: Record<string, unknown>, path: string, insideOr: boolean): void => {
    const keys = Object.keys(obj);
    if (keys.length === 0) report(path, 'empty objects are not allowed');
    for (const key of keys) {
      const value = obj[key];
      const at = child(path, key);
      if (key === '$or') {
        checkOr(value, at);
      } else {
        if (insideOr && RESERVED_IN_OR.has(key)) {
          report(at, `"${key}" is a reserved word and cannot be used as a field name inside $or`);
        }
        if (Array.isArray(value)) checkValues(value, at);
        else if (isObject(value)) checkObject(value, at, insideOr);
        else report(at, `must be an array of values to match or a nested pattern object, got ${show(value)}`);
      }
    }
  };

  const checkOr = (value: unknown, path: string): void => {
    if (!Array.isArray(value)) {
      report(path, '$or must be an array of at least 2 pattern objects');
      return;
    }
    if (value.length < 2) report(path, `$or must hold at least 2 pattern objects, got ${value.length}`);
    value.forEach((branch, i) => {
      if (isObject(branch)) checkObject(branch, item(path, i), true);
      else report(item(path, i), `each $or branch must be a pattern object, got ${show(branch)}`);
    });
  };

  const checkValues = (values: readonly unknown[], path: string): void => {
    if (values.length === 0) report(path, 'empty arrays are not allowed');
    values.forEach((value, i) => {
      const at = item(path, i);
      if (isObject(value)) checkExpression(value, at);
      else if (typeof value === 'number' && !Number.isFinite(value)) report(at, `${String(value)} is not a JSON number`);
      else if (!(value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
        report(at, `a value to match must be a string, number, boolean, null or an operator object, got ${show(value)}`);
      }
    });
  };

  const checkString = (value: unknown, path: string, what: string): value is string => {
    if (typeof value === 'string') return true;
    report(path, `${what} must be a string, got ${show(value)}`);
    return false;
  };

  const checkAffix = (operator: 'prefix' | 'suffix', value: unknown, path: string): void => {
    if (isObject(value)) {
      const keys = Object.keys(value);
      if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
        report(path, `${operator} takes a string or {"equals-ignore-case": string}, got keys ${show(keys)}`);
        return;
      }
      checkString(value['equals-ignore-case'], child(path, 'equals-ignore-case'), 'equals-ignore-case');
      return;
    }
    checkString(value, path, operator);
  };

  const checkWildcard = (value: unknown, path: string, what: string): void => {
    if (!checkString(value, path, what)) return;
    const parsed = parseWildcard(value);
    if (!parsed.ok) report(path, `wildcard ${JSON.stringify(value)}: ${parsed.message}`);
  };

  const checkNumeric = (value: unknown, path: string): void => {
    if (!Array.isArray(value)) {
      report(path, `numeric must be an array such as [">", 0, "<=", 5], got ${show(value)}`);
      return;
    }
    if (value.length === 0) {
      report(path, 'numeric must not be empty');
      return;
    }
    const [op1, n1, op2, n2] = value as unknown[];
    const operatorMessage = `must be one of "<", "<=", "=", ">", ">=", got ${show(op1)}`;
    if (!NUMERIC_OPERATORS.has(op1)) report(item(path, 0), operatorMessage);
    if (value.length < 2) report(path, `${show(op1)} must be followed by a number`);
    else if (!isFiniteNumber(n1)) report(item(path, 1), `must be a number, got ${show(n1)}`);
    if (value.length <= 2) return;
    if (NUMERIC_OPERATORS.has(op1) && !LOWER_BOUNDS.has(op1)) {
      report(path, `${show(op1)} ends a numeric expression; a range starts with ">" or ">=" and ends with "<" or "<="`);
      return;
    }
    if (value.length > 4) report(path, `a numeric range has 4 elements (lower operator, number, upper operator, number), got ${value.length}`);
    if (!UPPER_BOUNDS.has(op2)) report(item(path, 2), `the upper bound operator must be "<" or "<=", got ${show(op2)}`);
    if (value.length < 4) report(path, `${show(op2)} must be followed by a number`);
    else if (!isFiniteNumber(n2)) report(item(path, 3), `must be a number, got ${show(n2)}`);
    else if (isFiniteNumber(n1) && !(n1 < n2)) report(path, `the lower bound ${n1} must be less than the upper bound ${n2}`);
  };

  const checkAnythingBut = (value: unknown, path: string): void => {
    if (typeof value === 'string') return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) report(path, `${String(value)} is not a JSON number`);
      return;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) report(path, 'the anything-but list must not be empty');
      let strings = 0;
      let numbers = 0;
      value.forEach((v, i) => {
        if (typeof v === 'string') strings++;
        else if (isFiniteNumber(v)) numbers++;
        else report(item(path, i), `an anything-but list holds strings or numbers, got ${show(v)}`);
      });
      if (strings > 0 && numbers > 0) report(path, 'an anything-but list must hold only strings or only numbers, not both');
      return;
    }
    if (isObject(value)) {
      const keys = Object.keys(value);
      if (keys.length !== 1) {
        report(path, `anything-but takes one of prefix, suffix, equals-ignore-case or wildcard, got keys ${show(keys)}`);
      }
      for (const key of keys) {
        const at = child(path, key);
        if (!ANYTHING_BUT_OPERATORS.has(key)) {
          report(at, `anything-but can only be combined with prefix, suffix, equals-ignore-case or wildcard`);
          continue;
        }
        const operand = value[key];
        const list = Array.isArray(operand) ? operand : [operand];
        if (list.length === 0) report(at, 'the list must not be empty');
        list.forEach((v, i) => {
          const vAt = Array.isArray(operand) ? item(at, i) : at;
          if (key === 'wildcard') checkWildcard(v, vAt, 'wildcard');
          else if (checkString(v, vAt, key) && v === '' && (key === 'prefix' || key === 'suffix')) {
            report(vAt, `an empty ${key} is not allowed inside anything-but`);
          }
        });
      }
      return;
    }
    report(path, `anything-but takes a string, a number, a list of strings or of numbers, or an operator object, got ${show(value)}`);
  };

  const checkExpression = (expression: Record<string, unknown>, path: string): void => {
    const keys = Object.keys(expression);
    if (keys.length === 0) report(path, 'an operator object must not be empty');
    if (keys.length > 1) report(path, `an operator object holds exactly one operator, got ${show(keys)}`);
    for (const key of keys) {
      const value = expression[key];
      const at = child(path, key);
      switch (key) {
        case 'prefix':
        case 'suffix':
          checkAffix(key, value, at);
          break;
        case 'equals-ignore-case':
        case 'exactly':
          checkString(value, at, key);
          break;
        case 'wildcard':
          checkWildcard(value, at, key);
          break;
        case 'exists':
          if (typeof value !== 'boolean') report(at, `exists must be true or false, got ${show(value)}`);
          break;
        case 'cidr':
          if (checkString(value, at, key)) {
            const parsed = parseCidr(value);
            if (!parsed.ok) report(at, `cidr ${JSON.stringify(value)}: ${parsed.message}`);
          }
          break;
        case 'numeric':
          checkNumeric(value, at);
          break;
        case 'anything-but':
          checkAnythingBut(value, at);
          break;
        default:
          report(at, `unknown operator "${key}"`);
      }
    }
  };

  if (!isObject(pattern)) {
    return [{ path: '', message: `an event pattern must be a JSON object, got ${show(pattern)}` }];
  }
  checkObject(pattern, '', false);
  if (circular) return problems; // counting would not terminate
  const combinations = countCombinations(pattern, 0);
  if (combinations > MAX_OR_COMBINATIONS) {
    report('', `the $or branches expand to ${combinations} combinations; at most ${MAX_OR_COMBINATIONS} are allowed`);
  }
  return problems;
}

/**
 * How many alternatives the pattern expands to, counted the way the expansion builds them: a `$or`
 * copies the alternatives built so far into each of its branches.
 */
function countCombinations(pattern: Record<string, unknown>, sofar: number): number {
  let n = sofar;
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value)) {
      const start = Math.max(n, 1);
      n = value.reduce<number>((sum, branch) => sum + (isObject(branch) ? countCombinations(branch, start) : 0), 0);
    } else if (Array.isArray(value)) {
      n = Math.max(n, 1);
    } else if (isObject(value)) {
      n = countCombinations(value, n);
    }
  }
  return n;
}
