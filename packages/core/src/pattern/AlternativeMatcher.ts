import type { EventPattern } from './EventPattern';
import type { Leaf, ValueCondition } from './compileValues';
import { compileValues } from './compileValues';

/** One field of an alternative: a path into the event and what its leaf values must satisfy. */
export interface PatternField extends ValueCondition {
  readonly path: readonly string[];
  /** Event Ruler's name for the field (path joined with dots); alternatives are evaluated in its order. */
  readonly name: string;
  /** The path as one unambiguous string (JSON), for maps keyed by path. */
  readonly id: string;
}

type Alternative = Map<string, PatternField>;

/**
 * Expands `$or` the way Event Ruler's JsonRuleCompiler does: keys are read in order, a leaf is
 * written into every alternative built so far (a later write to the same path replaces an earlier
 * one), and a `$or` forks the alternatives built so far once per branch.
 */
function expand(pattern: Record<string, unknown>, path: readonly string[], alternatives: Alternative[]): void {
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      const before = alternatives.splice(0, alternatives.length);
      for (const branch of value as Record<string, unknown>[]) {
        const forked = before.length === 0 ? [new Map<string, PatternField>()] : before.map((a) => new Map(a));
        expand(branch, path, forked);
        alternatives.push(...forked);
      }
    } else if (Array.isArray(value)) {
      const fieldPath = [...path, key];
      const id = JSON.stringify(fieldPath);
      const field: PatternField = { path: fieldPath, name: fieldPath.join('.'), id, ...compileValues(value) };
      if (alternatives.length === 0) alternatives.push(new Map());
      for (const alternative of alternatives) alternative.set(id, field);
    } else {
      expand(value as Record<string, unknown>, [...path, key], alternatives);
    }
  }
}

/** The alternatives of a validated pattern: its `$or`s expanded, each a list of fields. */
export function expandAlternatives(pattern: EventPattern): PatternField[][] {
  const alternatives: Alternative[] = [];
  expand(pattern as Record<string, unknown>, [], alternatives);
  return alternatives.map((alternative) => [...alternative.values()]);
}

/**
 * Array consistency: which element of which event array the fields matched so far were taken
 * from. Two fields may not come from different elements of the same array.
 */
type Membership = { readonly array: readonly unknown[]; readonly index: number; readonly next: Membership } | null;
const CONFLICT = Symbol('conflict');

function enter(membership: Membership, array: readonly unknown[], index: number): Membership | typeof CONFLICT {
  for (let m = membership; m !== null; m = m.next) {
    if (m.array === array) return m.index === index ? membership : CONFLICT;
  }
  return { array, index, next: membership };
}

export const isLeaf = (v: unknown): v is Leaf =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

const byName = (a: PatternField, b: PatternField): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
// Plain string literals first (fewest values first), then shallow before deep.
const cheapestFirst = (a: PatternField, b: PatternField): number =>
  (a.exactStrings?.length ?? Infinity) - (b.exactStrings?.length ?? Infinity) || a.path.length - b.path.length || byName(a, b);

/**
 * One alternative of a pattern (a pattern without `$or`) as a matcher over events that are JSON
 * objects: every field must find a leaf, with array elements chosen consistently.
 */
export class AlternativeMatcher {
  /** Orders the fields the way their evaluation needs (see below) and builds the matcher. */
  static for(fields: readonly PatternField[]): AlternativeMatcher {
    const sorted = [...fields];
    // Event Ruler visits a rule's fields in name order, and `exists: false` is judged against the
    // array elements the earlier fields committed to, so that order is kept whenever it can matter.
    // Without absence checks the answer does not depend on order, so the cheapest checks go first.
    sorted.sort(sorted.some((f) => f.allowAbsent) ? byName : cheapestFirst);
    return new AlternativeMatcher(sorted);
  }

  private constructor(readonly fields: readonly PatternField[]) {}

  matches(root: Record<string, unknown>): boolean {
    return this.from(0, root, null);
  }

  /** Can fields[i..] be satisfied, given the array elements already committed to? */
  private from(start: number, root: Record<string, unknown>, membership: Membership): boolean {
    const fields = this.fields;
    for (let i = start; i < fields.length; i++) {
      const field = fields[i]!;
      // Fast path: follow the path through plain objects. Only an array offers a choice of
      // values (and so needs backtracking); without one the field has one leaf or none.
      const path = field.path;
      let node: unknown = root;
      let depth = 0;
      while (depth < path.length && typeof node === 'object' && node !== null && !Array.isArray(node)) {
        const step = path[depth]!;
        node = Object.hasOwn(node, step) ? (node as Record<string, unknown>)[step] : undefined;
        depth++;
      }
      if (Array.isArray(node)) return this.choose(i, root, membership);
      if (depth === path.length && isLeaf(node)) {
        if (field.test === undefined || !field.test(node)) return false;
      } else if (!field.allowAbsent) {
        return false; // no leaf at this path
      }
    }
    return true;
  }

