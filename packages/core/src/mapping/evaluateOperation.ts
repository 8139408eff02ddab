import { parsePath, type PathSegment } from './parsePath';
import { cloneData, isPlainObject, ownValue } from './plainData';
import { readPath, type ReadPathResult } from './readPath';
import { OPERATION_KEYS, type MappingContext, type OperationKey, type OperationObjectNodeInput } from './types';
import { uniqueItems } from './uniqueItems';

/** What an operation node yields: a value to write, or nothing (the target stays as it is). */
export type NodeOutcome = { readonly kind: 'value'; readonly value: unknown } | { readonly kind: 'none' };

export interface OperationScope {
  readonly context: MappingContext;
  /** `_each` aliases in scope, keyed with their `$` prefix (`$meter`). */
  readonly vars: Readonly<Record<string, unknown>>;
  readonly report: (location: string, message: string) => void;
}

export const NONE: NodeOutcome = { kind: 'none' };
export const valueOf = (value: unknown): NodeOutcome => ({ kind: 'value', value });

const OPERATION_KEY_SET: ReadonlySet<string> = new Set(OPERATION_KEYS);
// The operations that produce a value of their own; a node may use at most one.
const PRODUCER_KEYS = ['_set', '_copy', '_template', '_each', '_random'] as const satisfies readonly OperationKey[];

/**
 * Evaluates one epilot mapping operation node against the value currently at the target
 * (`current`). Semantics are described in `mapping/README.md`.
 */
export function evaluateOperation(
  node: unknown,
  current: unknown,
  scope: OperationScope,
  location: string,
): NodeOutcome {
  if (Array.isArray(node)) return valueOf(evaluateItems(node, scope, location));
  if (!isPlainObject(node)) return valueOf(node);
  const keys = Object.keys(node);
  if (!keys.some((key) => OPERATION_KEY_SET.has(key))) return buildObject(node, keys, current, scope, location);
  return evaluateOperationObject(node as OperationObjectNodeInput, current, scope, location);
}

function evaluateOperationObject(
  node: OperationObjectNodeInput,
  current: unknown,
  scope: OperationScope,
  location: string,
): NodeOutcome {
  const producers = PRODUCER_KEYS.filter((key) => key in node);
  const nestedKeys = Object.keys(node).filter((key) => !OPERATION_KEY_SET.has(key));
  const producer = producers[0];
  if (producers.length > 1) {
    scope.report(location, `combine at most one of ${producers.join(', ')}; only ${String(producer)} is used`);
  }
  if (producer !== undefined && nestedKeys.length > 0) {
    scope.report(location, `nested keys ${nestedKeys.join(', ')} are ignored next to ${producer}`);
  }
  if (!('_each' in node) && ('_as' in node || '_map' in node)) {
    scope.report(location, '_as and _map only apply together with _each');
  }
  const hasAppend = '_append' in node;
  const hasPrepend = '_prepend' in node;
  const addsItems = hasAppend || hasPrepend;

  let produced: NodeOutcome;
  switch (producer) {
    case '_set':
      produced = evaluateOperation(node._set, undefined, scope, `${location}._set`);
      break;
    case '_copy':
      produced = copyValue(node._copy, scope, `${location}._copy`);
      break;
    case '_template':
      produced = renderValue(node._template, scope, `${location}._template`);
      break;
    case '_each':
      produced = eachValue(node, scope, location);
      break;
    case '_random':
      produced = randomValue(node._random, scope, `${location}._random`);
      break;
    default:
      // Appended objects are built fresh; without _append nested keys merge into the current object.
      produced =
        nestedKeys.length > 0
          ? buildObject(node, nestedKeys, addsItems ? undefined : current, scope, location)
          : NONE;
  }

  let result = produced;
  if (addsItems) {
    // `_set` replaces what is there before items are added; any other producer's value is
    // itself added (e.g. `_copy` + `_append` appends the copied value or values).
    const existing = producer === '_set' ? outcomeItems(produced) : toItems(current);
    const addedByProducer = producer === '_set' ? [] : outcomeItems(produced);
    const appended = hasAppend ? [...addedByProducer, ...listItems(node._append, scope, `${location}._append`)] : [];
    const prepended = hasPrepend
      ? [...(hasAppend ? [] : addedByProducer), ...listItems(node._prepend, scope, `${location}._prepend`)]
      : [];
    result =
      appended.length === 0 && prepended.length === 0 && producer !== '_set'
        ? NONE
        : valueOf([...prepended, ...existing, ...appended]);
  } else if (producer === undefined && nestedKeys.length === 0 && '_uniq' in node && Array.isArray(current)) {
    // a bare `{ _uniq: … }` de-duplicates what is already there
    result = valueOf(cloneData(current));
  }

  return '_uniq' in node ? applyUniq(result, node, scope, location) : result;
}

