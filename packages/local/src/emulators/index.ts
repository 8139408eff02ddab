export { freePort } from './freePort';
export { localAwsClientConfig, type LocalAwsClientConfig } from './localAwsClientConfig';
export { startDynamoDbLocal, type DynamoDbLocal, type StartDynamoDbLocalOptions } from './startDynamoDbLocal';
export { startFauxqs, type Fauxqs, type StartFauxqsOptions } from './startFauxqs';
export { startSesSink, type SesSink, type StartSesSinkOptions, type StoredMail } from './startSesSink';
export { EmulatorStartError, EmulatorStopError } from './errors';
