import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTION_ENVELOPE_KEYS, BuiltinActionType, buildFlowJsonSchema, renderFlowJsonSchema } from '../../src/schemas';

type Json = Record<string, unknown>;

const committedPath = join(__dirname, '../../../../flows/flow.schema.json');

describe('flows/flow.schema.json', () => {
  const schema = buildFlowJsonSchema() as Json & { $defs: Record<string, Json>; properties: Record<string, Json> };
  const defs = schema.$defs;

  it('is exactly what `pnpm schema` generates now, so it cannot drift from the zod schemas', () => {
    expect(readFileSync(committedPath, 'utf8')).toBe(renderFlowJsonSchema());
  });

  it('is a draft 2020-12 schema with an $id, a title and a description', () => {
    expect([schema.$schema, schema.$id, schema.title, typeof schema.description]).toEqual([
      'https://json-schema.org/draft/2020-12/schema',
      'urn:autoflow:schema:flow:v1',
      'autoflow flow',
      'string',
    ]);
  });

  it('requires flow_name, triggers and actions and refuses unknown top-level fields', () => {
    expect([schema.required, schema.additionalProperties]).toEqual([['flow_name', 'triggers', 'actions'], false]);
  });

  it('describes every top-level field', () => {
    const undescribed = Object.entries(schema.properties)
      .filter(([, property]) => typeof property.description !== 'string' && !('$ref' in property))
      .map(([name]) => name);
    expect(undescribed).toEqual([]);
  });

  it.each(['CustomAction', 'TriggerWebhookAction', 'MapEntityAction', 'SendEmailAction', 'TriggerEventAction', 'CancelFlowExecutionAction', 'WaitAction'])(
    'gives %s every envelope property and no others',
    (name) => {
      const action = defs[name] as { properties: Json; additionalProperties: unknown };
      expect([Object.keys(action.properties).sort(), action.additionalProperties]).toEqual([[...ACTION_ENVELOPE_KEYS].sort(), false]);
    },
  );

  it('keeps built-in types out of the custom action branch, so their config is always checked', () => {
    const type = (defs.CustomAction?.properties as Record<string, Json>).type;
    expect(type?.not).toEqual({ enum: Object.values(BuiltinActionType) });
  });

  it('documents the autoflow extensions of trigger-webhook with the default method', () => {
    const properties = defs.TriggerWebhookConfig?.properties as Record<string, Json>;
    expect([properties.method?.default, Object.keys(properties)]).toEqual([
      'POST',
      expect.arrayContaining(['url', 'method', 'headers', 'timeout_ms', 'secret_ref', 'target_webhook_id']),
    ]);
  });

  it('covers all nine trigger types', () => {
    const triggers = (defs.AnyTrigger?.oneOf as Array<{ $ref: string }>).map((ref) => ref.$ref.split('/').pop());
    expect(triggers).toHaveLength(9);
  });
});
