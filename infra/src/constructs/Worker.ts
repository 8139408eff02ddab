import * as path from 'node:path';
import { ENV, FALLBACK_ACTION_TYPE, needsOf } from '@autoflow/aws';
import { type WorkerRoute, fallbackRoute, workerRoute } from '@autoflow/core';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TIMEOUT } from '../functionSettings';
import { REPO_ROOT } from '../paths';
import { AutoflowFunction, type FunctionDefaults } from './AutoflowFunction';
import { deadLetterQueue } from './DeadLetterQueue';
import { grantReadSecret, grantSend, grantSendEmail, grantTable } from './grants';

export interface WorkerResources {
  executions: dynamodb.ITable;
  control: dynamodb.ITable;
  entities: dynamodb.ITable;
  triggerQueue: sqs.IQueue;
  automationBus: events.IEventBus;
}

export interface WorkerProps {
  defaults: FunctionDefaults;
  resources: WorkerResources;
  /** the action type this worker runs, or `*` for the fallback worker */
  actionType: string;
  /** every type a worker is deployed for (the fallback takes all others) */
  knownTypes: readonly string[];
  /** a custom type's entry file, relative to the repository root; default: the built-in worker entry */
  entry?: string;
}

/**
 * One worker: a function, the rule that routes `dispatch-<type>` to it (its pattern is the
 * shared routing definition, the same the embedded stack's bus routes with), its own DLQ and
 * retry policy. It gets exactly what its action type needs (WORKER_NEEDS) and nothing more.
 */
export class Worker extends Construct {
  readonly function: AutoflowFunction<'worker'>;
  readonly route: WorkerRoute;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    const { config } = props.defaults;
    const { resources } = props;
    const type = props.actionType;
    this.route = type === FALLBACK_ACTION_TYPE ? fallbackRoute(props.knownTypes) : workerRoute(type);
    const needs = new Set(needsOf(type));

    this.function = new AutoflowFunction(this, 'Worker', {
      defaults: props.defaults,
      kind: 'worker',
      name: this.route.name,
      description: type === FALLBACK_ACTION_TYPE ? 'Fails dispatches of action types no worker is deployed for' : `Worker for ${type} actions`,
      ...(props.entry ? { entry: path.resolve(REPO_ROOT, props.entry) } : {}),
      environment: {
        [ENV.executionsTable]: resources.executions.tableName,
        [ENV.actionType]: type,
        ...(needs.has('controlTable') ? { [ENV.controlTable]: resources.control.tableName } : {}),
        ...(needs.has('entitiesTable') ? { [ENV.entitiesTable]: resources.entities.tableName } : {}),
        ...(needs.has('triggerQueue') ? { [ENV.triggerQueueUrl]: resources.triggerQueue.queueUrl } : {}),
        ...(needs.has('email')
          ? { [ENV.emailFrom]: config.email.from, ...(config.email.configurationSet ? { [ENV.sesConfigurationSet]: config.email.configurationSet } : {}) }
          : {}),
        ...(needs.has('webhookSecret')
          ? {
              [ENV.webhookSigningSecret]: config.webhooks.signingSecret,
              [ENV.allowPrivateWebhookTargets]: String(config.webhooks.allowPrivateTargets),
              ...(config.webhooks.timeoutMs ? { [ENV.webhookTimeoutMs]: String(config.webhooks.timeoutMs) } : {}),
            }
          : {}),
      },
      timeout: TIMEOUT.worker,
      memoryMb: config.memoryMb.worker ?? config.memoryMb.default,
      readsSecrets: needs.has('webhookSecret'),
    });

    // the claim and the result (conditional puts), the execution's collection (Query)
    grantTable(this.function, resources.executions, ['Query', 'PutItem']);
    if (needs.has('controlTable')) grantTable(this.function, resources.control, ['GetItem']);
    if (needs.has('entitiesTable')) grantTable(this.function, resources.entities, ['GetItem', 'PutItem', 'DeleteItem']);
    if (needs.has('triggerQueue')) grantSend(this.function, resources.triggerQueue);
    if (needs.has('email')) grantSendEmail(this.function, config.email.identity, config.email.configurationSet);
    if (needs.has('webhookSecret')) grantReadSecret(this.function, config.webhooks.signingSecret);

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetters');
    // A store error fails the invocation: Lambda retries it twice, then the DLQ takes it. The
    // claim makes every retry safe; the sweeper re-drives whatever is left behind.
    this.function.fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(1), onFailure: new SqsDestination(this.deadLetterQueue) });
    this.rule = new events.Rule(this, 'Rule', {
      eventBus: resources.automationBus,
      description: `${this.route.name}: ${JSON.stringify(this.route.pattern['detail-type'])}`.slice(0, 512),
      eventPattern: { source: this.route.pattern.source, detailType: this.route.pattern['detail-type'] },
      targets: [new targets.LambdaFunction(this.function.fn, { deadLetterQueue: this.deadLetterQueue, retryAttempts: 10, maxEventAge: Duration.hours(1) })],
    });
  }
}
