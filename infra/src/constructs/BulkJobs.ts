import { BULK_BATCH_BUDGET_MS, ENV, bulkJobDefinition } from '@autoflow/aws';
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { TIMEOUT } from '../functionSettings';
import { AutoflowFunction, type FunctionDefaults } from './AutoflowFunction';
import { grantTable } from './grants';
import { acknowledgeNag } from './nagSuppressions';

export interface BulkJobsProps {
  defaults: FunctionDefaults;
  executions: dynamodb.ITable;
  control: dynamodb.ITable;
  entities: dynamodb.ITable;
}

/** The entities table's indexes a bulk job pages through (DynamoEntityStore.page). */
const ENTITY_INDEXES = ['bySchema', 'byOrg'] as const;

/** The callback calls that answer the approval step (StepFunctionsBulkJobMachine approve / cancel). */
const TASK_RESPONSE_ACTIONS = ['states:SendTaskSuccess', 'states:SendTaskFailure'];

/**
 * Bulk jobs (`/v1/automation/executions/bulk-jobs`): a Standard state machine whose definition
 * is `bulkJobDefinition` (packages/aws), the one the embedded stack runs, and the function
 * that runs each of its steps. Standard, not Express: a job waits up to 7 days for its approval
 * and runs as long as its entities take, far beyond Express's 5 minutes, and it costs per
 * transition (a few per batch), not per second of waiting.
 */
export class BulkJobs extends Construct {
  readonly function: AutoflowFunction<'bulkTasks'>;
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;
  /** the definition as deployed, with the function's ARN as a token */
  readonly definition: ReturnType<typeof bulkJobDefinition>;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: BulkJobsProps,
  ) {
    super(scope, id);
    const { config } = props.defaults;
    const stack = Stack.of(this);
    const stateMachineName = `autoflow-${config.stage}-bulk-jobs`;

    this.function = new AutoflowFunction(this, 'Tasks', {
      defaults: props.defaults,
      kind: 'bulkTasks',
      name: 'bulk-tasks',
      description: 'Bulk jobs: every step of the bulk job state machine (approval, batches, monitoring, report)',
      environment: {
        [ENV.executionsTable]: props.executions.tableName,
        [ENV.controlTable]: props.control.tableName,
        [ENV.entitiesTable]: props.entities.tableName,
        [ENV.bulkBatchBudgetMs]: String(BULK_BATCH_BUDGET_MS.default),
      },
      timeout: TIMEOUT.bulkTasks,
      memoryMb: config.memoryMb.default,
    });
    // Control: the job (get, conditional updates), its per-entity rows (BatchGet of the ones
    // already done, Query for monitoring), the flow (get, `runs` update), the flow's rate
    // counter (update), and each chunk's transaction: a ConditionCheck of the job's status and
    // a Put per row (IAM authorizes a TransactWriteItems item by item; it has no action of its own).
    grantTable(this.function, props.control, ['GetItem', 'UpdateItem', 'Query', 'BatchGetItem', 'PutItem', 'ConditionCheckItem']);
    // Executions: the snapshot items (BatchWrite) and, in the chunk's transaction, each state
    // item (Put); monitoring reads the states (BatchGet).
    grantTable(this.function, props.executions, ['BatchWriteItem', 'PutItem', 'BatchGetItem']);
    // Entities: pages of keys from the indexes, then the entities (BatchGet); never written.
    grantTable(this.function, props.entities, ['BatchGetItem'], ENTITY_INDEXES);
    // The approval step answers itself when the job was decided before it started. The ARN is
    // built from the name: the state machine's definition refers to this function, so a
    // reference back from the function's policy would be a dependency cycle.
    this.function.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: TASK_RESPONSE_ACTIONS,
        resources: [stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // the prefix AWS recommends for vended logs, so the log group's resource policy stays small
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      retention: config.logRetentionDays as unknown as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.definition = bulkJobDefinition({ tasksFunctionArn: this.function.fn.functionArn });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'autoflow bulk jobs (packages/aws/src/stepfunctions/bulkJobDefinition.ts)',
      definitionBody: sfn.DefinitionBody.fromString(stack.toJsonString(this.definition)),
      // Every state transition, without the state input and output: those carry tallies of
      // entity ids and the job's cursor, and the job item holds what a person needs.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      // A job is a handful of traces at most; X-Ray shows where a slow or failing step spent its time.
      tracingEnabled: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Every Task (and the approval step's lambda:invoke) calls the unqualified function ARN.
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.fn.functionArn] }));
    acknowledgeNag(
      this.stateMachine.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Step Functions log delivery (logs:CreateLogDelivery and related) and X-Ray (xray:PutTraceSegments and related) have no resource-level permissions; invoking the tasks function is scoped to its ARN.',
    );
  }

  /**
   * What the HTTP API's bulk routes need: starting a job's execution, answering the approval
   * step on APPROVE and CANCEL, the job and its rows in the control table (create: Put,
   * transitions: Update, the summary: Query), and, for the dry run at creation, the entities a
   * job selects (index Query, BatchGet). The API already reads flows and execution states.
   */
  grantApi(api: AutoflowFunction<'api'>): void {
    this.stateMachine.grantStartExecution(api.role);
    api.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: TASK_RESPONSE_ACTIONS, resources: [this.stateMachine.stateMachineArn] }));
    grantTable(api, this.props.control, ['UpdateItem']);
    grantTable(api, this.props.entities, ['BatchGetItem'], ENTITY_INDEXES);
  }
}
