import { type AST, type Node, type NodeRangedTerm, type NodeTerm, type Operator, parse, phrase, term as termSyntax } from 'lucene';
import type { ValidationProblem } from '../schemas/ValidationProblem';
import type { EntitySearchClause, EntitySearchFilter, EntitySearchFilterValue, EntitySearchRange } from './EntitySearchFilter';

export type ParseEntitiesQueryResult =
  | { readonly ok: true; readonly filter: EntitySearchFilter }
  | { readonly ok: false; readonly problems: ValidationProblem[] };

const PATH = 'entities_query';

/**
 * Translates epilot's `entities_query` (Lucene syntax) into an EntitySearchFilter.
 *
 * Supported: `field:value` (a plain number becomes a number, `true`/`false` booleans, a quoted
 * value stays text), `field:[a TO b]` / `{a TO b}` with `*` for an open end, `field:>=5` (also
 * `>`, `<`, `<=`), `_exists_:field` and `field:*`, `field:(a OR b)`, `AND` `OR` `NOT` `&&` `||`
 * `-` `!` `+` and parentheses; terms side by side are ANDed.
 *
 * The operators are read as boolean logic (`a OR NOT b` is a OR (NOT b)), not with Lucene's
 * should/must scoring, under which `a AND b OR c` ignores c. Since no reading of AND mixed with
 * OR is safe, such a chain must be parenthesised. Free text, wildcards, fuzzy and proximity
 * searches, boosts and regular expressions have no exact-match equivalent and are refused.
 */
export function parseEntitiesQuery(query: string): ParseEntitiesQueryResult {
  let ast: AST;
  try {
    ast = parse(query);
  } catch (error) {
    return fail([syntaxProblem(error)]);
  }
  if (ast.left === undefined) return fail(['is empty; name at least one field, e.g. _schema:contact']);
  const dangling = DANGLING_OPERATOR.exec(query);
  if (dangling) return fail([`ends with "${dangling[1]}", which has nothing on its right`]);
  const problems: string[] = [];
  const filter = translate(ast, undefined, problems);
  return problems.length > 0 ? fail(problems) : { ok: true, filter };
}

function fail(messages: string[]): ParseEntitiesQueryResult {
  return { ok: false, problems: messages.map((message) => ({ path: PATH, message })) };
}

// the parser drops a trailing operator silently; `status:active AND` would select too much
const DANGLING_OPERATOR = /(?:^|\s)(AND NOT|OR NOT|AND|OR|NOT|&&|\|\||!)\s*$/;

function syntaxProblem(error: unknown): string {
  const { location, found, message } = error as { location?: { start?: { offset?: number } }; found?: string | null; message?: string };
  const where = at(location?.start?.offset);
  if (found === undefined) return `is not valid Lucene syntax${where}: ${message ?? String(error)}`;
  return found === null
    ? `ends too early${where}; a value or closing bracket is missing`
    : `is not valid Lucene syntax${where}: unexpected "${found}" (quote or \\-escape values holding spaces, colons or brackets, e.g. field:"2026-01-01T10:00:00Z" or field:>=2026-01-01T10\\:00Z)`;
}

function at(offset: number | undefined): string {
  return offset === undefined ? '' : ` at character ${offset + 1}`;
}

type Conjunction = EntitySearchClause[];

function translate(node: AST | Node, inherited: string | undefined, problems: string[]): Conjunction {
  if ('term' in node) return translateTerm(node, inherited, problems);
  if ('term_min' in node) return translateRange(node, inherited, problems);
  return translateGroup(node, inherited, problems);
}

interface Join {
  readonly or: boolean;
  readonly negate: boolean;
}

const JOINS: Readonly<Record<string, Join>> = {
  '<implicit>': { or: false, negate: false },
  AND: { or: false, negate: false },
  '&&': { or: false, negate: false },
  NOT: { or: false, negate: true },
  'AND NOT': { or: false, negate: true },
  OR: { or: true, negate: false },
  '||': { or: true, negate: false },
  'OR NOT': { or: true, negate: true },
};

