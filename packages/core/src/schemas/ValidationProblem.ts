import { z } from 'zod';

/** One thing wrong with a document: where (`actions[2].config.url`) and what, in words. */
export interface ValidationProblem {
  readonly path: string;
  readonly message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * `['actions', 2, 'config', 'url']` → `actions[2].config.url`. Keys that are not plain
 * identifiers (`added.first_name`, `Content Type`) are bracketed and quoted so the path
 * stays unambiguous.
 */
export function formatProblemPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Joins a path returned by another validator (`payload.status[0]`, `[1]`, ``) under a prefix. */
export function joinProblemPath(prefix: string, relative: string): string {
  if (relative === '') return prefix;
  if (prefix === '') return relative;
  return relative.startsWith('[') ? `${prefix}${relative}` : `${prefix}.${relative}`;
}

/**
 * Keys that pick a branch of a union (`type` of actions and triggers, `mode` of legacy
 * mappers). A union branch that failed on one of them was not the branch the author meant.
 */
const DISCRIMINATORS: ReadonlySet<PropertyKey> = new Set(['type', 'mode']);

/** Execution state that epilot's `AnyAction` allows but that has no meaning in a flow definition. */
const EXECUTION_STATE_KEYS: ReadonlySet<string> = new Set([
  'execution_status',
  'started_at',
  'outputs',
  'error_output',
  'retry_strategy',
]);

/** Error map used for every parse in this folder: short messages that read after a path. */
export const problemErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${describeExpected(issue.expected)}, received ${describeValue(issue.input)}`;
    case 'invalid_value':
      if (issue.input === undefined) return `is required (${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((v) => JSON.stringify(v)).join(', ')})`;
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      // One line per key, in `issue.keys` order: issuesToProblems reports each key at its own path.
      return issue.keys.map((key) => unknownKeyMessage(key, knownKeysOf(issue.inst))).join('\n');
    case 'invalid_union': {
      if (issue.note === 'No matching discriminator') {
        const options = Array.isArray(issue.options) ? issue.options.map((o) => JSON.stringify(o)).join(', ') : '';
        return issue.input === undefined ? `is required (one of ${options})` : `must be one of ${options}`;
      }
      return undefined;
    }
    case 'too_small':
      return sizeMessage('at least', issue.origin, issue.minimum, issue.inclusive);
    case 'too_big':
      return sizeMessage('at most', issue.origin, issue.maximum, issue.inclusive);
    case 'invalid_format':
      return formatMessage(issue.format);
    default:
      return undefined;
  }
};

const EXPECTED: Readonly<Record<string, string>> = {
  nonoptional: 'a value',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
  array: 'an array',
  null: 'null',
};

function describeExpected(expected: string): string {
  return EXPECTED[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : String(value);
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return `${value}`;
  return typeof value;
}

function sizeMessage(
  bound: 'at least' | 'at most',
  origin: string,
  limit: number | bigint,
  inclusive: boolean | undefined,
): string {
  const strict = inclusive === false;
  switch (origin) {
    case 'string':
      if (bound === 'at least' && Number(limit) === 1 && !strict) return 'must not be empty';
      return `must be ${bound} ${String(limit)} characters long`;
    case 'array':
    case 'set':
      return `must have ${bound} ${String(limit)} item${Number(limit) === 1 ? '' : 's'}`;
    default:
      if (strict) return `must be ${bound === 'at least' ? 'greater' : 'less'} than ${String(limit)}`;
      return `must be ${bound} ${String(limit)}`;
  }
}

function formatMessage(format: string): string {
  switch (format) {
    case 'datetime':
      return 'must be an ISO 8601 date-time with a timezone, e.g. 2024-01-31T12:00:00Z';
    case 'regex':
      return 'has characters that are not allowed';
    default:
      return `must be a valid ${format}`;
  }
}

function knownKeysOf(inst: unknown): string[] {
  const def = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def;
  return def?.shape ? Object.keys(def.shape) : [];
}

function unknownKeyMessage(key: string, known: readonly string[]): string {
  if (EXECUTION_STATE_KEYS.has(key) && known.includes('allow_failure')) {
    return 'is execution state and belongs in executions, not in a flow definition';
  }
  const suggestion = closestKey(key, known);
  return suggestion ? `is not a known field (did you mean "${suggestion}"?)` : 'is not a known field';
}

function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(1, Math.floor(key.length / 4));
  return bestDistance <= tolerance ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Flattens zod issues into problems; every issue is kept, none is summarised away. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[]): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const issue of issues) collect(issue, [], out);
  return dedupe(out);
}

function collect(issue: z.core.$ZodIssue, base: readonly PropertyKey[], out: ValidationProblem[]): void {
  const path = [...base, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const lines = issue.message.split('\n');
      issue.keys.forEach((key, i) => out.push({ path: formatProblemPath([...path, key]), message: lines[i] ?? 'is not a known field' }));
      return;
    }
    case 'invalid_union': {
      if (issue.errors.length === 0) {
        out.push({ path: formatProblemPath(path), message: issue.message });
        return;
      }
      for (const nested of pickBranch(issue.errors)) collect(nested, path, out);
      return;
    }
    case 'invalid_key':
    case 'invalid_element': {
      for (const nested of issue.issues) collect(nested, issue.code === 'invalid_element' ? [...path, issue.key as PropertyKey] : path, out);
      return;
    }
    default:
      out.push({ path: formatProblemPath(path), message: issue.message });
  }
}

/**
 * A union failed: report the branch the author evidently meant. Branches that failed on a
 * discriminator (`type`, `mode`) or on the value's basic type were not meant; among the rest
 * the one with the fewest problems wins. When every branch was rejected that way, the
 * smallest such branch explains best why nothing matched.
 */
function pickBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] {
  const meant = branches.filter((branch) => !branch.some(isMismatch));
  const pool = meant.length > 0 ? meant : branches;
  let best: readonly z.core.$ZodIssue[] = pool[0] ?? [];
  for (const branch of pool) if (branch.length < best.length) best = branch;
  return best;
}

function isMismatch(issue: z.core.$ZodIssue): boolean {
  if (issue.path.length === 0 && issue.code === 'invalid_type') return true;
  if (issue.path.length === 0 && issue.code === 'unrecognized_keys') return issue.keys.some((k) => DISCRIMINATORS.has(k));
  const [first] = issue.path;
  return issue.path.length === 1 && first !== undefined && DISCRIMINATORS.has(first) && issue.code !== 'too_big' && issue.code !== 'too_small';
}

function dedupe(problems: ValidationProblem[]): ValidationProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Parses with the shared error map and returns data or every problem. */
export function parseWithProblems<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; data: z.output<S> } | { ok: false; problems: ValidationProblem[] } {
  const result = schema.safeParse(input, { error: problemErrorMap });
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, problems: issuesToProblems(result.error.issues) };
}

/** For refinements that must run even when other parts of the value failed, so all problems surface. */
export const REFINE_EVEN_IF_INVALID = { when: (): boolean => true } as const;
