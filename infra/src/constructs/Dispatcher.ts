import { DISPATCHER_STREAM_FILTER } from '@autoflow/aws';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type DispatcherResources, dispatcherEnvironment, grantDispatcherAccess } from './dispatcherAccess';
import { TIMEOUT } from '../functionSettings';
import { lambdaFilters } from '../lambdaFilters';
import { AutoflowFunction } from './AutoflowFunction';
import { deadLetterQueue } from './DeadLetterQueue';
import { acknowledgeStreamListing } from './nagSuppressions';

export type DispatcherProps = DispatcherResources;

/**
 * The dispatcher on the executions stream. The filter criteria are the shared
 * DISPATCHER_STREAM_FILTER (the embedded stack's poller applies the same pattern), so it wakes
 * only for new results and idle, unfinished states; worker claims and snapshot items cost no
 * invocation. A batch that keeps failing is bisected, then given up on to the failure queue.
 */
export class Dispatcher extends Construct {
  readonly function: AutoflowFunction<'dispatcher'>;
  readonly failureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DispatcherProps) {
    super(scope, id);
    const { config } = props.defaults;
    this.function = new AutoflowFunction(this, 'Dispatcher', {
      defaults: props.defaults,
      kind: 'dispatcher',
      name: 'dispatcher',
      description: 'Dispatcher: decides what runs next and publishes dispatch-<type>',
      environment: dispatcherEnvironment(props),
      timeout: TIMEOUT.dispatcher,
      memoryMb: config.memoryMb.dispatcher ?? config.memoryMb.default,
    });
    grantDispatcherAccess(this.function, props);

    this.failureQueue = deadLetterQueue(this, 'Failures');
    this.function.fn.addEventSource(
      new DynamoEventSource(props.executions, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: config.eventSources.dispatcherBatchSize,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: config.eventSources.dispatcherRetryAttempts,
        parallelizationFactor: config.eventSources.dispatcherParallelization,
        onFailure: new SqsDlq(this.failureQueue),
        filters: lambdaFilters(DISPATCHER_STREAM_FILTER as unknown as Record<string, unknown>),
      }),
    );
    acknowledgeStreamListing(this.function);
  }
}
