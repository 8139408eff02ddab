import { BuiltinActionType } from '@autoflow/core';
import type { ActionDeps, ActionHandler } from './ActionHandler';
import { createCancelFlowExecutionHandler } from './createCancelFlowExecutionHandler';
import { createMapEntityHandler } from './createMapEntityHandler';
import { createSendEmailHandler } from './createSendEmailHandler';
import { createTriggerEventHandler } from './createTriggerEventHandler';
import { createTriggerWebhookHandler } from './createTriggerWebhookHandler';

/** Built-in action types the engine runs itself, without a worker: a wait step only waits. */
export type EngineActionType = typeof BuiltinActionType.Wait;

/** One handler per built-in action type (core's `BuiltinActionType`) that runs on a worker, all sharing the same ports and settings. */
export function builtInHandlers(deps: ActionDeps): Record<Exclude<BuiltinActionType, EngineActionType>, ActionHandler> {
  return {
    [BuiltinActionType.TriggerWebhook]: createTriggerWebhookHandler(deps),
    [BuiltinActionType.MapEntity]: createMapEntityHandler(deps),
    [BuiltinActionType.SendEmail]: createSendEmailHandler(deps),
    [BuiltinActionType.TriggerEvent]: createTriggerEventHandler(deps),
    [BuiltinActionType.CancelFlowExecution]: createCancelFlowExecutionHandler(),
  };
}