function applyUniq(result: NodeOutcome, node: OperationObjectNodeInput, scope: OperationScope, location: string): NodeOutcome {
  const uniq = node._uniq;
  if (uniq === undefined || uniq === false) return result;
  const byKeys = Array.isArray(uniq) && uniq.every((key) => typeof key === 'string');
  if (uniq !== true && !byKeys) {
    scope.report(`${location}._uniq`, '_uniq must be true or a list of keys');
    return result;
  }
  if (result.kind !== 'value' || !Array.isArray(result.value)) return result;
  return valueOf(uniqueItems(result.value, uniq === true ? true : (uniq as readonly string[]), node._retain_old_values !== false));
}

/**
 * Nested attribute nodes: each key is evaluated against the current value under that key and
 * merged into the current object (epilot's default is to merge; `_set` replaces). Keys whose
 * node yields nothing are left out, and a node where every key yields nothing yields nothing,
 * so an appended `{ email: { _copy: 'missing' } }` does not add an empty object.
 */
function buildObject(
  node: Record<string, unknown>,
  keys: readonly string[],
  current: unknown,
  scope: OperationScope,
  location: string,
): NodeOutcome {
  const base = isPlainObject(current) ? current : undefined;
  if (keys.length === 0) return valueOf(base === undefined ? {} : { ...base });
  const out: Record<string, unknown> = base === undefined ? {} : { ...base };
  let produced = 0;
  for (const key of keys) {
    // assigning "__proto__" would replace the object's prototype instead of adding a key
    if (key === '__proto__') {
      scope.report(location, `key "${key}" is not allowed`);
      continue;
    }
    const child = evaluateOperation(node[key], ownValue(base, key), scope, `${location}.${key}`);
    if (child.kind === 'value') {
      out[key] = child.value;
      produced += 1;
    }
  }
  return produced === 0 ? NONE : valueOf(out);
}

function evaluateItems(nodes: readonly unknown[], scope: OperationScope, location: string): unknown[] {
  const items: unknown[] = [];
  nodes.forEach((item, index) => {
    const outcome = evaluateOperation(item, undefined, scope, `${location}[${index}]`);
    if (outcome.kind === 'value') items.push(outcome.value);
  });
  return items;
}

/** `_append` / `_prepend`: a list of nodes, or `true` to add only the producer's value. */
function listItems(spec: unknown, scope: OperationScope, location: string): unknown[] {
  if (Array.isArray(spec)) return evaluateItems(spec, scope, location);
  if (spec !== true) scope.report(location, 'expected a list of items (or true to add the copied value)');
  return [];
}

function copyValue(spec: unknown, scope: OperationScope, location: string): NodeOutcome {
  const paths = typeof spec === 'string' ? [spec] : Array.isArray(spec) ? spec : undefined;
  if (paths === undefined || paths.length === 0 || !paths.every((path) => typeof path === 'string')) {
    scope.report(location, '_copy must be a path or a list of fallback paths');
    return NONE;
  }
  // fallbacks: the first path holding a defined, non-null value wins
  for (const path of paths as readonly string[]) {
    const read = readSource(path, scope, location);
    if (read.found && read.value !== undefined && read.value !== null) return valueOf(cloneData(read.value));
  }
  return NONE;
}

