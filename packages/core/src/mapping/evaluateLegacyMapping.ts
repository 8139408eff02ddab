import { errorMessage, NONE, readSource, toItems, valueOf, type NodeOutcome, type OperationScope } from './evaluateOperation';
import { cloneData, isPlainObject } from './plainData';
import type { LegacyMappingAttributeInput } from './types';
import { uniqueItems } from './uniqueItems';

/**
 * The deprecated epilot mappers (`mode`). Kept for flows exported from epilot before
 * mapping v2; each mode is described in `mapping/README.md`.
 */
export function evaluateLegacyMapping(attribute: LegacyMappingAttributeInput, scope: OperationScope): NodeOutcome {
  switch (attribute.mode) {
    case 'set_value':
      if (!('value' in attribute)) {
        scope.report('value', 'set_value needs a value');
        return NONE;
      }
      return valueOf(cloneData(attribute.value));

    case 'copy_if_exists': {
      if (typeof attribute.source !== 'string') {
        scope.report('source', 'copy_if_exists needs a source path');
        return NONE;
      }
      const read = readSource(attribute.source, scope, 'source');
      return read.found && read.value !== undefined && read.value !== null ? valueOf(cloneData(read.value)) : NONE;
    }

    case 'append_if_exists': {
      let found: NodeOutcome;
      if (typeof attribute.source === 'string') {
        const read = readSource(attribute.source, scope, 'source');
        found = read.found && read.value !== undefined && read.value !== null ? valueOf(read.value) : NONE;
      } else if (typeof attribute.value_json === 'string') {
        found = parseValueJson(attribute.value_json, scope);
      } else {
        scope.report('', 'append_if_exists needs a source path or value_json');
        return NONE;
      }
      if (found.kind === 'none') return NONE;
      // epilot documents that this mode "currently replaces target attribute with array like
      // values": the result is the found value as a list, not appended to the existing one.
      const items = toItems(found.value);
      const unique = attribute.target_unique ?? [];
      return valueOf(unique.length > 0 ? uniqueItems(items, unique, true) : items);
    }

    default:
      scope.report('mode', `unknown mapping mode "${String(attribute.mode)}"`);
      return NONE;
  }
}

/**
 * `value_json` holds JSON whose strings may contain handlebars variables. Parsing first and
 * rendering each string keeps quotes in the rendered values from breaking the JSON; text
 * that is only JSON after rendering (a variable in number position) is rendered whole.
 */
function parseValueJson(text: string, scope: OperationScope): NodeOutcome {
  const data = scope.context.source;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    try {
      return valueOf(JSON.parse(scope.context.render(text, data)));
    } catch (error) {
      scope.report('value_json', `value_json is not JSON, even after rendering: ${errorMessage(error)}`);
      return NONE;
    }
  }
  try {
    return valueOf(renderStrings(parsed, (template) => scope.context.render(template, data)));
  } catch (error) {
    scope.report('value_json', `template failed: ${errorMessage(error)}`);
    return NONE;
  }
}

function renderStrings(value: unknown, render: (template: string) => string): unknown {
  if (typeof value === 'string') return value.includes('{{') ? render(value) : value;
  if (Array.isArray(value)) return value.map((item) => renderStrings(item, render));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') continue;
      out[key] = renderStrings(item, render);
    }
    return out;
  }
  return value;
}
