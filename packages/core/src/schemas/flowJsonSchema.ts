import { z } from 'zod';
import { AutomationFlowSchema } from './AutomationFlow';

export const FLOW_JSON_SCHEMA_ID = 'urn:autoflow:schema:flow:v1';

/**
 * The JSON Schema (draft 2020-12) of flow documents, generated from AutomationFlowSchema for
 * editors and other tools. It describes what a flow author writes (the input side: defaults
 * are optional). Checks that JSON Schema cannot express — cross-references, template syntax,
 * ISO durations, URL rules — are only made by `parseFlow`.
 */
export function buildFlowJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(AutomationFlowSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'throw',
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: FLOW_JSON_SCHEMA_ID,
    title: 'autoflow flow',
    description:
      'An automation flow, compatible with epilot\'s AutomationFlow. autoflow extensions are marked "autoflow extension". Generated from packages/core/src/schemas by `pnpm schema`; do not edit.',
    ...rest,
  };
}

/** The exact text of flows/flow.schema.json. */
export function renderFlowJsonSchema(): string {
  return `${JSON.stringify(buildFlowJsonSchema(), null, 2)}\n`;
}
