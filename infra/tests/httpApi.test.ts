import { ApiEnvSchema, createApiLambda } from '@autoflow/api/src/lambda';
import { ENV, loadLambdaConfig } from '@autoflow/aws';
import { Match } from 'aws-cdk-lib/assertions';
import { problemsOf } from '../src/cli';
import type { IConstruct } from 'constructs';
import { TEST_CONTEXT, logicalId, refersTo, sampleVariable, synthesize } from './support/synthesize';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type OpenApiDocument = { paths: Record<string, Record<string, { security?: unknown[] }>> };

const ISSUER = TEST_CONTEXT.autoflow.api.jwt.issuer;
const AUDIENCE = TEST_CONTEXT.autoflow.api.jwt.audience;

/** The document the API function serves at GET /openapi.json, from the app itself (no network). */
async function servedOpenApiDocument(): Promise<OpenApiDocument> {
  const handler = createApiLambda({
    env: {
      [ENV.stage]: 'test',
      [ENV.executionsTable]: 'autoflow-test-executions',
      [ENV.controlTable]: 'autoflow-test-control',
      [ENV.entitiesTable]: 'autoflow-test-entities',
      [ENV.triggerQueueUrl]: 'https://sqs.eu-central-1.amazonaws.com/123456789012/autoflow-test-triggers.fifo',
      AUTOFLOW_JWKS_URL: 'https://login.example.com/tenant-1/.well-known/jwks.json',
      AUTOFLOW_JWT_ISSUER: ISSUER,
    },
  });
  const response = await handler({
    version: '2.0',
    routeKey: 'GET /openapi.json',
    rawPath: '/openapi.json',
    rawQueryString: '',
    headers: { host: 'api.test' },
    requestContext: { http: { method: 'GET', path: '/openapi.json', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' }, requestId: 'r-1', stage: '$default', domainName: 'api.test' },
    isBase64Encoded: false,
  } as never);
  expect(response.statusCode).toBe(200);
  return JSON.parse(response.body) as OpenApiDocument;
}

describe('the HTTP API', () => {
  const { workload, stateful, workloadTemplate: template } = synthesize();
  const api = workload.api!;
  const apiId = logicalId(api.api);
  const fnId = logicalId(api.function.fn);
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }>;
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
  const authorizers = template.findResources('AWS::ApiGatewayV2::Authorizer');

  describe('routes', () => {
    it('puts every route behind the JWT authorizer except the public resume route and the OpenAPI document', () => {
      const [authorizerId, ...others] = Object.keys(authorizers);
      expect(others).toEqual([]);
      const byKey = Object.fromEntries(routes.map((r) => [r.RouteKey, { auth: r.AuthorizationType, authorizer: r.AuthorizerId ?? null }]));
      expect(byKey).toEqual({
        // the catch-all: every other path and method, including ones the app answers 404
        $default: { auth: 'JWT', authorizer: { Ref: authorizerId } },
        'POST /v1/automation/public/executions:resume': { auth: 'NONE', authorizer: null },
        'GET /openapi.json': { auth: 'NONE', authorizer: null },
      });
    });

    it('opens exactly the operations the app serves without a token (security: [] in its OpenAPI document)', async () => {
      const document = await servedOpenApiDocument();
      const publicOperations = Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.entries(operations)
          .filter(([, operation]) => Array.isArray(operation.security) && operation.security.length === 0)
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      );
      expect(publicOperations).toEqual(['POST /v1/automation/public/executions:resume']);
      const open = routes.filter((r) => r.AuthorizationType !== 'JWT').map((r) => r.RouteKey);
      expect(open.sort()).toEqual([...publicOperations, 'GET /openapi.json'].sort());
    });

    it('proxies every route to the API function through one Lambda integration (payload format 2.0)', () => {
      const integrations = Object.entries(template.findResources('AWS::ApiGatewayV2::Integration'));
      expect(integrations).toHaveLength(1);
      const [integrationId, integration] = integrations[0]!;
      expect(integration.Properties).toEqual({ ApiId: { Ref: apiId }, IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': [fnId, 'Arn'] }, PayloadFormatVersion: '2.0' });
      for (const route of routes) expect([route.RouteKey, route.Target]).toEqual([route.RouteKey, { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] }]);
      // only this API may invoke the function through API Gateway
      const permissions = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Permission' && refersTo(r.Properties.FunctionName, fnId));
      expect(permissions.length).toBeGreaterThan(0);
      for (const p of permissions) {
        expect(p.Properties.Principal).toBe('apigateway.amazonaws.com');
        expect(refersTo(p.Properties.SourceArn, apiId)).toBe(true);
      }
    });
  });

  describe('tokens', () => {
    it('checks the issuer and audience of the settings at the gateway', () => {
      expect(Object.values(authorizers).map((a) => a.Properties)).toEqual([
        {
          ApiId: { Ref: apiId },
          AuthorizerType: 'JWT',
          Name: 'autoflow-test-jwt',
          IdentitySource: ['$request.header.Authorization'],
          JwtConfiguration: { Issuer: ISSUER, Audience: [AUDIENCE] },
        },
      ]);
    });

    it('has the function verify the same issuer and audience again, with the issuer keys (an environment its entry accepts)', () => {
      const variables = resources[fnId]!.Properties.Environment.Variables as Record<string, unknown>;
      expect(variables).toMatchObject({
        AUTOFLOW_JWT_ISSUER: ISSUER,
        AUTOFLOW_JWT_AUDIENCE: AUDIENCE,
        AUTOFLOW_JWKS_URL: 'https://login.example.com/tenant-1/.well-known/jwks.json',
        [ENV.triggerQueueUrl]: { 'Fn::ImportValue': expect.stringContaining(logicalId(stateful.triggerQueue)) },
      });
      for (const table of ['executions', 'control', 'entities'] as const) {
        const name = { executions: ENV.executionsTable, control: ENV.controlTable, entities: ENV.entitiesTable }[table];
        expect(refersTo(variables[name], logicalId(stateful.tables[table]))).toBe(true);
      }
      const resolved = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, sampleVariable(k, v)]));
      expect(loadLambdaConfig(ApiEnvSchema, resolved).jwks).toEqual({ jwksUrl: 'https://login.example.com/tenant-1/.well-known/jwks.json', issuer: ISSUER, audience: AUDIENCE });
    });

    it('takes the issuer, audience and JWKS URL from -c, and the default throttling without settings for it', () => {
      const { workload: other, workloadTemplate } = synthesize({
        ...TEST_CONTEXT,
        autoflow: { ...TEST_CONTEXT.autoflow, api: { jwt: { issuer: 'https://placeholder.example.com', audience: 'x' } } },
        'autoflow.api.jwt.issuer': 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbCdEf012',
        'autoflow.api.jwt.audience': '5c3n2client',
        'autoflow.api.jwt.jwksUrl': 'https://keys.example.com/jwks.json',
      });
      workloadTemplate.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        JwtConfiguration: { Issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbCdEf012', Audience: ['5c3n2client'] },
      });
      workloadTemplate.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            AUTOFLOW_JWT_ISSUER: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbCdEf012',
            AUTOFLOW_JWT_AUDIENCE: '5c3n2client',
            AUTOFLOW_JWKS_URL: 'https://keys.example.com/jwks.json',
          }),
        },
      });
      workloadTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 } });
      expect(other.api).toBeDefined();
    });
  });

  describe('least privilege', () => {
    /** Every (action, resource) the API function's role may use, resources by name. */
    function grantsOf(): string[] {
      const roleId = logicalId(api.function.role);
      const named: Array<[string, IConstruct]> = [
        ['executions', stateful.tables.executions],
        ['control', stateful.tables.control],
        ['entities', stateful.tables.entities],
        ['trigger-queue', stateful.triggerQueue],
        ['trigger-dlq', stateful.triggerDeadLetterQueue],
        ['own-log-group', api.function.logGroup],
        ['bulk-jobs', workload.bulkJobs.stateMachine],
        ['timers-queue', stateful.timers.queue],
        ['timers-scheduler-role', stateful.timers.schedulerRole],
      ];
      const label = (resource: unknown): string => {
        if (JSON.stringify(resource).endsWith(':schedule/autoflow-test-timers/*"]]}')) return 'timer-schedules';
        const index = /\/index\/([A-Za-z]+)/.exec(JSON.stringify(resource))?.[1];
        const found = named.find(([, c]) => refersTo(resource, logicalId(c)));
        return found ? `${found[0]}${index ? `/index/${index}` : ''}` : JSON.stringify(resource);
      };
      return Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => (p.Properties.Roles as unknown[]).some((r) => refersTo(r, roleId)))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
        .flatMap((s) => {
          expect(s.Effect).toBe('Allow');
          return [s.Action].flat().flatMap((action) => [s.Resource].flat().map((resource) => `${action} ${label(resource)}`));
        })
        .sort();
    }

    it('may call exactly what the API calls, on the named tables, indexes and queue: no * action and no * resource', () => {
      expect(grantsOf()).toEqual(
        [
          'logs:CreateLogStream own-log-group',
          'logs:PutLogEvents own-log-group',
          // flows: get, put (and trigger-index items), delete, search (Query of the org), batchGet
          'dynamodb:GetItem control',
          'dynamodb:PutItem control',
          'dynamodb:DeleteItem control',
          'dynamodb:Query control',
          'dynamodb:BatchGetItem control',
          // bulk jobs: moved from status to status (approve, cancel)
          'dynamodb:UpdateItem control',
          // executions: load (Query), state (GetItem), pages (BatchGetItem), state writes for cancel, retrigger, retry, resume (PutItem)
          'dynamodb:GetItem executions',
          'dynamodb:PutItem executions',
          'dynamodb:Query executions',
          'dynamodb:BatchGetItem executions',
          'dynamodb:Query executions/index/byEntity',
          'dynamodb:Query executions/index/byOrg',
          // entities: get, create, update, delete
          'dynamodb:GetItem entities',
          'dynamodb:PutItem entities',
          'dynamodb:DeleteItem entities',
          // the dry run of a new bulk job: pages of keys from an index, then the entities
          'dynamodb:Query entities/index/bySchema',
          'dynamodb:Query entities/index/byOrg',
          'dynamodb:BatchGetItem entities',
          // POST /v1/automation/events and manual starts
          'sqs:SendMessage trigger-queue',
          // cancelling an execution disarms its timers (timers.test.ts)
          'scheduler:CreateSchedule timer-schedules',
          'scheduler:DeleteSchedule timer-schedules',
          'iam:PassRole timers-scheduler-role',
          'sqs:SendMessage timers-queue',
          // bulk jobs: one execution per job, and the answer to its approval step (APPROVE, CANCEL)
          'states:StartExecution bulk-jobs',
          'states:SendTaskSuccess bulk-jobs',
          'states:SendTaskFailure bulk-jobs',
        ].sort(),
      );
      for (const grant of grantsOf()) expect(grant).not.toMatch(/\*/);
    });
  });

  describe('stage', () => {
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')).map((s) => s.Properties);

    it('serves one auto-deployed $default stage, throttled as the settings say', () => {
      expect(stages).toHaveLength(1);
      expect(stages[0]).toMatchObject({ ApiId: { Ref: apiId }, StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 80 } });
    });

    it('writes a JSON access log line per request to its own log group, with the retention of the settings, and never the token', () => {
      const { AccessLogSettings: settings } = stages[0]!;
      expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [logicalId(api.accessLogs), 'Arn'] });
      expect(resources[logicalId(api.accessLogs)]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Delete' });
      const format = JSON.parse(settings.Format) as Record<string, string>;
      expect(format).toMatchObject({
        requestId: '$context.requestId',
        status: '$context.status',
        routeKey: '$context.routeKey',
        latencyMs: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
        authorizerError: '$context.authorizer.error',
        orgId: '$context.authorizer.claims.org_id',
      });
      expect(settings.Format).not.toMatch(/header|authorization/i);
    });

    it('outputs the API URL', () => {
      template.hasOutput('ApiUrl', {
        Value: { 'Fn::Join': ['', ['https://', { Ref: apiId }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/']] },
      });
    });
  });

  describe('alarms and dashboard', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const onApi = [{ Name: 'ApiId', Value: { Ref: apiId } }];

    it('alarms when more than errorRatePercent of the requests answer 5xx', () => {
      const alarm = alarms.find((a) => a.AlarmName === 'autoflow-test-api-5xx-rate');
      expect(alarm).toMatchObject({ Threshold: 5, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [{ Ref: logicalId(workload.monitoring!.topic) }] });
      expect(alarm!.Metrics).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)' }),
          expect.objectContaining({ Id: 'errors', MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: onApi }, Period: 300, Stat: 'Sum' }, ReturnData: false }),
          expect.objectContaining({ Id: 'requests', MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: onApi }, Period: 300, Stat: 'Sum' }, ReturnData: false }),
        ]),
      );
    });

    it('alarms when the p95 latency stays above apiLatencyMs for 15 minutes', () => {
      expect(alarms).toContainEqual(
        expect.objectContaining({
          AlarmName: 'autoflow-test-api-latency',
          Namespace: 'AWS/ApiGateway',
          MetricName: 'Latency',
          Dimensions: onApi,
          ExtendedStatistic: 'p95',
          Period: 300,
          EvaluationPeriods: 3,
          Threshold: 3000,
          AlarmActions: [{ Ref: logicalId(workload.monitoring!.topic) }],
        }),
      );
    });

    it('watches the API function like every other function (error rate, throttles)', () => {
      expect(alarms).toContainEqual(expect.objectContaining({ AlarmName: 'autoflow-test-api-error-rate' }));
      expect(alarms).toContainEqual(expect.objectContaining({ AlarmName: 'autoflow-test-api-throttles', Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }] }));
    });

    it('draws requests, errors and latency of the API on the dashboard', () => {
      const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
      for (const title of ['HTTP API requests', 'HTTP API errors', 'HTTP API latency']) expect(body).toContain(title);
      expect(body).toContain(apiId);
    });
  });

  it('is not deployed without api settings, and synthesis warns about it', () => {
    const { api: _api, ...withoutApi } = TEST_CONTEXT.autoflow;
    const { workload: other, workloadTemplate, assembly } = synthesize({ autoflow: withoutApi });
    expect(other.api).toBeUndefined();
    expect(other.functions.map((f) => f.name)).not.toContain('api');
    workloadTemplate.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    expect(workloadTemplate.findOutputs('ApiUrl')).toEqual({});
    expect(problemsOf(assembly)).toContainEqual(expect.objectContaining({ level: 'warning', message: expect.stringContaining('The HTTP API is not deployed') }));
  });
});
