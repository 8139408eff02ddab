import { parsePath } from '../mapping/parsePath';
import { readPath, type ReadPathResult } from '../mapping/readPath';

/**
 * An entity or output attribute named in a flow: the key itself when the object has it, else
 * the key read as a path (`contract.end_date`, `dates[0]`). Like mapping paths, only own
 * enumerable properties are followed.
 */
export function readAttribute(root: unknown, attribute: string): ReadPathResult {
  if (typeof root !== 'object' || root === null) return { found: false };
  if (Object.prototype.propertyIsEnumerable.call(root, attribute)) {
    return { found: true, value: (root as Record<string, unknown>)[attribute] };
  }
  const path = parsePath(attribute);
  return path.ok ? readPath(root, path.segments) : { found: false };
}
