export * from './ExecutionState';
export * from './transitions';
export * from './timers';
