import { BuiltinActionType } from '@autoflow/core';
import type { ActionDeps, ActionHandler } from './ActionHandler';
import { createCancelFlowExecutionHandler } from './createCancelFlowExecutionHandler';
import { createMapEntityHandler } from './createMapEntityHandler';
import { createSendEmailHandler } from './createSendEmailHandler';
import { createTriggerEventHandler } from './createTriggerEventHandler';
import { createTriggerWebhookHandler } from './createTriggerWebhookHandler';

/** One handler per built-in action type (core's `BuiltinActionType`), all sharing the same ports and settings. */
export function builtInHandlers(deps: ActionDeps): Record<BuiltinActionType, ActionHandler> {
  return {
    [BuiltinActionType.TriggerWebhook]: createTriggerWebhookHandler(deps),
    [BuiltinActionType.MapEntity]: createMapEntityHandler(deps),
    [BuiltinActionType.SendEmail]: createSendEmailHandler(deps),
    [BuiltinActionType.TriggerEvent]: createTriggerEventHandler(deps),
    [BuiltinActionType.CancelFlowExecution]: createCancelFlowExecutionHandler(deps),
  };
}
