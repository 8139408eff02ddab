/**
 * The diff between two images of an entity, in the shape trigger filters read:
 * `added` holds new attributes with their values, `updated` holds the PREVIOUS values of
 * changed attributes (so "status changed from A to B" is `diff.updated.status = A` together
 * with `payload.status = B`), `deleted` holds the previous values of removed attributes.
 * Attributes are compared at the top level; a changed nested object counts as one change.
 */
export interface ComputedDiff {
  added: Record<string, unknown>;
  updated: Record<string, unknown>;
  deleted: Record<string, unknown>;
}

/** Bookkeeping attributes that change on every write and are not a change in themselves. */
const VOLATILE = new Set(['_updated_at', '_version']);

export function computeDiff(oldImage: Record<string, unknown> | undefined, newImage: Record<string, unknown> | undefined): ComputedDiff {
  const before = oldImage ?? {};
  const after = newImage ?? {};
  const diff: ComputedDiff = { added: {}, updated: {}, deleted: {} };
  // Own properties only: attribute names like `constructor` or `__proto__` are data here.
  const has = (o: Record<string, unknown>, k: string): boolean => Object.hasOwn(o, k) && o[k] !== undefined;
  for (const [key, value] of Object.entries(after)) {
    if (VOLATILE.has(key) || value === undefined) continue;
    if (!has(before, key)) put(diff.added, key, value);
    else if (!deepEqual(before[key], value)) put(diff.updated, key, before[key]);
  }
  for (const [key, value] of Object.entries(before)) {
    if (VOLATILE.has(key) || value === undefined) continue;
    if (!has(after, key)) put(diff.deleted, key, value);
  }
  return diff;
}

function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
