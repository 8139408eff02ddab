import type { DeploymentConfig } from '@autoflow/aws';
import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { CodeOverride } from './constructs/AutoflowFunction';
import { readDeploymentConfig } from './deploymentContext';
import { StatefulStack } from './stacks/StatefulStack';
import { WorkloadStack } from './stacks/WorkloadStack';

export interface AutoflowAppOptions {
  /** context, as cdk.json and `-c` give it (the CDK CLI passes it through CDK_CONTEXT_JSON instead) */
  context?: Record<string, unknown>;
  outdir?: string;
  /** replaces esbuild bundling (fast template tests); leave unset to bundle for real */
  code?: CodeOverride;
}

export interface AutoflowApp {
  app: App;
  config: DeploymentConfig;
  stateful: StatefulStack;
  workload: WorkloadStack;
}

/**
 * The whole deployment: a stateful stack (tables, buses, queues) and a workload stack
 * (functions, rules, alarms), split by lifecycle, checked by cdk-nag's AwsSolutions pack.
 * Without an account and region in the settings the stacks are environment-agnostic, so
 * synthesis needs no credentials.
 */
export function buildAutoflowApp(options: AutoflowAppOptions = {}): AutoflowApp {
  const app = new App({ ...(options.context ? { context: options.context } : {}), ...(options.outdir ? { outdir: options.outdir } : {}) });
  const config = readDeploymentConfig(app.node);
  const env: Environment | undefined = config.account || config.region ? { ...(config.account ? { account: config.account } : {}), ...(config.region ? { region: config.region } : {}) } : undefined;
  const tags = { project: 'autoflow', stage: config.stage };
  const stateful = new StatefulStack(app, `autoflow-${config.stage}-stateful`, { config, ...(env ? { env } : {}), tags, description: `autoflow ${config.stage}: tables, buses, queues` });
  const workload = new WorkloadStack(app, `autoflow-${config.stage}-workload`, {
    defaults: { config, ...(options.code ? { code: options.code } : {}) },
    stateful,
    ...(env ? { env } : {}),
    tags,
    description: `autoflow ${config.stage}: functions, rules, alarms`,
  });
  // Any finding that is not acknowledged, with its reason, on the construct interrupts synthesis.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, config, stateful, workload };
}
