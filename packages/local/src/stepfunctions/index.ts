export * from './LocalStateMachine';
export * from './LocalBulkJobMachine';
