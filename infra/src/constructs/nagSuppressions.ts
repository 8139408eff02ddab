import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { AutoflowFunction } from './AutoflowFunction';

/**
 * Acknowledges a cdk-nag AwsSolutions finding on a construct and everything under it, with the
 * reason it is accepted. `rule` is the rule id, with the finding for granular rules
 * (`AwsSolutions-IAM5[Resource::*]`).
 */
export function acknowledgeNag(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${rule}`, reason });
}

/**
 * The DynamoDB stream event source grants `dynamodb:ListStreams` on `*` (the action has no
 * resource-level permissions); everything else it grants is scoped to the one stream.
 */
export function acknowledgeStreamListing(fn: AutoflowFunction): void {
  acknowledgeNag(
    fn.role,
    'AwsSolutions-IAM5[Resource::*]',
    'dynamodb:ListStreams does not support resource-level permissions; the stream read actions are scoped to this table stream.',
  );
}

/**
 * Acknowledges AwsSolutions-IAM5 for one resource pattern only (`…/*` of a resource whose items
 * are created by name at run time), so any other wildcard on the same role is still a finding.
 * cdk-nag names the finding after the resource as synthesized, with `<AWS::Region>` for a `Ref`.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const resolved: unknown = Stack.of(scope).resolve(resource);
  const parts: unknown[] = typeof resolved === 'string' ? [resolved] : ((resolved as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1] ?? []);
  const finding = parts.map((p) => (typeof p === 'string' ? p : `<${(p as { Ref: string }).Ref}>`)).join('');
  acknowledgeNag(scope, `AwsSolutions-IAM5[Resource::${finding}]`, reason);
}
