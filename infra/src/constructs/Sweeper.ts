import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { type DispatcherResources, dispatcherEnvironment, grantDispatcherAccess } from './dispatcherAccess';
import { TIMEOUT } from '../functionSettings';
import { AutoflowFunction } from './AutoflowFunction';

export type SweeperProps = DispatcherResources;

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
    this.function = new AutoflowFunction<'sweeper'>(this, 'Sweeper', {
      defaults: props.defaults,
      kind: 'sweeper',
      name: 'sweeper',
      description: 'Sweeper: re-drives executions whose lease expired',
      environment: dispatcherEnvironment(props),
      timeout: TIMEOUT.sweeper,
      memoryMb: config.memoryMb.sweeper ?? config.memoryMb.default,
    });
    // as the dispatcher, plus the sparse `active` index it reads executions from
    grantDispatcherAccess(this.function, props, ['active']);
    this.function.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the sweeper every minute',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(this.function.fn, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });
  }
}
