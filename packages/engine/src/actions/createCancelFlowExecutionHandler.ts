import { CancelFlowExecutionConfigSchema } from '@autoflow/core';
import type { ActionHandler } from './ActionHandler';
import { parseActionConfig } from './parseActionConfig';

/**
 * cancel-flow-execution: ends its own execution. The handler only states the intent; the
 * dispatcher applies `effect: 'cancel_execution'` (remaining actions are not run).
 */
export function createCancelFlowExecutionHandler(): ActionHandler {
  return async (ctx) => {
    const config = parseActionConfig(CancelFlowExecutionConfigSchema, ctx);
    return {
      outputs: { reasons: config.selected_reasons ?? [], description: config.extra_description ?? null },
      effect: 'cancel_execution',
    };
  };
}
