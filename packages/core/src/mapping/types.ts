/**
 * Minimal input shapes for attribute mappings, structurally compatible with epilot's
 * `MappingAttributeV2`, `OperationObjectNode` and the deprecated `SetValueMapper`,
 * `CopyValueMapper` and `AppendValueMapper`. Declared here rather than imported from the
 * flow schemas so that the mapping engine does not depend on how flows are validated.
 */

/** epilot `MappingAttributeMode` (legacy mappers). */
export const MAPPING_ATTRIBUTE_MODES = ['copy_if_exists', 'append_if_exists', 'set_value'] as const;
export type MappingAttributeMode = (typeof MAPPING_ATTRIBUTE_MODES)[number];

/** Keys of an operation object node that are operations; every other key is a nested attribute. */
export const OPERATION_KEYS = [
  '_set',
  '_copy',
  '_template',
  '_random',
  '_each',
  '_as',
  '_map',
  '_append',
  '_prepend',
  '_uniq',
  '_retain_old_values',
] as const;
export type OperationKey = (typeof OPERATION_KEYS)[number];

export interface RandomOperationInput {
  readonly type?: 'uuid' | 'nanoid' | 'number' | string;
  readonly min?: number;
  readonly max?: number;
}

/** epilot `OperationObjectNode`; nested attribute nodes sit beside the operation keys. */
export interface OperationObjectNodeInput {
  readonly _set?: unknown;
  readonly _copy?: string | readonly string[];
  readonly _template?: string;
  readonly _random?: RandomOperationInput;
  readonly _each?: string;
  readonly _as?: string;
  readonly _map?: unknown;
  readonly _append?: unknown;
  readonly _prepend?: unknown;
  readonly _uniq?: boolean | readonly string[];
  readonly _retain_old_values?: boolean;
  readonly [nested: string]: unknown;
}

/** A mapping operation: a primitive JSON value, an array of nodes, or an operation object node. */
export type OperationNodeInput = unknown;

/** epilot `MappingAttributeV2`. epilot's schema lists `targetPath` as required, so it is read as an alias. */
export interface MappingAttributeV2Input {
  readonly target?: string;
  readonly targetPath?: string;
  readonly operation: OperationNodeInput;
}

/** epilot `SetValueMapper` / `CopyValueMapper` / `AppendValueMapper`, merged into one shape. */
export interface LegacyMappingAttributeInput {
  readonly mode: MappingAttributeMode | string;
  readonly target: string;
  readonly source?: string;
  readonly value?: unknown;
  readonly value_json?: string;
  readonly target_unique?: readonly string[];
}

export type MappingAttributeInput = MappingAttributeV2Input | LegacyMappingAttributeInput;

export type IdKind = 'uuid' | 'nanoid';

export interface MappingContext {
  /** The trigger entity and its friends, e.g. `{ ...entity, contact: …, _trigger: … }`. */
  readonly source: Readonly<Record<string, unknown>>;
  /** The current target entity; empty when the entity is about to be created. */
  readonly target: Readonly<Record<string, unknown>>;
  /**
   * Renders `_template` and legacy `value_json` strings. Values are written into entities,
   * so pass a renderer that does not HTML-escape (`renderTemplate(t, d, { escape: false })`).
   */
  readonly render: (template: string, data: unknown) => string;
  /** Random source for `_random: { type: 'number' }`; core never reads Math.random itself. */
  readonly random?: () => number;
  /** Id generator for `_random: { type: 'uuid' | 'nanoid' }`. */
  readonly generateId?: (kind: IdKind) => string;
}

export interface MappingProblem {
  /** The attribute's target path. */
  readonly path: string;
  readonly message: string;
}

export interface MappingResult {
  /** Top-level attributes to write, each the full new value of that attribute. */
  readonly patch: Record<string, unknown>;
  readonly problems: MappingProblem[];
}
