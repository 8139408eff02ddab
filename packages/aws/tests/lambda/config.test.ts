import { ENV, LambdaConfigError, ListenerEnvSchema, SecretRefSchema, WorkerEnvSchema, loadLambdaConfig, parseDeploymentConfig, readSecret } from '@autoflow/aws';
import { SecretsExtensionStub } from './support/SecretsExtensionStub';

describe('loadLambdaConfig', () => {
  const listenerEnv = {
    [ENV.stage]: 'prod',
    [ENV.executionsTable]: 'autoflow-prod-executions',
    [ENV.controlTable]: 'autoflow-prod-control',
    [ENV.triggerDlqUrl]: 'https://sqs.eu-central-1.amazonaws.com/123456789012/autoflow-prod-triggers-dlq.fifo',
  };

  it('reads only AUTOFLOW_ variables, applies defaults and parses the guard overrides', () => {
    const config = loadLambdaConfig(ListenerEnvSchema, {
      ...listenerEnv,
      PATH: '/usr/bin',
      AWS_REGION: 'eu-central-1',
      [ENV.guards]: JSON.stringify({ general: { count: 500, windowMs: 30_000 }, orgConcurrency: 20 }),
    });
    expect(config).toEqual({
      stage: 'prod',
      logLevel: 'INFO',
      triggerGrouping: { kind: 'org' },
      executionsTable: 'autoflow-prod-executions',
      controlTable: 'autoflow-prod-control',
      triggerDlqUrl: listenerEnv[ENV.triggerDlqUrl],
      guards: { general: { count: 500, windowMs: 30_000 }, orgConcurrency: 20 },
    });
  });

  it('reports every problem at once, each under its variable', () => {
    const load = () => loadLambdaConfig(ListenerEnvSchema, { ...listenerEnv, [ENV.logLevel]: 'LOUD', [ENV.guards]: '{"general":{"count":0}}', [ENV.triggerDlqUrl]: 'queue' });
    expect(load).toThrow(LambdaConfigError);
    try {
      load();
    } catch (err) {
      expect((err as LambdaConfigError).problems.map((p) => p.path)).toEqual([
        ENV.logLevel,
        ENV.triggerDlqUrl,
        `${ENV.guards}.general.count`,
        `${ENV.guards}.general.windowMs`,
      ]);
    }
  });

  it('parses the webhook worker’s secret reference and flags', () => {
    const config = loadLambdaConfig(WorkerEnvSchema, {
      [ENV.stage]: 'prod',
      [ENV.executionsTable]: 'autoflow-prod-executions',
      [ENV.actionType]: 'trigger-webhook',
      [ENV.controlTable]: 'autoflow-prod-control',
      [ENV.webhookSigningSecret]: 'arn:aws:ssm:eu-central-1:123456789012:parameter/autoflow/prod/webhook-signing-secret',
    });
    expect(config).toMatchObject({ webhookSigningSecret: { kind: 'ssm', name: '/autoflow/prod/webhook-signing-secret' }, allowPrivateWebhookTargets: false, webhookTimeoutMs: 10_000 });
  });
});

describe('SecretRefSchema and readSecret', () => {
  const arn = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:autoflow/prod/signing-AbCdEf';

  it('tells SSM parameters from Secrets Manager secrets', () => {
    expect(SecretRefSchema.parse(arn)).toEqual({ kind: 'secretsmanager', secretId: arn });
    expect(SecretRefSchema.parse('/autoflow/prod/secret')).toEqual({ kind: 'ssm', name: '/autoflow/prod/secret' });
    expect(SecretRefSchema.safeParse('https://example.com/secret').success).toBe(false);
  });

  it('reads a Secrets Manager secret through the extension with the session token', async () => {
    const extension = await SecretsExtensionStub.start('token-1', { [arn]: 's3cret' });
    try {
      expect(await readSecret({ kind: 'secretsmanager', secretId: arn }, { port: extension.port, sessionToken: 'token-1' })).toBe('s3cret');
      await expect(readSecret({ kind: 'secretsmanager', secretId: arn }, { port: extension.port, sessionToken: 'wrong' })).rejects.toThrow(/HTTP 401/);
    } finally {
      await extension.stop();
    }
  });
});

describe('parseDeploymentConfig', () => {
  it('fills every default from the sender address alone', () => {
    const config = parseDeploymentConfig({ email: { from: 'automations@mail.example.com' } });
    expect(config).toMatchObject({
      stage: 'dev',
      removalPolicy: 'retain',
      logRetentionDays: 30,
      memoryMb: { default: 256 },
      email: { from: 'automations@mail.example.com', identity: 'mail.example.com' },
      webhooks: { allowPrivateTargets: false, signingSecret: '/autoflow/dev/webhook-signing-secret' },
      eventSources: { listenerBatchSize: 10, dispatcherBatchSize: 100, dispatcherRetryAttempts: 10 },
      monitoring: { enabled: true, iteratorAgeSeconds: 60, errorRatePercent: 5 },
      customActions: [],
      guards: {},
    });
  });

  it('turns ISO 8601 limit windows into the listener’s guard overrides', () => {
    const config = parseDeploymentConfig({ email: { from: 'a@example.com' }, limits: { general: { count: 300, window: 'PT1M' }, orgConcurrency: 25, lockLease: 'PT10M' } });
    expect(config.guards).toEqual({ general: { count: 300, windowMs: 60_000 }, orgConcurrency: 25, lockLeaseMs: 600_000 });
  });

  it('reports every problem with its path under autoflow.', () => {
    expect(() =>
      parseDeploymentConfig({ stage: 'Prod', email: {}, logRetentionDays: 10, customActions: [{ type: 'send-email', entry: 'x.ts' }], webhooks: { signingSecret: 'not a ref' } }),
    ).toThrow(
      /^invalid deployment settings: autoflow.stage must be 1-16.*autoflow.logRetentionDays must be one of.*autoflow.email.from is required.*autoflow.webhooks.signingSecret must be an SSM parameter.*autoflow.customActions\[0\].type is a built-in action type$/,
    );
  });
});
