export * from './tables';
export * from './dynamodb';
export * from './eventbridge';
export * from './sqs';
export * from './ses';
export * from './handlers';
export * from './logging';
export * from './config';
export { createWorkerLambda, type WorkerEntryOptions } from './lambda/worker';
