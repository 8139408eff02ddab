import { evaluateLegacyMapping } from './evaluateLegacyMapping';
import { evaluateOperation, type OperationScope } from './evaluateOperation';
import { parsePath } from './parsePath';
import { cloneData, FORBIDDEN_KEYS, ownValue } from './plainData';
import { readPath } from './readPath';
import type {
  LegacyMappingAttributeInput,
  MappingAttributeInput,
  MappingContext,
  MappingProblem,
  MappingResult,
} from './types';
import { writePath } from './writePath';

/**
 * Attributes a mapping may not write: the engine owns the tenant, the identity and the
 * schema of the entity it writes, so a flow cannot move an entity to another organisation.
 */
export const PROTECTED_TARGET_ATTRIBUTES: ReadonlySet<string> = new Set(['_org', '_id', '_schema']);

/**
 * Applies epilot attribute mappings (v2 operations and the legacy modes) and returns the
 * top-level attributes to write. Attributes are applied in order, each seeing the result of
 * the previous ones; a problem in one attribute skips that attribute only. Inputs are never
 * mutated and the patch shares no objects with them.
 */
export function applyMapping(attributes: readonly MappingAttributeInput[], ctx: MappingContext): MappingResult {
  const patch: Record<string, unknown> = {};
  const problems: MappingProblem[] = [];

  attributes.forEach((attribute, index) => {
    const target = targetOf(attribute);
    const label = typeof target === 'string' && target.length > 0 ? target : `mapping_attributes[${index}]`;
    const report = (location: string, message: string): void => {
      problems.push({ path: label, message: location.length > 0 ? `${location}: ${message}` : message });
    };

    if (typeof target !== 'string') {
      report('', 'target path is missing');
      return;
    }
    const parsed = parsePath(target);
    if (!parsed.ok) {
      report('', parsed.message);
      return;
    }
    const [attributeName, ...rest] = parsed.segments;
    if (typeof attributeName !== 'string') {
      report('', 'target must start with an attribute name');
      return;
    }
    if (FORBIDDEN_KEYS.has(attributeName) || PROTECTED_TARGET_ATTRIBUTES.has(attributeName)) {
      report('', `attribute "${attributeName}" cannot be mapped`);
      return;
    }

    const currentAttribute = Object.prototype.hasOwnProperty.call(patch, attributeName)
      ? patch[attributeName]
      : cloneData(ownValue(ctx.target, attributeName));
    const currentRead = readPath(currentAttribute, rest);
    const current = currentRead.found ? currentRead.value : undefined;

    const scope: OperationScope = { context: ctx, vars: {}, report };
    const outcome = isLegacy(attribute)
      ? evaluateLegacyMapping(attribute, scope)
      : evaluateOperation(attribute.operation, current, scope, 'operation');
    if (outcome.kind === 'none') return;

    // written from a one-key wrapper so messages name the full path, not one relative to the attribute
    const written = writePath({ [attributeName]: currentAttribute }, parsed.segments, outcome.value);
    if (!written.ok) {
      report('', written.message);
      return;
    }
    patch[attributeName] = (written.value as Record<string, unknown>)[attributeName];
  });

  return { patch, problems };
}

function isLegacy(attribute: MappingAttributeInput): attribute is LegacyMappingAttributeInput {
  return 'mode' in attribute && !('operation' in attribute);
}

function targetOf(attribute: MappingAttributeInput): unknown {
  if ('target' in attribute && attribute.target !== undefined) return attribute.target;
  return 'targetPath' in attribute ? attribute.targetPath : undefined;
}
