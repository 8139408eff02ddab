import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApiEnvSchema } from '@autoflow/api/src/lambda';
import { DISPATCHER_STREAM_FILTER, ENV, LAMBDA_ENV_SCHEMAS, METRIC, METRICS_NAMESPACE, loadLambdaConfig } from '@autoflow/aws';
import { BUILT_IN_ACTION_TYPES, fallbackRoute, matchesPattern, workerRoutes } from '@autoflow/core';
import { Match } from 'aws-cdk-lib/assertions';
import type { AutoflowFunction, FunctionKind } from '../src/constructs/AutoflowFunction';
import { logicalId, refersTo, sampleVariable, synthesize } from './support/synthesize';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

/** The schema each kind of entry reads its environment with (the API's is in packages/api). */
const ENV_SCHEMAS: Record<FunctionKind, Parameters<typeof loadLambdaConfig>[0]> = { ...LAMBDA_ENV_SCHEMAS, api: ApiEnvSchema };

describe('WorkloadStack', () => {
  const { workload, stateful, assembly, workloadTemplate: template } = synthesize();
  const functions = template.findResources('AWS::Lambda::Function');
  const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map((r) => r.Properties);
  const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r) => r.Properties);
  const fnId = (f: AutoflowFunction) => logicalId(f.fn);
  const mappingOf = (f: AutoflowFunction) => mappings.filter((m) => refersTo(m.FunctionName, fnId(f)));

  /** Every statement the function's role is given, with actions as a list. */
  function statementsOf(f: AutoflowFunction): Array<Statement & { Action: string[] }> {
    const roleId = logicalId(f.role);
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as unknown[]).some((r) => refersTo(r, roleId)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .map((s) => ({ ...s, Action: [s.Action].flat() }));
  }
  /** DynamoDB actions a function may call on one table, sorted. */
  const tableActions = (f: AutoflowFunction, table: keyof typeof stateful.tables) =>
    statementsOf(f)
      .filter((s) => [s.Resource].flat().some((r) => refersTo(r, logicalId(stateful.tables[table])) && !JSON.stringify(r).includes('/index/') && !JSON.stringify(r).includes('Stream')))
      .flatMap((s) => s.Action)
      .sort();

  describe('functions', () => {
    it('runs every function on Node.js 22, arm64, with its own log group and the configured retention', () => {
      expect(Object.keys(functions)).toHaveLength(workload.functions.length);
      for (const f of workload.functions) {
        template.hasResourceProperties('AWS::Lambda::Function', {
          FunctionName: Match.absent(),
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          Role: { 'Fn::GetAtt': [logicalId(f.role), 'Arn'] },
          LoggingConfig: { LogGroup: { Ref: logicalId(f.logGroup) } },
          Environment: { Variables: Match.objectLike({ [ENV.stage]: 'test', POWERTOOLS_SERVICE_NAME: `autoflow-${f.name}` }) },
        });
      }
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    });

    it('gives each function an environment its entry accepts (the schema of its kind)', () => {
      for (const f of workload.functions) {
        const variables = functions[fnId(f)]!.Properties.Environment.Variables as Record<string, unknown>;
        const env = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, sampleVariable(k, v)]));
        expect(() => loadLambdaConfig(ENV_SCHEMAS[f.kind], env)).not.toThrow();
      }
    });

    it('passes the hot-flow limits and the org cap from the settings to the listener, the dispatcher and the sweeper', () => {
      for (const f of [workload.listener.function, workload.dispatcher.function, workload.sweeper.function]) {
        const variables = functions[fnId(f)]!.Properties.Environment.Variables;
        expect([f.name, JSON.parse(variables[ENV.guards])]).toEqual([f.name, { general: { count: 200, windowMs: 30_000 }, orgConcurrency: 50 }]);
      }
    });
  });

  describe('event sources', () => {
    it('feeds the listener from the FIFO trigger queue in batches of 10 with partial batch responses', () => {
      expect(mappingOf(workload.listener.function)).toEqual([
        {
          FunctionName: { Ref: fnId(workload.listener.function) },
          EventSourceArn: { 'Fn::ImportValue': expect.stringContaining(logicalId(stateful.triggerQueue)) },
          BatchSize: 10,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        },
      ]);
    });

    it('feeds the dispatcher from the executions stream, filtered, bisected, with partial responses and a failure queue', () => {
      const [mapping, ...others] = mappingOf(workload.dispatcher.function);
      expect(others).toEqual([]);
      expect(mapping).toMatchObject({
        EventSourceArn: { 'Fn::ImportValue': expect.stringContaining(logicalId(stateful.tables.executions)) },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: 10,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(workload.dispatcher.failureQueue), 'Arn'] } } },
      });
      // Lambda ORs its filters: one filter per branch of the shared filter's $or.
      const patterns = (mapping.FilterCriteria.Filters as Array<{ Pattern: string }>).map((f) => JSON.parse(f.Pattern));
      expect(patterns).toEqual(JSON.parse(JSON.stringify(DISPATCHER_STREAM_FILTER.$or)));
    });

    it('lets through exactly the stream records the shared filter does', () => {
      const patterns = (mappingOf(workload.dispatcher.function)[0].FilterCriteria.Filters as Array<{ Pattern: string }>).map((f) => JSON.parse(f.Pattern));
      const record = (eventName: string, sk: string, image: Record<string, unknown>) => ({ eventName, dynamodb: { Keys: { sk: { S: sk } }, NewImage: image } });
      const records = [
        record('INSERT', 'STATE', { busy: { BOOL: false }, status: { S: 'starting' } }),
        record('MODIFY', 'STATE', { busy: { BOOL: true }, status: { S: 'in_progress' } }),
        record('MODIFY', 'STATE', { busy: { BOOL: false }, status: { S: 'success' } }),
        record('MODIFY', 'STATE', { busy: { BOOL: false }, status: { S: 'in_progress' } }),
        record('INSERT', 'RESULT#0000#0001', {}),
        record('MODIFY', 'RESULT#0000#0001', {}),
        record('INSERT', 'FLOW', {}),
        record('REMOVE', 'STATE', {}),
      ];
      for (const r of records) {
        expect([r.eventName, r.dynamodb.Keys.sk.S, patterns.some((p) => matchesPattern(p, r))]).toEqual([r.eventName, r.dynamodb.Keys.sk.S, matchesPattern(DISPATCHER_STREAM_FILTER as never, r)]);
      }
    });

    it('feeds entity events from the entity stream with partial responses, bisect and a failure queue', () => {
      expect(mappingOf(workload.entityEvents.function)).toEqual([
        expect.objectContaining({
          EventSourceArn: { 'Fn::ImportValue': expect.stringContaining(logicalId(stateful.tables.entities)) },
          StartingPosition: 'TRIM_HORIZON',
          BisectBatchOnFunctionError: true,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(workload.entityEvents.failureQueue), 'Arn'] } } },
        }),
      ]);
    });
  });

  describe('routing', () => {
    it('routes every platform event to ingress, which sets the message group per org (no rule targets the FIFO queue)', () => {
      const platform = rules.filter((r) => refersTo(r.EventBusName, logicalId(stateful.platformBus)));
      expect(platform).toEqual([
        expect.objectContaining({
          EventPattern: { source: [{ prefix: '' }] },
          Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [fnId(workload.ingress.function), 'Arn'] }, DeadLetterConfig: expect.anything() })],
        }),
      ]);
      const queueTargets = rules.flatMap((r) => r.Targets as Array<{ Arn: unknown; SqsParameters?: unknown }>).filter((t) => refersTo(t.Arn, logicalId(stateful.triggerQueue)));
      expect(queueTargets).toEqual([]);
      expect(functions[fnId(workload.ingress.function)]!.Properties.Environment.Variables[ENV.triggerQueueUrl]).toEqual({
        'Fn::ImportValue': expect.stringContaining(logicalId(stateful.triggerQueue)),
      });
    });

    it.each([...workerRoutes(['crm-sync']), fallbackRoute([...BUILT_IN_ACTION_TYPES, 'crm-sync'])].map((r) => [r.name, r] as const))(
      'routes %s with the shared routing definition, to its own function, DLQ and retry policy',
      (_name, route) => {
        const worker = workload.workers.get(route.actionType)!;
        const rule = rules.find((r) => refersTo(r.Targets, fnId(worker.function)));
        expect(rule).toMatchObject({ EventBusName: { 'Fn::ImportValue': expect.stringContaining(logicalId(stateful.automationBus)) } });
        expect(rule!.EventPattern).toEqual(route.pattern);
        expect(rule!.Targets).toEqual([
          expect.objectContaining({
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(worker.deadLetterQueue), 'Arn'] } },
            RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
          }),
        ]);
        expect(functions[fnId(worker.function)]!.Properties.Environment.Variables[ENV.actionType]).toBe(route.actionType);
        template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: fnId(worker.function) },
          MaximumRetryAttempts: 2,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(worker.deadLetterQueue), 'Arn'] } } },
        });
      },
    );

    it('deploys the custom worker from its own entry and the fallback for every other type', () => {
      expect([...workload.workers.keys()]).toEqual([...BUILT_IN_ACTION_TYPES, 'crm-sync', '*']);
    });

    it('runs the sweeper every minute', () => {
      expect(rules.filter((r) => r.ScheduleExpression)).toEqual([
        expect.objectContaining({ ScheduleExpression: 'rate(1 minute)', Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [fnId(workload.sweeper.function), 'Arn'] } })] }),
      ]);
    });
  });

  describe('least privilege', () => {
    it('never grants a wildcard action, and a wildcard resource only where the action has no resource-level permissions', () => {
      for (const f of workload.functions) {
        for (const s of statementsOf(f)) {
          expect(s.Action.filter((a) => a.includes('*'))).toEqual([]);
          if ([s.Resource].flat().includes('*')) expect(s.Action).toEqual(['dynamodb:ListStreams']);
        }
      }
    });

    it('gives each function exactly the DynamoDB actions it calls, table by table', () => {
      const w = (type: string) => workload.workers.get(type)!.function;
      // org slots, entity locks and their waiters (DynamoAdmissionStore)
      const admission = ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];
      const expected: Array<[AutoflowFunction, Record<'executions' | 'control' | 'entities', string[]>]> = [
        [workload.ingress.function, { executions: [], control: [], entities: [] }],
        // exit_on and wait steps: an entity's executions (BatchGetItem of their states), the look-back (control PutItem)
        [
          workload.listener.function,
          { executions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem'], control: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], entities: [] },
        ],
        // a fired delay reads its entity afresh (entities GetItem)
        [workload.dispatcher.function, { executions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], control: admission, entities: ['dynamodb:GetItem'] }],
        [workload.entityEvents.function, { executions: [], control: [], entities: [] }],
        [workload.sweeper.function, { executions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], control: admission, entities: ['dynamodb:GetItem'] }],
        // it runs the dispatcher for due timers
        [workload.timers.function, { executions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], control: admission, entities: ['dynamodb:GetItem'] }],
        [w('trigger-webhook'), { executions: ['dynamodb:PutItem', 'dynamodb:Query'], control: ['dynamodb:GetItem'], entities: [] }],
        [w('map-entity'), { executions: ['dynamodb:PutItem', 'dynamodb:Query'], control: [], entities: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'] }],
        [w('send-email'), { executions: ['dynamodb:PutItem', 'dynamodb:Query'], control: ['dynamodb:GetItem'], entities: [] }],
        [w('trigger-event'), { executions: ['dynamodb:PutItem', 'dynamodb:Query'], control: [], entities: [] }],
        [w('cancel-flow-execution'), { executions: ['dynamodb:PutItem', 'dynamodb:Query'], control: [], entities: [] }],
        [w('crm-sync'), { executions: ['dynamodb:PutItem', 'dynamodb:Query'], control: [], entities: [] }],
        [w('*'), { executions: ['dynamodb:PutItem', 'dynamodb:Query'], control: [], entities: [] }],
        // the job, its rows, the flow and its rate counter; snapshots, then per chunk a transaction
        // of a ConditionCheck on the job and Puts of rows and states; entities read, never written
        [
          workload.bulkJobs.function,
          {
            executions: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:PutItem'],
            control: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
            entities: ['dynamodb:BatchGetItem'],
          },
        ],
        // flows read and written; execution states written for cancel, retrigger, retry and resume;
        // entities; bulk jobs created and moved (UpdateItem) and their entities previewed (BatchGetItem)
        [
          workload.api!.function,
          {
            executions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
            control: ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
            entities: ['dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
          },
        ],
      ];
      expect(expected.map(([f]) => f.name).sort()).toEqual(workload.functions.map((f) => f.name).sort());
      for (const [f, tables] of expected) {
        expect([f.name, { executions: tableActions(f, 'executions'), control: tableActions(f, 'control'), entities: tableActions(f, 'entities') }]).toEqual([f.name, tables]);
      }
    });

    it('lets the sweeper query only the sparse active index, the API the executions byEntity and byOrg indexes, the listener byEntity and the bulk runner the entity indexes', () => {
      const indexStatements = statementsOf(workload.sweeper.function).filter((s) => JSON.stringify(s.Resource).includes('/index/'));
      expect(indexStatements).toEqual([expect.objectContaining({ Action: ['dynamodb:Query'], Resource: { 'Fn::Join': ['', [expect.anything(), '/index/active']] } })]);
      const index = (table: keyof typeof stateful.tables, name: string) => ({
        'Fn::Join': ['', [expect.objectContaining({ 'Fn::ImportValue': expect.stringContaining(logicalId(stateful.tables[table])) }), `/index/${name}`]],
      });
      // a bulk job pages through the entities of a schema (bySchema) or of the org (byOrg)
      const entityIndexes = expect.objectContaining({ Action: ['dynamodb:Query'], Resource: expect.arrayContaining([index('entities', 'bySchema'), index('entities', 'byOrg')]) });
      const apiIndexStatements = statementsOf(workload.api!.function).filter((s) => JSON.stringify(s.Resource).includes('/index/'));
      expect(apiIndexStatements).toEqual([
        expect.objectContaining({ Action: ['dynamodb:Query'], Resource: [index('executions', 'byEntity'), index('executions', 'byOrg')] }),
        entityIndexes,
      ]);
      const bulkIndexStatements = statementsOf(workload.bulkJobs.function).filter((s) => JSON.stringify(s.Resource).includes('/index/'));
      expect(bulkIndexStatements).toEqual([entityIndexes]);
      expect(bulkIndexStatements[0]!.Resource).toHaveLength(2);
      // exit_on and wait steps find an entity's executions
      expect(statementsOf(workload.listener.function).filter((s) => JSON.stringify(s.Resource).includes('/index/'))).toEqual([
        expect.objectContaining({ Action: ['dynamodb:Query'], Resource: index('executions', 'byEntity') }),
      ]);
      const withIndexes: AutoflowFunction[] = [workload.sweeper.function, workload.api!.function, workload.bulkJobs.function, workload.listener.function];
      for (const f of workload.functions.filter((x) => !withIndexes.includes(x))) {
        expect(statementsOf(f).filter((s) => JSON.stringify(s.Resource).includes('/index/'))).toEqual([]);
      }
    });

    it('grants queue, bus, mail and secret access only to the functions that use them', () => {
      const actionsOf = (f: AutoflowFunction) => [...new Set(statementsOf(f).flatMap((s) => s.Action).filter((a) => !a.startsWith('dynamodb:') && !a.startsWith('logs:')))].sort();
      const w = (type: string) => workload.workers.get(type)!.function;
      expect(actionsOf(workload.ingress.function)).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
      // arming and disarming timers: the timers queue, the group's schedules, passing the scheduler role (timers.test.ts)
      const timers = ['iam:PassRole', 'scheduler:CreateSchedule', 'scheduler:DeleteSchedule'];
      expect(actionsOf(workload.dispatcher.function)).toEqual(['events:PutEvents', ...timers, 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
      expect(actionsOf(workload.sweeper.function)).toEqual(['events:PutEvents', ...timers, 'sqs:SendMessage']);
      expect(actionsOf(w('send-email'))).toEqual(['ses:SendEmail', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
      expect(actionsOf(w('trigger-webhook'))).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage', 'ssm:GetParameter']);
      expect(actionsOf(w('map-entity'))).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
      // bulk jobs: the API starts them and answers their approval step; the runner only answers it
      expect(actionsOf(workload.api!.function)).toEqual([...timers, 'sqs:SendMessage', 'states:SendTaskFailure', 'states:SendTaskSuccess', 'states:StartExecution']);
      expect(actionsOf(workload.bulkJobs.function)).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess']);
      for (const f of workload.functions.filter((x) => x !== workload.api!.function && x !== workload.bulkJobs.function)) {
        expect(actionsOf(f).filter((a) => a.startsWith('states:'))).toEqual([]);
      }
      const sesStatement = statementsOf(w('send-email')).find((s) => s.Action.includes('ses:SendEmail'))!;
      expect(JSON.stringify(sesStatement.Resource)).toContain(':identity/mail.example.com');
      expect(JSON.stringify(sesStatement.Resource)).toContain(':configuration-set/autoflow-events');
      const ssm = statementsOf(w('trigger-webhook')).find((s) => s.Action.includes('ssm:GetParameter'))!;
      expect(JSON.stringify(ssm.Resource)).toContain(':parameter/autoflow/test/webhook-signing-secret');
      // only the webhook worker carries the Parameters and Secrets extension
      const withLayers = Object.entries(functions).filter(([, r]) => r.Properties.Layers).map(([id]) => id);
      expect(withLayers).toEqual([fnId(w('trigger-webhook'))]);
    });
  });

  describe('alarms and dashboard', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);

    it('alarms on the first message in every dead-letter queue', () => {
      const queues = [
        stateful.triggerDeadLetterQueue,
        stateful.timers.deadLetterQueue,
        workload.ingress.deadLetterQueue,
        workload.dispatcher.failureQueue,
        workload.entityEvents.failureQueue,
        ...[...workload.workers.values()].map((w) => w.deadLetterQueue),
      ];
      for (const queue of queues) {
        const alarm = alarms.find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && refersTo(a.Dimensions, logicalId(queue)));
        expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [{ Ref: logicalId(workload.monitoring!.topic) }] });
      }
    });

    it('alarms on the dispatcher falling behind its stream, and on error rates and throttles of every function', () => {
      expect(alarms).toContainEqual(
        expect.objectContaining({ MetricName: 'IteratorAge', Threshold: 60_000, Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId(workload.dispatcher.function) } }] }),
      );
      for (const f of workload.functions) {
        expect(alarms).toContainEqual(expect.objectContaining({ AlarmName: `autoflow-test-${f.name}-error-rate`, Threshold: 5 }));
        expect(alarms).toContainEqual(
          expect.objectContaining({ MetricName: 'Throttles', Threshold: 0, Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId(f) } }] }),
        );
      }
    });

    it('alarms when a flow is disabled by runaway protection (a custom metric the listener emits)', () => {
      expect(alarms).toContainEqual(
        expect.objectContaining({ Namespace: METRICS_NAMESPACE, MetricName: METRIC.flowsAutoDisabled, Dimensions: [{ Name: 'stage', Value: 'test' }], Threshold: 0 }),
      );
    });

    it('notifies the alarm address and draws the pipeline dashboard', () => {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
      template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'autoflow-test-pipeline' });
    });
  });

  describe('cdk-nag (AwsSolutions)', () => {
    it('synthesizes with zero unacknowledged findings', () => {
      const report = JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
      expect(report.pluginReports.filter((r: { conclusion: string }) => r.conclusion !== 'success')).toEqual([]);
    });

    it('gives every acknowledgment a written reason', () => {
      const acknowledgments = [workload, stateful].flatMap((stack) =>
        stack.node
          .findAll()
          .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
          .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ id, reason }))),
      );
      expect(acknowledgments.length).toBeGreaterThan(0);
      for (const a of acknowledgments) expect(a.reason.length).toBeGreaterThan(40);
      expect(new Set(acknowledgments.map((a) => a.id))).toEqual(
        new Set([
          'AwsSolutions::AwsSolutions-L1',
          'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
          // the schedules of the timers group, created and deleted by name (timers.test.ts)
          'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/autoflow-test-timers/*]',
          'AwsSolutions::AwsSolutions-SQS3',
          'AwsSolutions::AwsSolutions-SNS2',
          // the public resume route and the OpenAPI document, only (httpApi.test.ts)
          'AwsSolutions::AwsSolutions-APIG4',
        ]),
      );
    });
  });
});
