import { ENV } from '@autoflow/aws';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TIMEOUT } from '../functionSettings';
import { AutoflowFunction, type FunctionDefaults } from './AutoflowFunction';
import { grantSend, grantTable } from './grants';
import { guardsVariable } from './guardsVariable';

export interface ListenerProps {
  defaults: FunctionDefaults;
  triggerQueue: sqs.IQueue;
  triggerDeadLetterQueue: sqs.IQueue;
  executions: dynamodb.ITable;
  control: dynamodb.ITable;
}

/**
 * The listener on the FIFO trigger queue: batches of up to 10, partial batch responses (a
 * failing record fails the rest of its org's group only, invalid events go to the DLQ at once).
 */
export class Listener extends Construct {
  readonly function: AutoflowFunction<'listener'>;

  constructor(scope: Construct, id: string, props: ListenerProps) {
    super(scope, id);
    const { config } = props.defaults;
    this.function = new AutoflowFunction(this, 'Listener', {
      defaults: props.defaults,
      kind: 'listener',
      name: 'listener',
      description: 'Trigger listener: matches events to flows and creates executions',
      environment: {
        [ENV.executionsTable]: props.executions.tableName,
        [ENV.controlTable]: props.control.tableName,
        [ENV.triggerDlqUrl]: props.triggerDeadLetterQueue.queueUrl,
        [ENV.guards]: guardsVariable(config),
      },
      timeout: TIMEOUT.listener,
      memoryMb: config.memoryMb.listener ?? config.memoryMb.default,
    });
    // creation: existence check, then conditional puts of the snapshot and state items; exit_on
    // and wait steps: an entity's executions (byEntity keys, then their states), a cancel, a wait's result
    grantTable(this.function, props.executions, ['GetItem', 'PutItem', 'BatchGetItem'], ['byEntity']);
    // flows, trigger index, hot-flow counters, runs and system disables; the wait look-back (PutItem)
    grantTable(this.function, props.control, ['GetItem', 'Query', 'BatchGetItem', 'UpdateItem', 'PutItem']);
    grantSend(this.function, props.triggerDeadLetterQueue);
    this.function.fn.addEventSource(
      new SqsEventSource(props.triggerQueue, {
        batchSize: config.eventSources.listenerBatchSize,
        reportBatchItemFailures: true,
        ...(config.eventSources.listenerMaxConcurrency ? { maxConcurrency: config.eventSources.listenerMaxConcurrency } : {}),
      }),
    );
  }
}
