export * from './ExecutionState';
export * from './transitions';
