/**
 * Minimal input shapes, structurally compatible with epilot's `ActionCondition` and
 * `ConditionStatement` (every field optional there, so optional here too). Declared here
 * rather than imported from the flow schemas so conditions do not depend on validation.
 */
import type { ConditionOperator } from './conditionOperators';

export const ATTRIBUTE_OPERATIONS = ['all', 'updated', 'added', 'deleted'] as const;
export type AttributeOperation = (typeof ATTRIBUTE_OPERATIONS)[number];

export interface ConditionSourceInput {
  /** The id of the action (origin `action`) or trigger. */
  readonly id?: string;
  readonly origin?: 'trigger' | 'action';
  readonly originType?: string;
  readonly schema?: string;
  readonly attribute?: string;
  /** epilot attribute type: `number`, `date`, `datetime`, `boolean`, `email`, `relation`, … */
  readonly attributeType?: string;
  readonly attributeRepeatable?: boolean;
  readonly repeatableItemOp?: boolean;
  readonly attributeOperation?: AttributeOperation;
}

export interface ConditionStatementInput {
  readonly id?: string;
  readonly source?: ConditionSourceInput;
  readonly operation?: ConditionOperator;
  readonly values?: readonly string[];
}

export interface ActionConditionInput {
  readonly id?: string;
  readonly statements?: readonly ConditionStatementInput[];
}

export type EntityRecord = Readonly<Record<string, unknown>>;

export interface EntityDiff {
  readonly added?: EntityRecord;
  /** PREVIOUS values of the attributes that changed. */
  readonly updated?: EntityRecord;
  readonly deleted?: EntityRecord;
}

export interface ConditionContext {
  /** Snapshot of the trigger entity. */
  readonly entity: EntityRecord;
  readonly diff?: EntityDiff;
  /** Outputs of earlier actions, by action id. */
  readonly outputs?: Readonly<Record<string, EntityRecord>>;
  /** Entities related to the trigger entity, by schema. */
  readonly relatedEntities?: Readonly<Record<string, readonly EntityRecord[]>>;
}

export interface StatementResult {
  readonly id?: string;
  readonly result: boolean;
  /** Human-readable; becomes the reason of an action skipped by this condition. */
  readonly reason: string;
}

export interface ConditionResult {
  readonly result: boolean;
  readonly statements: StatementResult[];
  /** The first false statement's reason, or a summary when every statement held. */
  readonly reason: string;
}
