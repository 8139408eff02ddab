import { type DeploymentConfig, ENV } from '@autoflow/aws';
import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TIMEOUT } from '../functionSettings';
import { AutoflowFunction, type FunctionDefaults } from './AutoflowFunction';
import type { BulkJobs } from './BulkJobs';
import { grantSend, grantTable } from './grants';
import { acknowledgeNag } from './nagSuppressions';

export interface HttpApiProps {
  defaults: FunctionDefaults;
  /** the deployment's `api` settings */
  settings: NonNullable<DeploymentConfig['api']>;
  executions: dynamodb.ITable;
  control: dynamodb.ITable;
  entities: dynamodb.ITable;
  triggerQueue: sqs.IQueue;
  /** the bulk job runner; without it the bulk routes answer 501 */
  bulk?: BulkJobs;
}

/**
 * The operations of the app that need no token (`publicRoute` in packages/api, `security: []`
 * in its OpenAPI document), plus the document itself. API Gateway lets exactly these through
 * without its JWT authorizer; a test compares them with the served document.
 */
export const PUBLIC_ROUTES = [
  { method: apigwv2.HttpMethod.POST, path: '/v1/automation/public/executions:resume', why: 'the single-use resume token in the body is the credential (epilot resumeExecutionWithToken)' },
  { method: apigwv2.HttpMethod.GET, path: '/openapi.json', why: 'the OpenAPI document describes the API and holds no tenant data' },
] as const;

/**
 * One line of JSON per request. The token is never logged; `orgId` is its `org_id` claim once
 * the authorizer accepted it, `authorizerError` says why it did not.
 */
const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  time: '$context.requestTimeEpoch',
  ip: '$context.identity.sourceIp',
  method: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  orgId: '$context.authorizer.claims.org_id',
};

/**
 * The HTTP API (packages/api): an API Gateway HTTP API whose catch-all route (`$default`)
 * proxies every request to one function behind a JWT authorizer, except the public routes.
 * The function verifies the token again with the issuer's keys (defence in depth: a route
 * opened by mistake at the gateway is still closed in the app), and answers everything else,
 * including unknown routes, itself: the gateway decides only who gets through.
 */
export class HttpApi extends Construct {
  readonly function: AutoflowFunction<'api'>;
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  readonly accessLogs: logs.LogGroup;
  readonly publicRoutes: readonly apigwv2.HttpRoute[];

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const { config } = props.defaults;
    const { settings } = props;
    const prefix = `autoflow-${config.stage}`;

    this.function = new AutoflowFunction(this, 'Api', {
      defaults: props.defaults,
      kind: 'api',
      name: 'api',
      description: 'HTTP API: flows, executions, events and entities (packages/api)',
      environment: {
        [ENV.executionsTable]: props.executions.tableName,
        [ENV.controlTable]: props.control.tableName,
        [ENV.entitiesTable]: props.entities.tableName,
        [ENV.triggerQueueUrl]: props.triggerQueue.queueUrl,
        // API_ENV of packages/api/src/lambda.ts; the type checks each name against ApiEnvSchema
        AUTOFLOW_JWKS_URL: settings.jwt.jwksUrl,
        AUTOFLOW_JWT_ISSUER: settings.jwt.issuer,
        AUTOFLOW_JWT_AUDIENCE: settings.jwt.audience,
        ...(props.bulk ? { [ENV.bulkStateMachineArn]: props.bulk.stateMachine.stateMachineArn } : {}),
      },
      timeout: TIMEOUT.api,
      memoryMb: config.memoryMb.api ?? config.memoryMb.default,
    });
    // Flows (DynamoFlowStore): get, put with its trigger-index items, delete (the stale index
    // items too), search (a Query of the org's partition) and batchGet.
    grantTable(this.function, props.control, ['GetItem', 'PutItem', 'DeleteItem', 'Query', 'BatchGetItem']);
    // Executions: the collection (Query) and the state (GetItem) of one, pages of states
    // (BatchGetItem) from the keys-only byEntity and byOrg indexes, and cancel, retrigger,
    // retry and resume as state writes conditional on `seq` (PutItem).
    grantTable(this.function, props.executions, ['GetItem', 'PutItem', 'Query', 'BatchGetItem'], ['byEntity', 'byOrg']);
    // Entities: get, create (conditional put), update (read, then put conditional on version), delete.
    grantTable(this.function, props.entities, ['GetItem', 'PutItem', 'DeleteItem']);
    // POST /v1/automation/events and manual starts (SendMessageBatch is authorized as SendMessage).
    grantSend(this.function, props.triggerQueue);
    // Bulk jobs: start, approve and cancel them, and the dry run over the entities they select.
    props.bulk?.grantApi(this.function);

    this.authorizer = new HttpJwtAuthorizer('Jwt', settings.jwt.issuer, { authorizerName: `${prefix}-jwt`, jwtAudience: [settings.jwt.audience] });
    const integration = new HttpLambdaIntegration('Function', this.function.fn, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 });
    this.api = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `${prefix}-api`,
      description: `autoflow ${config.stage}: HTTP API (epilot's automation API and extensions)`,
      // the $default route: every request no other route matches, behind the authorizer
      defaultIntegration: integration,
      defaultAuthorizer: this.authorizer,
      // the stage below has throttling and access logs; the default stage would have neither
      createDefaultStage: false,
    });
    this.publicRoutes = PUBLIC_ROUTES.flatMap(({ method, path, why }) => {
      const routes = this.api.addRoutes({ path, methods: [method], integration, authorizer: new apigwv2.HttpNoneAuthorizer() });
      for (const route of routes) acknowledgeNag(route, 'AwsSolutions-APIG4', `${method} ${path} is public without the JWT authorizer: ${why}.`);
      return routes;
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays as unknown as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.throttle.rateLimit, burstLimit: settings.throttle.burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FORMAT)),
      },
    });
  }
}
