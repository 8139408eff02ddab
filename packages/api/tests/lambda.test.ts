import { loadLambdaConfig } from '@autoflow/aws';
import { ApiEnvSchema, createApiLambda } from '../src/lambda';

const env = {
  AUTOFLOW_STAGE: 'test',
  AUTOFLOW_EXECUTIONS_TABLE: 'autoflow-test-executions',
  AUTOFLOW_CONTROL_TABLE: 'autoflow-test-control',
  AUTOFLOW_ENTITIES_TABLE: 'autoflow-test-entities',
  AUTOFLOW_TRIGGER_QUEUE_URL: 'https://sqs.eu-central-1.amazonaws.com/123456789012/autoflow-test-triggers.fifo',
  AUTOFLOW_JWKS_URL: 'https://issuer.invalid/.well-known/jwks.json',
  AUTOFLOW_JWT_ISSUER: 'https://issuer.invalid/',
};

/** An API Gateway HTTP API (payload 2.0) request. */
const request = (method: string, path: string, headers: Record<string, string> = {}) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: path,
  rawQueryString: '',
  headers: { host: 'api.test', ...headers },
  requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' }, requestId: 'r-1', stage: '$default', domainName: 'api.test' },
  isBase64Encoded: false,
});

describe('the API Lambda entry point', () => {
  it('refuses to start with an incomplete environment, naming every missing variable', async () => {
    const handler = createApiLambda({ env: { AUTOFLOW_STAGE: 'test' } });
    await expect(handler(request('GET', '/openapi.json') as never)).rejects.toThrow(
      /AUTOFLOW_EXECUTIONS_TABLE.*AUTOFLOW_CONTROL_TABLE.*AUTOFLOW_ENTITIES_TABLE.*AUTOFLOW_TRIGGER_QUEUE_URL.*AUTOFLOW_JWKS_URL.*AUTOFLOW_JWT_ISSUER/s,
    );
  });

  it('takes the bulk job state machine from AUTOFLOW_BULK_STATE_MACHINE_ARN, and refuses a value that is not a state machine ARN', async () => {
    const arn = 'arn:aws:states:eu-central-1:123456789012:stateMachine:autoflow-test-bulk-jobs';
    expect(loadLambdaConfig(ApiEnvSchema, env).bulkStateMachineArn).toBeUndefined();
    expect(loadLambdaConfig(ApiEnvSchema, { ...env, AUTOFLOW_BULK_STATE_MACHINE_ARN: arn }).bulkStateMachineArn).toBe(arn);
    const withBulk = await createApiLambda({ env: { ...env, AUTOFLOW_BULK_STATE_MACHINE_ARN: arn } })(request('GET', '/openapi.json') as never);
    expect(withBulk.statusCode).toBe(200);
    const wrong = createApiLambda({ env: { ...env, AUTOFLOW_BULK_STATE_MACHINE_ARN: 'arn:aws:lambda:eu-central-1:123456789012:function:autoflow-test-bulk-tasks' } });
    await expect(wrong(request('GET', '/openapi.json') as never)).rejects.toThrow(/AUTOFLOW_BULK_STATE_MACHINE_ARN must be the ARN of a Step Functions state machine/);
  });

  it('serves the same app: the OpenAPI document, and 401 without a token', async () => {
    const handler = createApiLambda({ env });
    const doc = await handler(request('GET', '/openapi.json') as never);
    expect(doc.statusCode).toBe(200);
    expect(JSON.parse(doc.body).paths['/v1/automation/flows']).toBeDefined();
    const denied = await handler(request('GET', '/v1/automation/flows') as never);
    expect(denied.statusCode).toBe(401);
    expect(JSON.parse(denied.body)).toEqual({ status: 401, error: 'missing bearer token: send the header Authorization: Bearer <JWT>' });
  });
});
