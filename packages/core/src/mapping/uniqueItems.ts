import { parsePath, type PathSegment } from './parsePath';
import { deepMerge, isPlainObject, stableKey } from './plainData';
import { readPath } from './readPath';

/**
 * epilot `_uniq`: `true` drops items deeply equal to an earlier one; a list of keys treats
 * objects with the same key values as the same item and deep-merges them into the first
 * occurrence — keeping the old values unless `retainOldValues` is false. Order of first
 * occurrence is preserved. Objects that have none of the keys cannot be identified and are
 * all kept. Keys may be paths (`address.city`).
 */
export function uniqueItems(
  items: readonly unknown[],
  by: true | readonly string[],
  retainOldValues: boolean,
): unknown[] {
  const keyPaths: ReadonlyArray<readonly PathSegment[]> =
    by === true
      ? []
      : by.map((key) => {
          const parsed = parsePath(key);
          return parsed.ok ? parsed.segments : [key];
        });
  const out: unknown[] = [];
  const positions = new Map<string, number>();

  for (const item of items) {
    const identity = identify(item, by === true ? undefined : keyPaths);
    if (identity === undefined) {
      out.push(item);
      continue;
    }
    const at = positions.get(identity);
    if (at === undefined) {
      positions.set(identity, out.length);
      out.push(item);
    } else if (by !== true) {
      out[at] = deepMerge(out[at], item, !retainOldValues);
    }
  }
  return out;
}

function identify(item: unknown, keyPaths: ReadonlyArray<readonly PathSegment[]> | undefined): string | undefined {
  if (keyPaths === undefined || !isPlainObject(item)) return `value:${stableKey(item)}`;
  const values = keyPaths.map((segments) => {
    const read = readPath(item, segments);
    return read.found ? read.value : undefined;
  });
  if (values.every((value) => value === undefined || value === null)) return undefined;
  return `keys:${stableKey(values)}`;
}
