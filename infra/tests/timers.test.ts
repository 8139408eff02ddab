import { ENV } from '@autoflow/aws';
import { Match } from 'aws-cdk-lib/assertions';
import type { AutoflowFunction } from '../src/constructs/AutoflowFunction';
import { TIMERS_MAX_RECEIVE_COUNT, TIMERS_QUEUE_VISIBILITY, TIMERS_TIMEOUT } from '../src/constructs/Timers';
import { logicalId, refersTo, synthesize } from './support/synthesize';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

describe('Timers (SQS delays up to 15 minutes, EventBridge Scheduler beyond)', () => {
  const { stateful, workload, statefulTemplate, workloadTemplate } = synthesize();
  const store = stateful.timers;
  const queueId = logicalId(store.queue);
  const dlqId = logicalId(store.deadLetterQueue);
  const roleId = logicalId(store.schedulerRole);

  /** Every statement a role is given in a template, with actions as a list. */
  const statementsOf = (template: typeof workloadTemplate, roleLogicalId: string) =>
    Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as unknown[]).some((r) => refersTo(r, roleLogicalId)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .map((s) => ({ ...s, Action: [s.Action].flat() }));
  const fnStatements = (f: AutoflowFunction) => statementsOf(workloadTemplate, logicalId(f.role));
  const schedulerStatements = (f: AutoflowFunction) => fnStatements(f).filter((s) => s.Action.some((a) => a.startsWith('scheduler:')));

  describe('stateful: where timers wait', () => {
    it('creates the standard timers queue, encrypted, with a DLQ after a bounded number of receives and a visibility of six function timeouts', () => {
      statefulTemplate.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: 'autoflow-test-timers',
        FifoQueue: Match.absent(),
        SqsManagedSseEnabled: true,
        VisibilityTimeout: TIMERS_QUEUE_VISIBILITY.toSeconds(),
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: TIMERS_MAX_RECEIVE_COUNT },
      });
      expect(TIMERS_QUEUE_VISIBILITY.toSeconds()).toBeGreaterThanOrEqual(6 * TIMERS_TIMEOUT.toSeconds());
      statefulTemplate.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'autoflow-test-timers-dlq', SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    });

    it('creates the schedule group, kept with the queues when the stack is deleted', () => {
      const groups = statefulTemplate.findResources('AWS::Scheduler::ScheduleGroup');
      expect(Object.values(groups)).toEqual([expect.objectContaining({ Properties: { Name: 'autoflow-test-timers' }, DeletionPolicy: 'Retain' })]);
    });

    it('lets only EventBridge Scheduler of this account assume the scheduler role', () => {
      statefulTemplate.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
      });
    });

    it('lets the scheduler role send to the timers queue and its DLQ, and nothing else', () => {
      expect(statementsOf(statefulTemplate, roleId)).toEqual([
        { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': [queueId, 'Arn'] }, { 'Fn::GetAtt': [dlqId, 'Arn'] }] },
      ]);
    });
  });

  describe('workload: the timers function', () => {
    const fn = workload.timers.function;
    const fnId = logicalId(fn.fn);

    it('reads the timers queue in batches of up to 10 with partial batch responses', () => {
      const mappings = Object.values(workloadTemplate.findResources('AWS::Lambda::EventSourceMapping')).map((r) => r.Properties);
      expect(mappings.filter((m) => refersTo(m.FunctionName, fnId))).toEqual([
        {
          FunctionName: { Ref: fnId },
          EventSourceArn: { 'Fn::ImportValue': expect.stringContaining(queueId) },
          BatchSize: 10,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        },
      ]);
    });

    it('gives the timers function the dispatcher’s tables and bus, and the timer settings', () => {
      const variables = workloadTemplate.findResources('AWS::Lambda::Function')[fnId]!.Properties.Environment.Variables as Record<string, unknown>;
      expect(variables).toMatchObject({
        [ENV.timersQueueUrl]: { 'Fn::ImportValue': expect.stringContaining(queueId) },
        [ENV.timersQueueArn]: { 'Fn::ImportValue': expect.stringContaining(queueId) },
        [ENV.timersDlqArn]: { 'Fn::ImportValue': expect.stringContaining(dlqId) },
        [ENV.timersScheduleGroup]: 'autoflow-test-timers',
        [ENV.timersSchedulerRoleArn]: { 'Fn::ImportValue': expect.stringContaining(roleId) },
      });
      expect(Object.keys(variables)).toEqual(expect.arrayContaining([ENV.executionsTable, ENV.controlTable, ENV.automationBus, ENV.guards]));
      expect(fnStatements(fn).flatMap((s) => s.Action)).toEqual(expect.arrayContaining(['events:PutEvents', 'dynamodb:PutItem', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    });

    it('gives the dispatcher, the sweeper and the listener the timer settings', () => {
      const functions = workloadTemplate.findResources('AWS::Lambda::Function');
      for (const f of [workload.dispatcher.function, workload.sweeper.function, workload.listener.function]) {
        const variables = functions[logicalId(f.fn)]!.Properties.Environment.Variables as Record<string, unknown>;
        expect([f.name, variables[ENV.timersScheduleGroup], Object.keys(variables).filter((k) => k.startsWith('AUTOFLOW_TIMERS_')).length]).toEqual([f.name, 'autoflow-test-timers', 5]);
      }
    });
  });

  describe('grants', () => {
    const arming = () => [workload.dispatcher.function, workload.sweeper.function, workload.timers.function, workload.listener.function, workload.api!.function];
    const schedules = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':schedule/autoflow-test-timers/*']],
    };

    it('lets the functions that arm or disarm timers create and delete schedules of the timers group only', () => {
      for (const f of arming()) {
        expect([f.name, schedulerStatements(f)]).toEqual([f.name, [{ Effect: 'Allow', Action: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'], Resource: schedules }]]);
      }
    });

    it('lets them pass the scheduler role, to EventBridge Scheduler only, and send to the timers queue', () => {
      for (const f of arming()) {
        const statements = fnStatements(f);
        expect([f.name, statements.filter((s) => s.Action.includes('iam:PassRole'))]).toEqual([
          f.name,
          [
            {
              Effect: 'Allow',
              Action: ['iam:PassRole'],
              Resource: { 'Fn::ImportValue': expect.stringContaining(roleId) },
              Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
            },
          ],
        ]);
        expect(statements).toContainEqual({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::ImportValue': expect.stringContaining(queueId) } });
      }
    });

    it('never grants a scheduler action on `*`, and no other function any scheduler action', () => {
      const all = workload.functions.flatMap((f) => fnStatements(f).filter((s) => s.Action.some((a) => a.startsWith('scheduler:') || a === 'iam:PassRole')).map((s) => [f.name, s] as const));
      for (const [, s] of all) expect([s.Resource].flat()).not.toContain('*');
      expect(new Set(all.map(([name]) => name))).toEqual(new Set(arming().map((f) => f.name)));
    });
  });

  it('alarms on the first message in the timers DLQ', () => {
    const alarms = Object.values(workloadTemplate.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms).toContainEqual(
      expect.objectContaining({
        AlarmName: 'autoflow-test-dlq-timers',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::ImportValue': expect.stringContaining(dlqId) } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: logicalId(workload.monitoring!.topic) }],
      }),
    );
  });
});