  /** The general case for fields[i]: absence, or each leaf reached through arrays in turn. */
  private choose(i: number, root: Record<string, unknown>, membership: Membership): boolean {
    const field = this.fields[i]!;
    if (field.allowAbsent && !this.hasLeaf(root, field.path, 0, membership) && this.from(i + 1, root, membership)) {
      return true;
    }
    return field.test !== undefined && this.walk(root, field, 0, i, root, membership);
  }

  /** Follows the field's path; every leaf reached that passes the test is tried as the field's value. */
  private walk(node: unknown, field: PatternField, depth: number, i: number, root: Record<string, unknown>, membership: Membership): boolean {
    if (depth === field.path.length) return this.tryValue(node, field, i, root, membership);
    if (typeof node !== 'object' || node === null) return false;
    if (Array.isArray(node)) {
      // Arrays are "crushed": each object element is taken as the parent field's value.
      for (let index = 0; index < node.length; index++) {
        const element: unknown = node[index];
        if (typeof element !== 'object' || element === null) continue;
        const inner = enter(membership, node, index);
        if (inner !== CONFLICT && this.walk(element, field, depth, i, root, inner)) return true;
      }
      return false;
    }
    const step = field.path[depth]!;
    return Object.hasOwn(node, step) && this.walk((node as Record<string, unknown>)[step], field, depth + 1, i, root, membership);
  }

  private tryValue(node: unknown, field: PatternField, i: number, root: Record<string, unknown>, membership: Membership): boolean {
    if (isLeaf(node)) return field.test!(node) && this.from(i + 1, root, membership);
    if (!Array.isArray(node)) return false; // an object is not a leaf
    for (let index = 0; index < node.length; index++) {
      const element: unknown = node[index];
      if (isLeaf(element)) {
        // Scalars in an array do not pin the array: only objects and nested arrays do.
        if (field.test!(element) && this.from(i + 1, root, membership)) return true;
      } else if (Array.isArray(element)) {
        const inner = enter(membership, node, index);
        if (inner !== CONFLICT && this.tryValue(element, field, i, root, inner)) return true;
      }
    }
    return false;
  }

  /** Whether the path reaches any leaf consistent with the elements already committed to. */
  private hasLeaf(node: unknown, path: readonly string[], depth: number, membership: Membership): boolean {
    if (typeof node !== 'object' || node === null) return depth === path.length && isLeaf(node);
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        const element: unknown = node[index];
        if (depth === path.length && isLeaf(element)) return true;
        if (typeof element !== 'object' || element === null) continue;
        if (depth === path.length && !Array.isArray(element)) continue;
        const inner = enter(membership, node, index);
        if (inner !== CONFLICT && this.hasLeaf(element, path, depth, inner)) return true;
      }
      return false;
    }
    if (depth === path.length) return false;
    const step = path[depth]!;
    return Object.hasOwn(node, step) && this.hasLeaf((node as Record<string, unknown>)[step], path, depth + 1, membership);
  }
}

/**
 * Collects into `out` every leaf the matcher could take as the value of a field at `path`: through
 * objects, through the object elements of arrays at any depth, and the scalars of (nested) arrays at
 * the end of the path. Returns whether an array was crossed, i.e. whether the leaves may come from
 * different array elements (or there may be several of them).
 */
export function collectLeaves(node: unknown, path: readonly string[], depth: number, out: Leaf[]): boolean {
  // Fast path: plain objects all the way, as in most events.
  while (depth < path.length) {
    if (typeof node !== 'object' || node === null) return false;
    if (Array.isArray(node)) {
      for (const element of node as unknown[]) {
        if (typeof element === 'object' && element !== null) collectLeaves(element, path, depth, out);
      }
      return true;
    }
    const step = path[depth]!;
    node = Object.hasOwn(node, step) ? (node as Record<string, unknown>)[step] : undefined;
    depth++;
  }
  if (isLeaf(node)) {
    out.push(node);
    return false;
  }
  if (Array.isArray(node)) {
    collectElements(node, out);
    return true;
  }
  return false;
}

function collectElements(array: readonly unknown[], out: Leaf[]): void {
  for (const element of array) {
    if (isLeaf(element)) out.push(element);
    else if (Array.isArray(element)) collectElements(element, out);
  }
}
