export * from './ExecutionState';
export * from './transitions';
export * from './timers';
export * from './addDuration';
