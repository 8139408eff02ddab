export * from './TriggerEvent';
export * from './compileTrigger';
export * from './triggerConditions';
export * from './TriggerIndex';
export * from './listenIndexKeys';
