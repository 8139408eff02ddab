export * from './errors';
export * from './ApiCaller';
export * from './flowSearch';
export * from './FlowService';
export * from './ExecutionService';
export * from './EntityService';
export * from './EventService';
export * from './createApiServices';
