import { compareOrder, valueKindOf, valuesEqual, type ValueKind } from './compareValues';
import type { PositiveOperator } from './conditionOperators';
import type { ConditionSubject, Scalar } from './toConditionSubject';

export type AttributeOperator = Exclude<PositiveOperator, 'entity_exists'>;

export interface OperatorOptions {
  readonly values: readonly string[];
  readonly attributeType?: string;
  /** epilot `repeatableItemOp`: apply the operator to each item; any item satisfying it counts. */
  readonly repeatableItemOp?: boolean;
}

/**
 * Whether a positive operator holds for one subject. Negative operators are the negation of
 * these (see conditionOperators.ts). A missing value satisfies no positive operator. With
 * several `values`, scalar operators treat them as alternatives: any one matching is enough.
 */
export function holdsOperator(operator: AttributeOperator, subject: ConditionSubject, options: OperatorOptions): boolean {
  if (subject.kind === 'missing') return false;
  if (operator === 'is_not_empty') {
    return subject.kind === 'scalar' ? !isBlank(subject.value) : subject.items.some((item) => !isBlank(item));
  }
  if (subject.kind === 'scalar') return holdsForItem(operator, subject.value, options);

  const { items } = subject;
  if (options.repeatableItemOp === true) return items.some((item) => holdsForItem(operator, item, options));

  // the whole list is the value
  const { values } = options;
  const equal = (item: Scalar, expected: string): boolean => valuesEqual(item, expected, kindOf(item, options));
  switch (operator) {
    case 'equals':
      // same members, in any order and ignoring repeats
      return (
        values.length > 0 &&
        items.every((item) => values.some((expected) => equal(item, expected))) &&
        values.every((expected) => items.some((item) => equal(item, expected)))
      );
    case 'any_of':
      return items.some((item) => values.some((expected) => equal(item, expected)));
    case 'contains':
      // the list includes every one of the values
      return values.length > 0 && values.every((expected) => items.some((item) => equal(item, expected)));
    default:
      // text prefixes and ordering have no whole-list meaning: they apply item by item
      return items.some((item) => holdsForItem(operator, item, options));
  }
}

function holdsForItem(operator: AttributeOperator, actual: Scalar, options: OperatorOptions): boolean {
  const kind = kindOf(actual, options);
  const text = String(actual);
  const any = (test: (expected: string) => boolean): boolean => options.values.some(test);
  switch (operator) {
    case 'equals':
    case 'any_of':
      return any((expected) => valuesEqual(actual, expected, kind));
    case 'contains':
      return any((expected) => text.includes(expected));
    case 'starts_with':
      return any((expected) => text.startsWith(expected));
    case 'ends_with':
      return any((expected) => text.endsWith(expected));
    case 'greater_than':
      return any((expected) => ordered(actual, expected, kind, (c) => c > 0));
    case 'less_than':
      return any((expected) => ordered(actual, expected, kind, (c) => c < 0));
    case 'greater_than_or_equals':
      return any((expected) => ordered(actual, expected, kind, (c) => c >= 0));
    case 'less_than_or_equals':
      return any((expected) => ordered(actual, expected, kind, (c) => c <= 0));
    case 'is_not_empty':
      return !isBlank(actual);
  }
}

function ordered(actual: Scalar, expected: string, kind: ValueKind, test: (comparison: number) => boolean): boolean {
  const comparison = compareOrder(actual, expected, kind);
  return comparison !== undefined && test(comparison);
}

function kindOf(actual: Scalar, options: OperatorOptions): ValueKind {
  return valueKindOf(options.attributeType, actual);
}

/** Empty or whitespace-only text counts as empty, like an absent value. */
export function isBlank(value: Scalar): boolean {
  return typeof value === 'string' && value.trim().length === 0;
}
