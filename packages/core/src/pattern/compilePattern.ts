import { AlternativeMatcher, expandAlternatives, type PatternField } from './AlternativeMatcher';
import type { EventPattern } from './EventPattern';
import { InvalidPatternError } from './InvalidPatternError';
import { isObject, validatePattern } from './validatePattern';

/**
 * A first look at one top-level field holding plain string literals, kept in the predicate's own
 * closure: with thousands of compiled patterns most are rejected here without touching the rest
 * of their state. Undefined when the answer needs the full matcher.
 */
function guardFor(fields: readonly PatternField[]): ((event: Record<string, unknown>) => boolean) | undefined {
  const field = fields.find((f) => f.exactStrings !== undefined && f.path.length === 1);
  if (field === undefined) return undefined;
  const key = field.path[0]!;
  const test = field.test!;
  return (event) => {
    const value = Object.hasOwn(event, key) ? event[key] : undefined;
    // Only an array can still hold a matching string; anything else is decided here.
    return Array.isArray(value) || (typeof value === 'string' && test(value));
  };
}

/**
 * Compiles an EventBridge event pattern into a predicate, once, so that matching an event is a
 * walk of the paths the pattern names. Throws `InvalidPatternError` listing every problem when
 * EventBridge would refuse the pattern. Events that are not JSON objects match nothing.
 */
export function compilePattern(pattern: EventPattern): (event: unknown) => boolean {
  const problems = validatePattern(pattern);
  if (problems.length > 0) throw new InvalidPatternError(problems);

  const matchers = expandAlternatives(pattern).map((fields) => AlternativeMatcher.for(fields));

  if (matchers.length === 1) {
    const only = matchers[0]!;
    const guard = guardFor(only.fields);
    if (guard !== undefined) return (event) => isObject(event) && guard(event) && only.matches(event);
    return (event) => isObject(event) && only.matches(event);
  }
  return (event) => {
    if (!isObject(event)) return false;
    for (const matcher of matchers) if (matcher.matches(event)) return true;
    return false;
  };
}
