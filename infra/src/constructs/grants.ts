import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { AutoflowFunction } from './AutoflowFunction';

/** The DynamoDB calls the stores make (packages/aws/src/dynamodb), named as IAM names them. */
export type TableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'BatchGetItem' | 'BatchWriteItem' | 'ConditionCheckItem';

/**
 * Grants exactly the listed DynamoDB actions on one table (and, for `indexes`, on those indexes
 * only). The CDK's `grantReadWriteData` would add Scan, BatchWriteItem, ConditionCheckItem and
 * more that no component uses.
 */
export function grantTable(fn: AutoflowFunction, table: dynamodb.ITable, actions: readonly TableAction[], indexes: readonly string[] = []): void {
  const indexArns = indexes.map((name) => `${table.tableArn}/index/${name}`);
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: actions.map((a) => `dynamodb:${a}`), resources: [table.tableArn] }),
  );
  if (indexArns.length > 0) fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: indexArns }));
}

/**
 * Admission control (DynamoAdmissionStore, control table): org slots are taken and given back in
 * transactions of a put or delete and an update (IAM authorizes each item's action), entity locks
 * are conditional updates, waiters are put, deleted and queried.
 */
export function grantAdmission(fn: AutoflowFunction, control: dynamodb.ITable): void {
  grantTable(fn, control, ['PutItem', 'UpdateItem', 'DeleteItem', 'Query']);
}

/** sqs:SendMessage (SendMessageBatch needs the same action) on one queue; queues use SSE-SQS, so no key grant. */
export function grantSend(fn: AutoflowFunction, queue: sqs.IQueue): void {
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
}

/** ses:SendEmail as the verified identity (and with the configuration set, if any). */
export function grantSendEmail(fn: AutoflowFunction, identity: string, configurationSet: string | undefined): void {
  const stack = Stack.of(fn);
  const resources = [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })];
  if (configurationSet) resources.push(stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSet }));
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources }));
}

/** Read access to one secret: an SSM parameter (name or ARN) or a Secrets Manager secret ARN. */
export function grantReadSecret(fn: AutoflowFunction, reference: string): void {
  const stack = Stack.of(fn);
  if (reference.startsWith('arn:') && reference.split(':')[2] === 'secretsmanager') {
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [reference] }));
    return;
  }
  const arn = reference.startsWith('arn:')
    ? reference
    : stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: reference.replace(/^\//, '') });
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [arn] }));
}
