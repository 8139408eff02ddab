import type { PathSegment } from './parsePath';

export type ReadPathResult = { readonly found: true; readonly value: unknown } | { readonly found: false };

const NOT_FOUND: ReadPathResult = { found: false };

/**
 * Reads a value at a parsed path. Only own enumerable properties are followed, so
 * `constructor`, `__proto__` or an array's `length` never resolve: paths come from tenant
 * configuration and must not reach into the prototype chain.
 */
export function readPath(root: unknown, segments: readonly PathSegment[]): ReadPathResult {
  let current: unknown = root;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return NOT_FOUND;
    const key = String(segment);
    if (!Object.prototype.propertyIsEnumerable.call(current, key)) return NOT_FOUND;
    current = (current as Record<string, unknown>)[key];
  }
  return { found: true, value: current };
}
