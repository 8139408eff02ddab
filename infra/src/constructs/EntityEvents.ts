import { ENV } from '@autoflow/aws';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TIMEOUT } from '../functionSettings';
import { AutoflowFunction, type FunctionDefaults } from './AutoflowFunction';
import { deadLetterQueue } from './DeadLetterQueue';
import { grantSend } from './grants';
import { acknowledgeStreamListing } from './nagSuppressions';

export interface EntityEventsProps {
  defaults: FunctionDefaults;
  entities: dynamodb.ITable;
  triggerQueue: sqs.IQueue;
}

/** The built-in entity store's stream into `entity_operation` events on the trigger queue. */
export class EntityEvents extends Construct {
  readonly function: AutoflowFunction<'entityEvents'>;
  readonly failureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: EntityEventsProps) {
    super(scope, id);
    const { config } = props.defaults;
    this.function = new AutoflowFunction(this, 'EntityEvents', {
      defaults: props.defaults,
      kind: 'entityEvents',
      name: 'entity-events',
      description: 'Entity store stream into entity_operation events',
      environment: { [ENV.triggerQueueUrl]: props.triggerQueue.queueUrl },
      timeout: TIMEOUT.entityEvents,
      memoryMb: config.memoryMb.entityEvents ?? config.memoryMb.default,
    });
    grantSend(this.function, props.triggerQueue);
    this.failureQueue = deadLetterQueue(this, 'Failures');
    this.function.fn.addEventSource(
      new DynamoEventSource(props.entities, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        onFailure: new SqsDlq(this.failureQueue),
      }),
    );
    acknowledgeStreamListing(this.function);
  }
}
