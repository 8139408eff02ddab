import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { EntityEventsEnvSchema, loadLambdaConfig } from '../config/LambdaEnv';
import { createEntityEventsHandler } from '../handlers/entityEventsHandler';
import { SqsEventIngress } from '../sqs/SqsEventIngress';
import { type EntryOptions, entryLogger, perContainer, withContext } from './lambdaRuntime';

/**
 * The built-in entity store's stream into `entity_operation` events on the trigger queue
 * (grouped by org, de-duplicated by entity version), with partial batch responses.
 */
export function createEntityEventsLambda(options: EntryOptions = {}) {
  const container = perContainer(() => {
    const config = loadLambdaConfig(EntityEventsEnvSchema, options.env ?? process.env);
    return {
      logger: entryLogger('entity-events', config.logLevel),
      handle: createEntityEventsHandler(new SqsEventIngress(new SQSClient({}), config.triggerQueueUrl, config.triggerGrouping)),
    };
  });

  return async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    const { logger, handle } = await container();
    withContext(logger, context);
    return handle(event);
  };
}

export const handler = createEntityEventsLambda();
