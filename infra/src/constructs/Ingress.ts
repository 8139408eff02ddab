import { ENV } from '@autoflow/aws';
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TIMEOUT } from '../functionSettings';
import { AutoflowFunction, type FunctionDefaults } from './AutoflowFunction';
import { deadLetterQueue } from './DeadLetterQueue';
import { grantSend } from './grants';

export interface IngressProps {
  defaults: FunctionDefaults;
  platformBus: events.IEventBus;
  triggerQueue: sqs.IQueue;
  triggerDeadLetterQueue: sqs.IQueue;
}

/**
 * Platform events into the FIFO trigger queue, grouped by org. An EventBridge rule's SQS target
 * can only set a static MessageGroupId, so a thin function sets it per event (`org_id`).
 */
export class Ingress extends Construct {
  readonly function: AutoflowFunction<'ingress'>;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: IngressProps) {
    super(scope, id);
    const { config } = props.defaults;
    this.function = new AutoflowFunction(this, 'Ingress', {
      defaults: props.defaults,
      kind: 'ingress',
      name: 'ingress',
      description: 'Platform-bus events onto the FIFO trigger queue, grouped by org',
      environment: { [ENV.triggerQueueUrl]: props.triggerQueue.queueUrl, [ENV.triggerDlqUrl]: props.triggerDeadLetterQueue.queueUrl },
      timeout: TIMEOUT.ingress,
      memoryMb: config.memoryMb.ingress ?? config.memoryMb.default,
    });
    grantSend(this.function, props.triggerQueue);
    grantSend(this.function, props.triggerDeadLetterQueue);

    // Receives events EventBridge could not deliver and invocations that kept failing.
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetters');
    this.function.fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(this.deadLetterQueue) });
    this.rule = new events.Rule(this, 'Rule', {
      eventBus: props.platformBus,
      description: 'Every platform event goes to ingress',
      eventPattern: config.platformEventSources ? { source: config.platformEventSources } : { source: events.Match.prefix('') },
      targets: [new targets.LambdaFunction(this.function.fn, { deadLetterQueue: this.deadLetterQueue, maxEventAge: Duration.hours(24), retryAttempts: 185 })],
    });
  }
}
