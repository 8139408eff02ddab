export * from './createApp';
export * from './serveApi';
export * from './limits';
export * from './auth';
export { ErrorBodySchema, type ErrorBody } from './http/ErrorBody';
export type { ApiEnv } from './http/ApiEnv';
