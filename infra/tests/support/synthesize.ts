import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { ENV } from '@autoflow/aws';
import { type AutoflowAppOptions, buildAutoflowApp } from '../../src/AutoflowApp';

/** The settings the template tests deploy: one custom action type, SES with a configuration set, the HTTP API. */
export const TEST_CONTEXT = {
  autoflow: {
    stage: 'test',
    email: { from: 'automations@mail.example.com', configurationSet: 'autoflow-events' },
    api: { jwt: { issuer: 'https://login.example.com/tenant-1/', audience: 'autoflow-test-api' }, throttle: { rateLimit: 50, burstLimit: 80 } },
    customActions: [{ type: 'crm-sync', entry: 'infra/tests/fixtures/customWorker.ts' }],
    limits: { general: { count: 200, window: 'PT30S' }, orgConcurrency: 50 },
    monitoring: { alarmEmail: 'ops@example.com' },
  },
};

/**
 * Synthesizes the app once, with a stand-in for the bundles (bundling.test.ts bundles every
 * entry for real). Synthesis runs cdk-nag: it throws on any unacknowledged finding.
 */
export function synthesize(context: Record<string, unknown> = TEST_CONTEXT, options: Omit<AutoflowAppOptions, 'context'> = {}) {
  const built = buildAutoflowApp({
    context,
    outdir: mkdtempSync(path.join(tmpdir(), 'autoflow-cdk-')),
    code: () => Code.fromInline('exports.handler = async () => ({});'),
    ...options,
  });
  const assembly = built.app.synth();
  return { ...built, assembly, statefulTemplate: Template.fromStack(built.stateful), workloadTemplate: Template.fromStack(built.workload) };
}

/** The logical id of a construct's CloudFormation resource (to find it in a template). */
export const logicalId = (construct: IConstruct): string => {
  const resource = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(resource);
};

/** True when a CloudFormation value (Ref, GetAtt, ImportValue…) refers to the logical id. */
export const refersTo = (value: unknown, id: string): boolean => (JSON.stringify(value) ?? '').includes(id);

/**
 * A plausible value for an environment variable whose template value is a CloudFormation token
 * (a Ref, an import), so a function's environment can be run through its entry's schema.
 */
export function sampleVariable(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (name === ENV.bulkStateMachineArn) return 'arn:aws:states:eu-central-1:123456789012:stateMachine:autoflow-test-bulk-jobs';
  if (name === ENV.timersSchedulerRoleArn) return 'arn:aws:iam::123456789012:role/autoflow-test-timers-scheduler';
  if (name === ENV.timersQueueArn || name === ENV.timersDlqArn) return 'arn:aws:sqs:eu-central-1:123456789012:autoflow-test-timers';
  if (name.endsWith('_URL')) return 'https://sqs.eu-central-1.amazonaws.com/123456789012/q.fifo';
  if (name.endsWith('_TABLE')) return 'autoflow-test-table';
  return 'autoflow-test-bus';
}