function renderValue(template: unknown, scope: OperationScope, location: string): NodeOutcome {
  if (typeof template !== 'string') {
    scope.report(location, '_template must be a string');
    return NONE;
  }
  try {
    return valueOf(scope.context.render(template, templateData(scope)));
  } catch (error) {
    scope.report(location, `template failed: ${errorMessage(error)}`);
    return NONE;
  }
}

function eachValue(node: OperationObjectNodeInput, scope: OperationScope, location: string): NodeOutcome {
  if (typeof node._each !== 'string') {
    scope.report(`${location}._each`, '_each must be a path');
    return NONE;
  }
  const read = readSource(node._each, scope, `${location}._each`);
  if (!read.found || read.value === undefined || read.value === null) return NONE;
  if (!Array.isArray(read.value)) {
    scope.report(`${location}._each`, `"${node._each}" does not hold a list`);
    return NONE;
  }
  let alias: string | undefined;
  if (node._as !== undefined) {
    if (typeof node._as === 'string' && node._as.length > 0) alias = node._as.startsWith('$') ? node._as : `$${node._as}`;
    else scope.report(`${location}._as`, '_as must be a name');
  }
  const mapNode = node._map;
  const flatten = isPlainObject(mapNode) && '_each' in mapNode;
  const out: unknown[] = [];
  for (const item of read.value) {
    if (mapNode === undefined) {
      out.push(cloneData(item));
      continue;
    }
    const vars = alias === undefined ? scope.vars : { ...scope.vars, [alias]: item };
    const mapped = evaluateOperation(mapNode, undefined, { ...scope, vars }, `${location}._map`);
    if (mapped.kind === 'none') continue;
    // nested _each results are flattened into one list, as epilot documents
    if (flatten && Array.isArray(mapped.value)) out.push(...mapped.value);
    else out.push(mapped.value);
  }
  return valueOf(out);
}

function randomValue(spec: unknown, scope: OperationScope, location: string): NodeOutcome {
  const options = isPlainObject(spec) ? spec : {};
  const type = options['type'];
  if (type === 'number') {
    const random = scope.context.random;
    if (random === undefined) {
      scope.report(location, 'no random source was provided to the mapping');
      return NONE;
    }
    const min = typeof options['min'] === 'number' ? options['min'] : 0;
    const max = typeof options['max'] === 'number' ? options['max'] : 1;
    return valueOf(min + random() * (max - min));
  }
  if (type === 'uuid' || type === 'nanoid') {
    const generateId = scope.context.generateId;
    if (generateId === undefined) {
      scope.report(location, 'no id generator was provided to the mapping');
      return NONE;
    }
    return valueOf(generateId(type));
  }
  scope.report(location, '_random.type must be uuid, nanoid or number');
  return NONE;
}

/** Reads a source path; a first segment naming an `_each` alias (`$meter`) reads the alias. */
export function readSource(path: string, scope: OperationScope, location: string): ReadPathResult {
  const parsed = parsePath(path);
  if (!parsed.ok) {
    scope.report(location, parsed.message);
    return { found: false };
  }
  return readSegments(parsed.segments, scope);
}

function readSegments(segments: readonly PathSegment[], scope: OperationScope): ReadPathResult {
  const first = segments[0];
  const fromVars = typeof first === 'string' && first.startsWith('$') && Object.prototype.hasOwnProperty.call(scope.vars, first);
  return readPath(fromVars ? scope.vars : scope.context.source, segments);
}

export function templateData(scope: OperationScope): unknown {
  return Object.keys(scope.vars).length === 0 ? scope.context.source : { ...scope.context.source, ...scope.vars };
}

function outcomeItems(outcome: NodeOutcome): unknown[] {
  return outcome.kind === 'value' ? toItems(outcome.value) : [];
}

/** A missing value is no items; a single value is one item. */
export function toItems(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? cloneData(value) : [cloneData(value)];
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
