import * as path from 'node:path';
// Types only: the app reads the API's environment schema for its variables, never loads the API.
import type { ApiEnvSchema } from '@autoflow/api/src/lambda';
import { type DeploymentConfig, ENV, type EnvironmentOf, type LambdaEnvironment, type LambdaFunctionKind } from '@autoflow/aws';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_ENTRY, LAMBDA_ENTRY_DIR, LOCK_FILE, REPO_ROOT, ensureLocalEsbuildOnPath } from '../paths';

/** Every kind of entry the app deploys: the functions of packages/aws/src/lambda, and the HTTP API (packages/api). */
export type FunctionKind = LambdaFunctionKind | 'api';

/**
 * The variables a kind's entry reads, as the schema it checks them with declares them: the
 * schemas of `LAMBDA_ENV_SCHEMAS`, and `ApiEnvSchema` for the API. A missing or misspelled
 * variable is a type error here, and the tests parse every function's environment with its schema.
 */
export type FunctionEnvironment<K extends FunctionKind> = K extends LambdaFunctionKind ? LambdaEnvironment<K> : EnvironmentOf<typeof ApiEnvSchema>;

/** Where each kind's entry is, unless a function names its own (custom workers). */
export const entryOf = (kind: FunctionKind): string => (kind === 'api' ? API_ENTRY : path.join(LAMBDA_ENTRY_DIR, `${kind}.ts`));

/**
 * Replaces esbuild bundling with other code (tests that do not look at the bundles use it to
 * synthesize fast). One test bundles every entry for real.
 */
export type CodeOverride = (entry: string) => lambda.Code;

/** What every function of a deployment shares. */
export interface FunctionDefaults {
  config: DeploymentConfig;
  code?: CodeOverride;
}

export interface AutoflowFunctionProps<K extends FunctionKind> {
  defaults: FunctionDefaults;
  /** which entry kind it is: selects the environment schema it is checked against */
  kind: K;
  /** short name: `listener`, `worker-send-email`; the logger's service is `autoflow-<name>` */
  name: string;
  description: string;
  /** entry file; default packages/aws/src/lambda/<kind>.ts, or packages/api/src/lambda.ts for the API */
  entry?: string;
  /** the function's own variables; stage and log level are added here */
  environment: Omit<FunctionEnvironment<K>, typeof ENV.stage | typeof ENV.logLevel | typeof ENV.triggerGrouping>;
  timeout: Duration;
  memoryMb: number;
  /** adds the AWS Parameters and Secrets extension layer (for functions that read a secret) */
  readsSecrets?: boolean;
}

/**
 * A Lambda function the way every autoflow function is deployed: Node.js 22 on arm64, bundled
 * with esbuild (the AWS SDK included, so the code runs with the SDK version it was tested
 * with), a role of its own that starts with nothing but writing to its own log group (grants are
 * added per concern), and a log group with the deployment's retention.
 */
export class AutoflowFunction<K extends FunctionKind = FunctionKind> extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly name: string;
  readonly kind: K;

  constructor(scope: Construct, id: string, props: AutoflowFunctionProps<K>) {
    super(scope, id);
    const { config } = props.defaults;
    this.name = props.name;
    this.kind = props.kind;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: config.logRetentionDays as unknown as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `autoflow ${config.stage} ${props.name}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );

    const entry = props.entry ?? entryOf(props.kind);
    if (!props.defaults.code) ensureLocalEsbuildOnPath();
    const environment: Record<string, string> = { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: `autoflow-${props.name}` };
    for (const [name, value] of Object.entries({ [ENV.stage]: config.stage, [ENV.logLevel]: config.logLevel, [ENV.triggerGrouping]: config.triggerGrouping, ...props.environment })) {
      if (value !== undefined) environment[name] = value as string;
    }

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      description: props.description,
      entry,
      // bundles export `handler` from index.js; NodejsFunction prefixes `index.` only when it bundles
      handler: props.defaults.code ? 'index.handler' : 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment,
      tracing: config.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      ...(props.readsSecrets
        ? { paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103, { cacheSize: 10 }) }
        : {}),
      ...(props.defaults.code
        ? { code: props.defaults.code(entry) }
        : {
            bundling: {
              target: 'node22',
              minify: true,
              sourceMap: true,
              sourcesContent: false,
              // Bundle the SDK: the functions run with the SDK version the tests ran with.
              externalModules: [],
              logLevel: nodejs.LogLevel.ERROR,
            },
          }),
    });
  }
}
