/** A value an event pattern can compare a field with literally. */
export type PatternScalar = string | number | boolean | null;

type IgnoreCase = { readonly 'equals-ignore-case': string };
type OneOrMany<T> = T | readonly T[];

/** The operator objects allowed inside a field's list of values. */
export type MatchExpression =
  | { readonly prefix: string | IgnoreCase }
  | { readonly suffix: string | IgnoreCase }
  | { readonly 'equals-ignore-case': string }
  | { readonly wildcard: string }
  | { readonly exists: boolean }
  | { readonly cidr: string }
  | { readonly exactly: string }
  | { readonly numeric: readonly (string | number)[] }
  | {
      readonly 'anything-but':
        | OneOrMany<string>
        | OneOrMany<number>
        | { readonly prefix: OneOrMany<string> }
        | { readonly suffix: OneOrMany<string> }
        | { readonly 'equals-ignore-case': OneOrMany<string> }
        | { readonly wildcard: OneOrMany<string> };
    };

/** What one field of a pattern holds: the values to match (ORed), a nested pattern, or `$or` branches. */
export type EventPatternField = readonly (PatternScalar | MatchExpression)[] | EventPattern | readonly EventPattern[];

/**
 * An Amazon EventBridge event pattern (also the syntax of Lambda event-source filter criteria):
 * a JSON object mirroring the event's shape whose leaves are arrays of values to match.
 */
export interface EventPattern {
  readonly [field: string]: EventPatternField;
}