interface Operand {
  readonly node: AST | Node;
  readonly negate: boolean;
}

/** A parenthesised group, or the whole query: a chain of operands joined by operators. */
function translateGroup(group: AST, inherited: string | undefined, problems: string[]): Conjunction {
  const { field, negate } = fieldOf(group.field, inherited);
  const operands: Operand[] = [];
  const joins: Join[] = [];
  flatten(group, false, operands, joins, problems);
  const parts = operands.map(({ node, negate: not }) => negated(translate(node, field, problems), not));
  const or = joins.some((join) => join.or);
  if (or && joins.some((join) => !join.or)) {
    problems.push(`mixes AND and OR without parentheses in the expression${at(startOf(group))}; add parentheses, e.g. (a AND b) OR c`);
    return [];
  }
  return negated(or ? [{ $or: parts.map(asClause) }] : parts.flat(), negate);
}

/** The parser nests `a AND b OR c` to the right; this lays the chain out flat. */
function flatten(ast: AST, negateFirst: boolean, operands: Operand[], joins: Join[], problems: string[]): void {
  // the typings put `start` on left-only nodes, but `NOT a AND b` carries it beside an operator
  const { start } = ast as { start?: Operator };
  if (start !== undefined && start !== 'NOT') problems.push(`starts with "${start}", which has nothing on its left`);
  operands.push({ node: ast.left, negate: negateFirst !== (start === 'NOT') });
  if (!('right' in ast)) return;
  const join = JOINS[ast.operator] ?? { or: false, negate: false };
  joins.push(join);
  const { right } = ast;
  if ('left' in right && !right.parenthesized && right.field === undefined) flatten(right, join.negate, operands, joins, problems);
  else operands.push({ node: right, negate: join.negate });
}

function translateTerm(node: NodeTerm, inherited: string | undefined, problems: string[]): Conjunction {
  const { field, negate } = fieldOf(node.field, inherited);
  const problem = unsupportedIn(node, field);
  if (problem !== undefined || field === undefined) {
    problems.push(problem ?? `free text ${node.term} is not supported`);
    return [];
  }
  // inside `field:(…)` a term's own +/- prefix is its modifier
  const not = negate || (!isExplicit(node.field) && node.prefix === '-');
  return negated([termClause(field, node, problems)], not);
}

/** What in a term has no exact-match meaning; a term without a field is free text. */
function unsupportedIn(node: NodeTerm, field: string | undefined): string | undefined {
  const raw = node.term;
  const shown = node.quoted ? `"${raw}"` : raw;
  const where = at(node.termLocation.start.offset);
  const proximity = (node as { proximity?: number | null }).proximity;
  if (node.regex) return `regular expression /${raw}/${where} is not supported`;
  if (field === undefined) return `free text ${shown}${where} is not supported; name a field${/[*?]/.test(raw) ? '' : `, e.g. status:${shown}`}`;
  if (/[*?]/.test(field)) return `field pattern "${field}"${at(startOf(node))} is not supported; name one field`;
  if (node.boost != null) return `boost "^${node.boost}" on ${shown}${where} is not supported`;
  if (node.similarity != null) return `fuzzy search "~" on ${shown}${where} is not supported`;
  if (proximity != null) return `proximity search "~${proximity}" on ${shown}${where} is not supported`;
  if (node.prefix != null && isExplicit(node.field)) {
    const intent = node.prefix === '-' ? 'exclude' : 'require';
    return `"${node.prefix}" after "${field}:"${where} is ambiguous; write ${field}:\\${node.prefix}${raw} for a value starting with "${node.prefix}", or ${node.prefix}${field}:${raw} to ${intent} it`;
  }
  if (!node.quoted && raw !== '*' && hasWildcard(raw)) return `wildcard ${shown}${where} is not supported; match exact values or use a range`;
  return undefined;
}

