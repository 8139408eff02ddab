export { SqsPoller, type SqsPollerOptions, type SqsPollerCounters } from './SqsPoller';
export {
  SqsQueues,
  type SqsQueueDefinition,
  type SqsQueueRef,
  type CreatedSqsQueues,
} from './SqsQueues';
export {
  DynamoDbStreamPoller,
  BatchItemFailuresError,
  InvalidBatchResponseError,
  type DynamoDbStreamPollerOptions,
  type DynamoDbStreamPollerCounters,
} from './DynamoDbStreamPoller';
export { planShards, type ShardLineage, type ShardProgress, type ShardPlan } from './planShards';
export { readBatchItemFailures, type BatchItemFailuresReading } from './readBatchItemFailures';
export { toSqsRecord } from './toSqsRecord';
export { toDynamoDbRecord, toLambdaAttributeValue } from './toDynamoDbRecord';
export { type PollerLogger } from './PollerLogger';
