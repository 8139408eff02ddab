export * from './ActionHandler';
export { ActionRegistry } from './ActionRegistry';
export { builtInHandlers } from './builtInHandlers';
export { createCancelFlowExecutionHandler } from './createCancelFlowExecutionHandler';
export { createMapEntityHandler } from './createMapEntityHandler';
export { createSendEmailHandler, isValidAddress, splitAddresses } from './createSendEmailHandler';
export { createTriggerEventHandler } from './createTriggerEventHandler';
export { createTriggerWebhookHandler, parseRetryAfter, WEBHOOK_RESPONSE_LIMIT } from './createTriggerWebhookHandler';
export { parseActionConfig } from './parseActionConfig';
export {
  nonPublicReason,
  pinnedLookup,
  vetWebhookUrl,
  type HostLookup,
  type VettedAddress,
  type VettedWebhookUrl,
  type VetWebhookUrlOptions,
} from './vetWebhookUrl';
export { signWebhookBody, verifyWebhookSignature, WEBHOOK_DELIVERY_HEADER, WEBHOOK_SIGNATURE_HEADER } from './webhookSignature';