function termClause(field: string, node: NodeTerm, problems: string[]): EntitySearchClause {
  const raw = node.term;
  const text = node.quoted ? phrase.unescape(raw) : termSyntax.unescape(raw);
  if (field === '_exists_') return { exists: { field: text } };
  if (node.quoted) return { term: { [field]: text } };
  if (raw === '*') return { exists: { field } };
  const comparison = COMPARISON.exec(raw);
  if (comparison === null) return { term: { [field]: valueOf(text) } };
  const [, operator = '', bound = ''] = comparison;
  if (bound === '') problems.push(`"${operator}" on ${field}${at(node.termLocation.start.offset)} needs a value right after it, e.g. ${field}:${operator}10`);
  return { range: { [field]: { [COMPARISONS[operator] ?? 'gte']: valueOf(termSyntax.unescape(bound)) } } };
}

const COMPARISON = /^(>=|<=|>|<)(.*)$/s;
const COMPARISONS: Readonly<Record<string, keyof EntitySearchRange>> = { '>=': 'gte', '<=': 'lte', '>': 'gt', '<': 'lt' };

function translateRange(node: NodeRangedTerm, inherited: string | undefined, problems: string[]): Conjunction {
  const { field, negate } = fieldOf(node.field, inherited);
  if (field === undefined || field === '_exists_') {
    problems.push(`range [${node.term_min} TO ${node.term_max}] needs a field; write e.g. price:[${node.term_min} TO ${node.term_max}]`);
    return [];
  }
  const lower = boundOf(node.term_min);
  const upper = boundOf(node.term_max);
  // `[* TO *]` is Lucene's way of asking for any value
  if (lower === undefined && upper === undefined) return negated([{ exists: { field } }], negate);
  const range: EntitySearchRange = {};
  if (lower !== undefined) range[node.inclusive === 'both' || node.inclusive === 'left' ? 'gte' : 'gt'] = lower;
  if (upper !== undefined) range[node.inclusive === 'both' || node.inclusive === 'right' ? 'lte' : 'lt'] = upper;
  return negated([{ range: { [field]: range } }], negate);
}

function boundOf(raw: string): EntitySearchFilterValue | undefined {
  return raw === '*' ? undefined : valueOf(termSyntax.unescape(raw));
}

const PLAIN_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** `12` and `-1.5` are numbers, `true`/`false` booleans; `007` or `1e3` stay text as written. */
function valueOf(text: string): EntitySearchFilterValue {
  if (text === 'true' || text === 'false') return text === 'true';
  return PLAIN_NUMBER.test(text) ? Number(text) : text;
}

/**
 * The field a node applies to and whether it is negated. The parser keeps a leading `-`, `!` or
 * `+` as part of the field name (`-status:x` has field `-status`); a node without a field of its
 * own takes the one of its `field:(…)` group.
 */
function fieldOf(name: string | undefined, inherited: string | undefined): { field: string | undefined; negate: boolean } {
  if (!isExplicit(name)) return { field: inherited, negate: false };
  const modifier = /^[-!+]/.exec(name)?.[0];
  const field = termSyntax.unescape(modifier === undefined ? name : name.slice(1));
  return { field, negate: modifier === '-' || modifier === '!' };
}

function isExplicit(name: string | undefined): name is string {
  return name !== undefined && name !== '<implicit>';
}

function hasWildcard(raw: string): boolean {
  return /[*?]/.test(raw.replace(/\\./g, ''));
}

function negated(conjunction: Conjunction, negate: boolean): Conjunction {
  return negate ? [{ $not: conjunction }] : conjunction;
}

function asClause(conjunction: Conjunction): EntitySearchClause {
  const [only] = conjunction;
  return conjunction.length === 1 && only !== undefined ? only : { $and: conjunction };
}

function startOf(node: AST | Node): number | undefined {
  if (node.fieldLocation) return node.fieldLocation.start.offset;
  if ('termLocation' in node) return node.termLocation.start.offset;
  return 'left' in node && node.left !== undefined ? startOf(node.left) : undefined;
}
