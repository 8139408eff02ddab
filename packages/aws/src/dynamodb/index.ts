export * from './CapacityMeter';
export * from './documentClient';
export * from './DynamoExecutionStore';
export * from './DynamoFlowStore';
export * from './DynamoEntityStore';
export * from './DynamoConfigStore';
export * from './DynamoGuardStore';
export * from './DynamoAdmissionStore';
