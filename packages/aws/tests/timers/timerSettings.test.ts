import { DispatcherEnvSchema, ENV, LambdaConfigError, ListenerEnvSchema, SweeperEnvSchema, TimersEnvSchema, loadLambdaConfig } from '@autoflow/aws';

const dispatcherEnv = {
  [ENV.stage]: 'prod',
  [ENV.executionsTable]: 'autoflow-prod-executions',
  [ENV.controlTable]: 'autoflow-prod-control',
  [ENV.automationBus]: 'autoflow-prod-automation',
};
const timerEnv = {
  [ENV.timersQueueUrl]: 'https://sqs.eu-central-1.amazonaws.com/123456789012/autoflow-prod-timers',
  [ENV.timersQueueArn]: 'arn:aws:sqs:eu-central-1:123456789012:autoflow-prod-timers',
  [ENV.timersDlqArn]: 'arn:aws:sqs:eu-central-1:123456789012:autoflow-prod-timers-dlq',
  [ENV.timersScheduleGroup]: 'autoflow-prod-timers',
  [ENV.timersSchedulerRoleArn]: 'arn:aws:iam::123456789012:role/autoflow-prod-stateful-TimerSchedulerRole-1A2B3C',
};
const settings = {
  queueUrl: timerEnv[ENV.timersQueueUrl],
  queueArn: timerEnv[ENV.timersQueueArn],
  deadLetterQueueArn: timerEnv[ENV.timersDlqArn],
  scheduleGroup: 'autoflow-prod-timers',
  schedulerRoleArn: timerEnv[ENV.timersSchedulerRoleArn],
};
const problemPaths = (load: () => unknown): string[] => {
  try {
    load();
  } catch (err) {
    if (err instanceof LambdaConfigError) return err.problems.map((p) => p.path);
    throw err;
  }
  throw new Error('expected the environment to be refused');
};

describe('timer settings in the Lambda environments', () => {
  it.each([
    ['dispatcher', DispatcherEnvSchema],
    ['sweeper', SweeperEnvSchema],
    ['timers', TimersEnvSchema],
  ] as const)('gives the %s function the timer settings', (_fn, schema) => {
    expect(loadLambdaConfig(schema, { ...dispatcherEnv, ...timerEnv }).timers).toEqual(settings);
  });

  it('gives the listener the timer settings when they are set, and none otherwise', () => {
    const listenerEnv = { [ENV.stage]: 'prod', [ENV.executionsTable]: 'e-table', [ENV.controlTable]: 'c-table', [ENV.triggerDlqUrl]: 'https://sqs.eu-central-1.amazonaws.com/123456789012/dlq.fifo' };
    expect(loadLambdaConfig(ListenerEnvSchema, { ...listenerEnv, ...timerEnv }).timers).toEqual(settings);
    expect(loadLambdaConfig(ListenerEnvSchema, listenerEnv)).not.toHaveProperty('timers');
  });

  it('lets a dispatcher start without timer settings (scheduled slots then wait for the sweeper)', () => {
    expect(loadLambdaConfig(DispatcherEnvSchema, dispatcherEnv)).not.toHaveProperty('timers');
  });

  it('refuses half of the timer settings, naming each missing variable', () => {
    const { [ENV.timersDlqArn]: _dlq, [ENV.timersSchedulerRoleArn]: _role, ...some } = timerEnv;
    expect(problemPaths(() => loadLambdaConfig(DispatcherEnvSchema, { ...dispatcherEnv, ...some }))).toEqual([ENV.timersDlqArn, ENV.timersSchedulerRoleArn]);
  });

  it('checks each value for what it names', () => {
    const wrong = {
      ...timerEnv,
      [ENV.timersQueueArn]: 'arn:aws:sns:eu-central-1:123456789012:topic',
      [ENV.timersScheduleGroup]: 'autoflow prod timers',
      [ENV.timersSchedulerRoleArn]: 'arn:aws:iam::123456789012:user/someone',
    };
    expect(problemPaths(() => loadLambdaConfig(TimersEnvSchema, { ...dispatcherEnv, ...wrong })).sort()).toEqual(
      [ENV.timersQueueArn, ENV.timersScheduleGroup, ENV.timersSchedulerRoleArn].sort(),
    );
  });
});
