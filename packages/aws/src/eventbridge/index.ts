export * from './EventBridgeDispatchPublisher';
