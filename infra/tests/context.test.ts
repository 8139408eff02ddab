import { Template } from 'aws-cdk-lib/assertions';
import { contextFromArgs } from '../src/cli';
import { TEST_CONTEXT, synthesize } from './support/synthesize';

describe('deployment settings from the CDK context', () => {
  it('takes -c autoflow.<path>=<value> on top of the autoflow object, as JSON where it parses', () => {
    const { config, workload, stateful } = synthesize({
      ...TEST_CONTEXT,
      ...contextFromArgs(['-c', 'autoflow.stage=prod', '--context', 'autoflow.monitoring.enabled=false', '-c', 'autoflow.account=123456789012', '-c', 'autoflow.region=eu-central-1']),
    });

    expect(config.stage).toBe('prod');
    expect([stateful.stackName, workload.stackName]).toEqual(['autoflow-prod-stateful', 'autoflow-prod-workload']);
    expect([workload.account, workload.region]).toEqual(['123456789012', 'eu-central-1']);
    // a stage without monitoring has no fixed monthly cost at all
    const template = Template.fromStack(workload);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('is environment-agnostic without an account and region, so synthesis needs no credentials', () => {
    const { workload } = synthesize();
    expect(workload.resolve(workload.account)).toEqual({ Ref: 'AWS::AccountId' });
  });

  it('refuses HTTP API settings a JWT authorizer cannot use, naming every problem', () => {
    expect(() =>
      synthesize({ autoflow: { ...TEST_CONTEXT.autoflow, api: { jwt: { issuer: 'http://login.example.com/', audience: '', jwksUrl: 'keys.json' }, throttle: { burstLimit: 0 } } } }),
    ).toThrow(
      /autoflow.api.jwt.issuer must be an https:\/\/ URL; autoflow.api.jwt.audience must not be empty; autoflow.api.jwt.jwksUrl must be an https:\/\/ URL; autoflow.api.throttle.burstLimit must be at least 1/,
    );
    expect(() => synthesize({ autoflow: { ...TEST_CONTEXT.autoflow, api: { jwt: {} } } })).toThrow(/autoflow.api.jwt.issuer is required; autoflow.api.jwt.audience is required/);
  });

  it('refuses settings with problems, naming every one', () => {
    expect(() => synthesize({ autoflow: { stage: 'Prod', email: { from: 'nope' }, eventSources: { listenerBatchSize: 11 } } })).toThrow(
      /autoflow.stage .*autoflow.email.from .*autoflow.eventSources.listenerBatchSize must be at most 10/,
    );
  });
});
