export * from './bulkJobDefinition';
export * from './StepFunctionsBulkJobMachine';
