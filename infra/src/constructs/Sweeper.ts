import { ENV } from '@autoflow/aws';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { TIMEOUT } from '../functionSettings';
import { AutoflowFunction, type FunctionDefaults } from './AutoflowFunction';
import { grantAdmission, grantTable } from './grants';
import { guardsVariable } from './guardsVariable';

export interface SweeperProps {
  defaults: FunctionDefaults;
  executions: dynamodb.ITable;
  control: dynamodb.ITable;
  /** the built-in entity store: a fired delay reads its entity afresh */
  entities?: dynamodb.ITable;
  automationBus: events.IEventBus;
}

/**
 * The sweeper, every minute (timers are precise to a minute). A sweep that fails is not
 * retried: the next one starts a minute later and covers the same ground.
 */
export class Sweeper extends Construct {
  readonly function: AutoflowFunction<'sweeper'>;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: SweeperProps) {
    super(scope, id);
    const { config } = props.defaults;
    this.function = new AutoflowFunction(this, 'Sweeper', {
      defaults: props.defaults,
      kind: 'sweeper',
      name: 'sweeper',
      description: 'Sweeper: re-drives executions whose lease expired',
      environment: {
        [ENV.executionsTable]: props.executions.tableName,
        [ENV.controlTable]: props.control.tableName,
        ...(props.entities ? { [ENV.entitiesTable]: props.entities.tableName } : {}),
        [ENV.automationBus]: props.automationBus.eventBusName,
        [ENV.guards]: guardsVariable(config),
      },
      timeout: TIMEOUT.sweeper,
      memoryMb: config.memoryMb.sweeper ?? config.memoryMb.default,
    });
    // the sparse `active` index, then each execution's state and collection, and its transitions
    grantTable(this.function, props.executions, ['GetItem', 'Query', 'PutItem'], ['active']);
    // a re-driven execution is admitted or released like any other
    grantAdmission(this.function, props.control);
    if (props.entities) grantTable(this.function, props.entities, ['GetItem']);
    props.automationBus.grantPutEventsTo(this.function.role);
    this.function.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the sweeper every minute',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(this.function.fn, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });
  }
}
