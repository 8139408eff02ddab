export * from './errors';
export * from './pattern';
export * from './schemas';
export * from './triggers';
export * from './conditions';
export * from './mapping';
export * from './templates';
export * from './retry';
export * from './execution';
export * from './entities';
export * from './routing';
// The normalised policy the engine runs with; the flow document's input shape is `RetryPolicySchema`.
export type { RetryPolicy } from './retry';
export * from './guards';
export * from './bulk';
export * from './schedules';
