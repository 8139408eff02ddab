import { ApiEnvSchema } from '@autoflow/api/src/lambda';
import { BULK_STATES, BulkTasksEnvSchema, ENV, WAIT_FOR_TASK_TOKEN, bulkJobDefinition, loadLambdaConfig } from '@autoflow/aws';
import type { IConstruct } from 'constructs';
import type { AutoflowFunction } from '../src/constructs/AutoflowFunction';
import { logicalId, refersTo, sampleVariable, synthesize } from './support/synthesize';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type State = Record<string, unknown> & { Type: string };

const TASKS_ARN = 'arn:aws:lambda:eu-central-1:123456789012:function:autoflow-test-bulk-tasks';
const STATE_MACHINE_ARN = 'arn:aws:states:eu-central-1:123456789012:stateMachine:autoflow-test-bulk-jobs';

describe('BulkJobs', () => {
  const { workload, stateful, workloadTemplate: template } = synthesize();
  const bulk = workload.bulkJobs;
  const fnId = logicalId(bulk.function.fn);
  const machineId = logicalId(bulk.stateMachine);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
  const machine = resources[machineId]!.Properties;

  /** The DefinitionString with the function's ARN in place of its GetAtt, as CloudFormation would resolve it. */
  function deployedDefinition(): { Comment: string; StartAt: string; States: Record<string, State> } & Record<string, unknown> {
    const definition = machine.DefinitionString as { 'Fn::Join': [string, unknown[]] };
    const parts = definition['Fn::Join'][1].map((part) => {
      if (typeof part === 'string') return part;
      expect(part).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
      return TASKS_ARN;
    });
    return JSON.parse(parts.join(definition['Fn::Join'][0]));
  }

  function statementsOf(role: IConstruct): Array<Statement & { Action: string[] }> {
    const roleId = logicalId(role);
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as unknown[]).some((r) => refersTo(r, roleId)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .map((s) => ({ ...s, Action: [s.Action].flat() }));
  }
  /** The `states:` actions a role may call, each with its resource, sorted. */
  const stateGrantsOf = (role: IConstruct) =>
    statementsOf(role)
      .flatMap((s) => s.Action.filter((a) => a.startsWith('states:')).map((action) => ({ action, resource: s.Resource })))
      .sort((a, b) => a.action.localeCompare(b.action));
  const variablesOf = (f: AutoflowFunction) => resources[logicalId(f.fn)]!.Properties.Environment.Variables as Record<string, unknown>;

  describe('state machine', () => {
    it('is one Standard state machine, named after the stage', () => {
      template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
      expect(machine).toMatchObject({ StateMachineType: 'STANDARD', StateMachineName: 'autoflow-test-bulk-jobs' });
    });

    it('deploys exactly the definition the embedded stack runs: bulkJobDefinition with the tasks function', () => {
      expect(deployedDefinition()).toEqual(bulkJobDefinition({ tasksFunctionArn: TASKS_ARN }));
    });

    it('runs every step on the tasks function; every Task retries and is caught into RecordFailure, which only retries', () => {
      const states = Object.entries(deployedDefinition().States).filter(([, s]) => s.Type === 'Task');
      expect(states.map(([name]) => name).sort()).toEqual(
        [BULK_STATES.awaitApproval, BULK_STATES.processBatch, BULK_STATES.monitor, BULK_STATES.sendReport, BULK_STATES.recordFailure].sort(),
      );
      for (const [name, state] of states) {
        if (state.Resource === WAIT_FOR_TASK_TOKEN) expect([name, (state.Parameters as { FunctionName: string }).FunctionName]).toEqual([name, TASKS_ARN]);
        else expect([name, state.Resource]).toEqual([name, TASKS_ARN]);
        expect([name, Array.isArray(state.Retry) && state.Retry.length > 0]).toEqual([name, true]);
        if (name === BULK_STATES.recordFailure) expect(state.Catch).toBeUndefined();
        else expect([name, (state.Catch as Array<{ ErrorEquals: string[]; Next: string }>).at(-1)]).toEqual([name, expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: BULK_STATES.recordFailure })]);
      }
    });

    it('uses JSONPath only: no QueryLanguage, no JSONata fields, no variables', () => {
      const definition = deployedDefinition();
      expect(definition.QueryLanguage).toBeUndefined();
      for (const [name, state] of Object.entries(definition.States)) {
        for (const field of ['QueryLanguage', 'Assign', 'Arguments', 'Output']) expect([name, field, state[field]]).toEqual([name, field, undefined]);
      }
      const text = JSON.stringify(definition);
      expect(text).not.toContain('{%');
      // every dynamic value is a path into the input ($.) or the context object ($$.), never a $variable
      const paths: string[] = [];
      JSON.stringify(definition, (key, value) => {
        if (key.endsWith('.$') || key === 'Variable' || key === 'SecondsPath') paths.push(value as string);
        return value;
      });
      expect(paths.length).toBeGreaterThan(5);
      for (const p of paths) expect(p).toMatch(/^\$\$?\./);
    });

    it('logs every transition without execution data to its own log group, and traces with X-Ray (AwsSolutions-SF1, SF2)', () => {
      expect(machine.LoggingConfiguration).toEqual({
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logicalId(bulk.logGroup), 'Arn'] } } }],
        IncludeExecutionData: false,
        Level: 'ALL',
      });
      expect(machine.TracingConfiguration).toEqual({ Enabled: true });
      expect(resources[logicalId(bulk.logGroup)]!.Properties).toEqual({ LogGroupName: '/aws/vendedlogs/states/autoflow-test-bulk-jobs', RetentionInDays: 30 });
    });

    it('may invoke the tasks function (by its unqualified ARN) and nothing else besides log delivery and X-Ray', () => {
      const statements = statementsOf(bulk.stateMachine.role);
      expect(statements.filter((s) => s.Action.some((a) => a.startsWith('lambda:')))).toEqual([
        expect.objectContaining({ Action: ['lambda:InvokeFunction'], Resource: { 'Fn::GetAtt': [fnId, 'Arn'] } }),
      ]);
      for (const s of statements.filter((x) => x.Resource === '*')) {
        for (const action of s.Action) expect(action).toMatch(/^(logs:(Create|Get|Update|Delete|List)LogDeliver(y|ies)|logs:(PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)|xray:\w+)$/);
      }
    });
  });

  describe('tasks function', () => {
    it('runs for up to 15 minutes, with the memory of the deployment', () => {
      expect(resources[fnId]!.Properties).toMatchObject({ Timeout: 900, MemorySize: 256 });
    });

    it('has an environment its entry accepts, with the default batch budget', () => {
      const variables = variablesOf(bulk.function);
      for (const [name, table] of [
        [ENV.executionsTable, stateful.tables.executions],
        [ENV.controlTable, stateful.tables.control],
        [ENV.entitiesTable, stateful.tables.entities],
      ] as const) {
        expect([name, refersTo(variables[name], logicalId(table))]).toEqual([name, true]);
      }
      const env = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : `autoflow-test-${k.toLowerCase().replace(/_/g, '-')}`]));
      expect(loadLambdaConfig(BulkTasksEnvSchema, env)).toMatchObject({ stage: 'test', batchBudgetMs: 600_000 });
      expect(variables[ENV.bulkStateMachineArn]).toBeUndefined();
    });

    it('answers the approval step of this state machine only, through an ARN built from its name (no dependency cycle)', () => {
      const byName = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:stateMachine:${machine.StateMachineName}`]] };
      expect(stateGrantsOf(bulk.function.role)).toEqual([
        { action: 'states:SendTaskFailure', resource: byName },
        { action: 'states:SendTaskSuccess', resource: byName },
      ]);
      expect(statementsOf(bulk.function.role).some((s) => refersTo(s.Resource, machineId))).toBe(false);
    });
  });

  describe('the HTTP API', () => {
    it('gets the state machine ARN, in an environment its entry accepts', () => {
      const variables = variablesOf(workload.api!.function);
      expect(variables[ENV.bulkStateMachineArn]).toEqual({ Ref: machineId });
      const env = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, k === ENV.bulkStateMachineArn ? STATE_MACHINE_ARN : sampleVariable(k, v)]));
      expect(loadLambdaConfig(ApiEnvSchema, env).bulkStateMachineArn).toBe(STATE_MACHINE_ARN);
    });

    it('may start executions of this state machine and answer its approval step', () => {
      expect(stateGrantsOf(workload.api!.function.role)).toEqual(
        ['states:SendTaskFailure', 'states:SendTaskSuccess', 'states:StartExecution'].map((action) => ({ action, resource: { Ref: machineId } })),
      );
    });
  });

  describe('monitoring and cdk-nag', () => {
    it('alarms on the first failed bulk job and draws bulk jobs on the dashboard', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
      expect(alarms).toContainEqual(
        expect.objectContaining({
          AlarmName: 'autoflow-test-bulk-jobs-failed',
          Namespace: 'AWS/States',
          MetricName: 'ExecutionsFailed',
          Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: machineId } }],
          Statistic: 'Sum',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [{ Ref: logicalId(workload.monitoring!.topic) }],
        }),
      );
      expect(alarms).toContainEqual(expect.objectContaining({ AlarmName: 'autoflow-test-bulk-tasks-error-rate' }));
      const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
      for (const title of ['Bulk jobs', 'Bulk tasks']) expect(body).toContain(title);
    });

    it('satisfies the Step Functions rules instead of acknowledging them, and gives a reason for what it acknowledges', () => {
      const acknowledged = bulk.node
        .findAll()
        .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
        .flatMap((m) => Object.entries(m.data as Record<string, string>));
      expect(new Set(acknowledged.map(([id]) => id))).toEqual(new Set(['AwsSolutions::AwsSolutions-L1', 'AwsSolutions::AwsSolutions-IAM5[Resource::*]']));
      for (const [, reason] of acknowledged) expect(reason.length).toBeGreaterThan(40);
    });
  });
});
