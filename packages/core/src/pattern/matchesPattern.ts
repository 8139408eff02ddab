import type { EventPattern } from './EventPattern';
import { compilePattern } from './compilePattern';

const compiled = new WeakMap<EventPattern, (event: unknown) => boolean>();

/**
 * Whether `event` matches `pattern`. The compiled form is cached per pattern object, so the
 * pattern must not be mutated after its first use; for many events prefer `compilePattern`.
 * Throws `InvalidPatternError` for a pattern EventBridge would refuse.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  let matcher = compiled.get(pattern);
  if (matcher === undefined) {
    matcher = compilePattern(pattern);
    compiled.set(pattern, matcher);
  }
  return matcher(event);
}
