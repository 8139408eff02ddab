import { type DeploymentConfig, TABLES, type TableDefinition, tableNamesFor } from '@autoflow/aws';
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AutoflowTable } from '../constructs/AutoflowTable';
import { TimerStore } from '../constructs/Timers';
import { TriggerQueues } from '../constructs/TriggerQueues';

export interface StatefulStackProps extends StackProps {
  config: DeploymentConfig;
}

/**
 * What holds data and outlives deployments of the code: the three tables, the two buses, the
 * FIFO trigger queue and its DLQ, and where timers wait (the timers queue and its DLQ, the
 * Scheduler group and its role). Deleting the workload stack leaves all of it in place.
 */
export class StatefulStack extends Stack {
  readonly tables: Record<TableDefinition['id'], dynamodb.Table>;
  readonly platformBus: events.EventBus;
  readonly automationBus: events.EventBus;
  readonly triggerQueue: sqs.Queue;
  readonly triggerDeadLetterQueue: sqs.Queue;
  readonly timers: TimerStore;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const prefix = `autoflow-${props.config.stage}`;
    const removalPolicy = props.config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const names = tableNamesFor(prefix);

    const tables = {} as Record<TableDefinition['id'], dynamodb.Table>;
    for (const definition of TABLES) {
      tables[definition.id] = new AutoflowTable(this, `${capitalise(definition.id)}Table`, { definition, tableName: names[definition.id], removalPolicy }).table;
    }
    this.tables = tables;

    // Platforms put their events here; the ingress rule takes every event on it.
    this.platformBus = new events.EventBus(this, 'PlatformBus', { eventBusName: `${prefix}-platform` });
    // Only the dispatcher and the sweeper put `dispatch-<type>` events here; one rule per worker.
    this.automationBus = new events.EventBus(this, 'AutomationBus', { eventBusName: `${prefix}-automation` });

    const queues = new TriggerQueues(this, 'TriggerQueues', { prefix, removalPolicy });
    this.triggerQueue = queues.queue;
    this.triggerDeadLetterQueue = queues.deadLetterQueue;
    this.timers = new TimerStore(this, 'Timers', { prefix, removalPolicy });

    new CfnOutput(this, 'PlatformBusName', { value: this.platformBus.eventBusName, description: 'Put platform events here' });
    new CfnOutput(this, 'PlatformBusArn', { value: this.platformBus.eventBusArn });
    new CfnOutput(this, 'TriggerDeadLetterQueueUrl', { value: this.triggerDeadLetterQueue.queueUrl, description: 'Events that could not be processed, with a reason attribute' });
    new CfnOutput(this, 'TimersDeadLetterQueueUrl', { value: this.timers.deadLetterQueue.queueUrl, description: 'Timer messages that were not timers, kept failing, or that the Scheduler could not deliver' });
    for (const [name, table] of Object.entries(tables)) new CfnOutput(this, `${capitalise(name)}TableName`, { value: table.tableName });
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
