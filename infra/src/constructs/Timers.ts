import { ENV } from '@autoflow/aws';
import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type DispatcherResources, dispatcherEnvironment, grantDispatcherAccess } from './dispatcherAccess';
import { AutoflowFunction } from './AutoflowFunction';
import { acknowledgeNag, acknowledgeWildcardResource } from './nagSuppressions';

/** The timers function's timeout: it runs the dispatcher for up to 10 timers, as the dispatcher function does for a batch. */
export const TIMERS_TIMEOUT = Duration.seconds(60);
/** AWS recommends a visibility timeout of six times the function timeout for SQS event sources. */
export const TIMERS_QUEUE_VISIBILITY = Duration.seconds(TIMERS_TIMEOUT.toSeconds() * 6);
/** After this many receives a timer message goes to the timers DLQ (a body that is not a timer, or a timer that keeps failing). */
export const TIMERS_MAX_RECEIVE_COUNT = 5;
export const TIMERS_BATCH_SIZE = 10;

/** The timer variables a function gets (packages/aws/src/config/LambdaEnv.ts). */
export type TimerEnvironment = Record<
  typeof ENV.timersQueueUrl | typeof ENV.timersQueueArn | typeof ENV.timersDlqArn | typeof ENV.timersScheduleGroup | typeof ENV.timersSchedulerRoleArn,
  string
>;

export interface TimerStoreProps {
  /** `autoflow-<stage>` */
  prefix: string;
  removalPolicy: RemovalPolicy;
}

/**
 * Where timers wait (docs/decisions/0008-timers.md), in the stateful stack because armed timers are
 * data: the standard timers queue (a timer due within 15 minutes waits on it as a delayed message)
 * with its DLQ, and the EventBridge Scheduler group that holds a one-time schedule per later timer,
 * with the role the Scheduler assumes to put a due timer on the queue. Deleting the group would
 * delete every armed schedule and a new role would leave the schedules with a role that is gone, so
 * both live and are retained with the queues, not with the code.
 */
export class TimerStore extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** the group's name as a plain string: grants and schedules name it */
  readonly scheduleGroupName: string;
  /** assumed by EventBridge Scheduler only; may send to the timers queue and its DLQ, nothing else */
  readonly schedulerRole: iam.Role;

  constructor(scope: Construct, id: string, props: TimerStoreProps) {
    super(scope, id);
    const common = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, removalPolicy: props.removalPolicy } as const;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', { ...common, queueName: `${props.prefix}-timers-dlq`, retentionPeriod: Duration.days(14) });
    acknowledgeNag(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue of the timers queue and of the timer schedules; an alarm fires on its first message.',
    );
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      queueName: `${props.prefix}-timers`,
      visibilityTimeout: TIMERS_QUEUE_VISIBILITY,
      // the longest SQS allows: a timer outlives an outage of the timers function
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: TIMERS_MAX_RECEIVE_COUNT },
    });

    this.scheduleGroupName = `${props.prefix}-timers`;
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', { scheduleGroupName: this.scheduleGroupName, removalPolicy: props.removalPolicy });

    const stack = Stack.of(this);
    this.schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: `autoflow timers: EventBridge Scheduler puts due timers of ${this.scheduleGroupName} on the timers queue`,
      // only schedules of this account may use it (the confused-deputy guard the Scheduler documents)
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': stack.account } }),
    });
    // the schedule's target, and its dead-letter queue (the Scheduler sends there with the same role)
    this.schedulerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn, this.deadLetterQueue.queueArn] }));
  }

  /** The variables of `TimerSettings`, for a function that arms or disarms timers. */
  get environment(): TimerEnvironment {
    return {
      [ENV.timersQueueUrl]: this.queue.queueUrl,
      [ENV.timersQueueArn]: this.queue.queueArn,
      [ENV.timersDlqArn]: this.deadLetterQueue.queueArn,
      [ENV.timersScheduleGroup]: this.scheduleGroupName,
      [ENV.timersSchedulerRoleArn]: this.schedulerRole.roleArn,
    };
  }

  /**
   * Lets a function arm and disarm timers (SchedulerTimerService): send to the timers queue,
   * create and delete schedules of this group only, and pass the scheduler role to the Scheduler
   * only. Schedules are named per timer, so their ARNs can only be given as the group's `/*`.
   */
  grantArm(fn: AutoflowFunction): void {
    const schedules = Stack.of(fn).formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${this.scheduleGroupName}/*` });
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queue.queueArn] }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'], resources: [schedules] }));
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    acknowledgeWildcardResource(
      fn.role,
      schedules,
      `Timer schedules are created and deleted by name, one per timer, so the only resource they can be granted on is the schedules of the ${this.scheduleGroupName} group.`,
    );
  }

  /** `grantArm`, and the timer variables on a function whose environment schema reads them. */
  connect(fn: AutoflowFunction): void {
    this.grantArm(fn);
    for (const [name, value] of Object.entries(this.environment)) fn.fn.addEnvironment(name, value);
  }
}

export interface TimersProps extends DispatcherResources {
  store: TimerStore;
}

/**
 * The timers function on the timers queue: batches of up to 10 with partial batch responses; each
 * due timer goes to `Dispatcher.onTimer`, one that came early is armed again. It runs the
 * dispatcher, so it gets the dispatcher's tables, admission, bus and settings.
 */
export class Timers extends Construct {
  readonly function: AutoflowFunction<'timers'>;

  constructor(scope: Construct, id: string, props: TimersProps) {
    super(scope, id);
    const { config } = props.defaults;
    this.function = new AutoflowFunction<'timers'>(this, 'Timers', {
      defaults: props.defaults,
      kind: 'timers',
      name: 'timers',
      description: 'Timers: hands due timers (retries, delays, wait timeouts, send windows) to the dispatcher',
      environment: { ...dispatcherEnvironment(props), ...props.store.environment },
      timeout: TIMERS_TIMEOUT,
      // it runs the dispatcher, with its memory
      memoryMb: config.memoryMb.dispatcher ?? config.memoryMb.default,
    });
    grantDispatcherAccess(this.function, props);
    props.store.grantArm(this.function);
    this.function.fn.addEventSource(new SqsEventSource(props.store.queue, { batchSize: TIMERS_BATCH_SIZE, reportBatchItemFailures: true }));
  }
}
