import { FORBIDDEN_KEYS, isPlainObject, ownValue } from './plainData';
import { formatPath, type PathSegment } from './parsePath';

export type WritePathResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/**
 * Returns a copy of `root` with `value` at `segments`; `root` is never mutated. Missing (or
 * null) containers are created — an array for an index segment, an object for a key — and
 * gaps before a new index are filled with null so the result stays valid JSON. Writing
 * through a string or number, or a key into an array, is refused rather than silently
 * discarding the data that is there.
 */
export function writePath(root: unknown, segments: readonly PathSegment[], value: unknown): WritePathResult {
  for (const segment of segments) {
    if (typeof segment === 'string' && FORBIDDEN_KEYS.has(segment)) {
      return { ok: false, message: `key "${segment}" is not allowed in a path` };
    }
  }
  return writeAt(root, segments, 0, value);
}

function writeAt(current: unknown, segments: readonly PathSegment[], index: number, value: unknown): WritePathResult {
  const segment = segments[index];
  if (segment === undefined) return { ok: true, value };

  if (typeof segment === 'number') {
    if (current === undefined || current === null || Array.isArray(current)) {
      const array: unknown[] = Array.isArray(current) ? current.slice() : [];
      while (array.length < segment) array.push(null);
      const child = writeAt(array[segment], segments, index + 1, value);
      if (!child.ok) return child;
      array[segment] = child.value;
      return { ok: true, value: array };
    }
    if (isPlainObject(current)) return writeKey(current, String(segment), segments, index, value);
    return refuse(current, segments, index);
  }

  if (current === undefined || current === null) return writeKey({}, segment, segments, index, value);
  if (isPlainObject(current)) return writeKey(current, segment, segments, index, value);
  return refuse(current, segments, index);
}

function writeKey(
  current: Record<string, unknown>,
  key: string,
  segments: readonly PathSegment[],
  index: number,
  value: unknown,
): WritePathResult {
  const child = writeAt(ownValue(current, key), segments, index + 1, value);
  if (!child.ok) return child;
  // shallow copy: siblings are shared with the caller's copy, never with the original input
  return { ok: true, value: { ...current, [key]: child.value } };
}

function refuse(current: unknown, segments: readonly PathSegment[], index: number): WritePathResult {
  const where = index === 0 ? 'the root' : formatPath(segments.slice(0, index));
  const kind = Array.isArray(current) ? 'an array' : `a ${typeof current}`;
  return { ok: false, message: `cannot write "${String(segments[index])}" into ${kind} at ${where}` };
}
