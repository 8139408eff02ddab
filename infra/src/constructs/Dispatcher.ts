import { DISPATCHER_STREAM_FILTER, ENV } from '@autoflow/aws';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TIMEOUT } from '../functionSettings';
import { lambdaFilters } from '../lambdaFilters';
import { AutoflowFunction, type FunctionDefaults } from './AutoflowFunction';
import { deadLetterQueue } from './DeadLetterQueue';
import { grantAdmission, grantTable } from './grants';
import { guardsVariable } from './guardsVariable';
import { acknowledgeStreamListing } from './nagSuppressions';

export interface DispatcherProps {
  defaults: FunctionDefaults;
  executions: dynamodb.ITable;
  control: dynamodb.ITable;
  /** the built-in entity store: a fired delay reads its entity afresh */
  entities?: dynamodb.ITable;
  automationBus: events.IEventBus;
}

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
      environment: {
        [ENV.executionsTable]: props.executions.tableName,
        [ENV.controlTable]: props.control.tableName,
        ...(props.entities ? { [ENV.entitiesTable]: props.entities.tableName } : {}),
        [ENV.automationBus]: props.automationBus.eventBusName,
        [ENV.guards]: guardsVariable(config),
      },
      timeout: TIMEOUT.dispatcher,
      memoryMb: config.memoryMb.dispatcher ?? config.memoryMb.default,
    });
    // load the collection (Query), read a waiter's state (GetItem), write a transition conditionally (PutItem)
    grantTable(this.function, props.executions, ['GetItem', 'Query', 'PutItem']);
    grantAdmission(this.function, props.control);
    if (props.entities) grantTable(this.function, props.entities, ['GetItem']);
    props.automationBus.grantPutEventsTo(this.function.role);

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
