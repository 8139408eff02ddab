import { parseFlow, validatePattern } from '@autoflow/core';
import type { StoredFlow } from '@autoflow/engine';
import type { EmbeddedStack } from '@autoflow/local';

/** Validates a flow like the API does, then saves it for the org. */
export async function saveFlow(stack: EmbeddedStack, orgId: string, input: Record<string, unknown>): Promise<StoredFlow> {
  const parsed = parseFlow(input, { validatePattern });
  if (!parsed.ok) throw new Error(`invalid test flow: ${JSON.stringify(parsed.problems)}`);
  return stack.stores.flows.put({ ...(parsed.flow as unknown as StoredFlow), org_id: orgId });
}

/** The status-changed trigger of the end-to-end scenarios: order status A → B. */
export const statusChanged = (schema: string, from: string, to: string) => ({
  id: `${schema}-${from}-${to}`,
  type: 'entity_operation',
  configuration: {
    schema,
    operations: ['updateEntity'],
    filter_config: {
      operation: {
        operation: ['updateEntity'],
        payload: { status: [to] },
        diff: { updated: { status: [from] } },
      },
    },
  },
});
