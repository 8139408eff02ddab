import { TABLES, tableNamesFor } from '@autoflow/aws';
import { Match } from 'aws-cdk-lib/assertions';
import { TRIGGER_MAX_RECEIVE_COUNT } from '../src/functionSettings';
import { logicalId, synthesize } from './support/synthesize';

describe('StatefulStack', () => {
  const { stateful, statefulTemplate: template } = synthesize();
  const names = tableNamesFor('autoflow-test');

  it.each(TABLES.map((t) => [t.id, t] as const))('builds the %s table from its declared definition', (_id, def) => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: names[def.id],
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: def.indexes.length
        ? def.indexes.map((i) => ({
            IndexName: i.name,
            KeySchema: [{ AttributeName: i.partitionKey.name, KeyType: 'HASH' }, ...(i.sortKey ? [{ AttributeName: i.sortKey.name, KeyType: 'RANGE' }] : [])],
            Projection: { ProjectionType: i.projection },
          }))
        : Match.absent(),
      StreamSpecification: def.stream ? { StreamViewType: def.stream } : Match.absent(),
      TimeToLiveSpecification: def.ttlAttribute ? { AttributeName: def.ttlAttribute, Enabled: true } : Match.absent(),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      // SSE on without a key of our own: the AWS-managed key (aws/dynamodb)
      SSESpecification: { SSEEnabled: true, SSEType: Match.absent(), KMSMasterKeyId: Match.absent() },
    });
  });

  it('keeps the tables when the stack is deleted, unless the settings say otherwise', () => {
    expect(Object.values(template.findResources('AWS::DynamoDB::Table')).map((t) => t.DeletionPolicy)).toEqual(['Retain', 'Retain', 'Retain']);
    template.allResourcesProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });

  it('creates the FIFO trigger queue with a FIFO DLQ after a bounded number of receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'autoflow-test-triggers.fifo',
      FifoQueue: true,
      ContentBasedDeduplication: false,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 180,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stateful.triggerDeadLetterQueue), 'Arn'] }, maxReceiveCount: TRIGGER_MAX_RECEIVE_COUNT },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'autoflow-test-triggers-dlq.fifo',
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    // both refuse requests without TLS, as do the timer queues (timers.test.ts)
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('creates the platform bus and the automation bus', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'autoflow-test-platform' });
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'autoflow-test-automation' });
  });
});
