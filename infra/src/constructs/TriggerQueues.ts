import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TRIGGER_MAX_RECEIVE_COUNT, TRIGGER_QUEUE_VISIBILITY } from '../functionSettings';

export interface TriggerQueuesProps {
  prefix: string;
  removalPolicy: RemovalPolicy;
}

/**
 * The FIFO trigger queue (message group = org) and its FIFO DLQ. High-throughput FIFO mode
 * (de-duplication and throughput per message group) lets orgs scale independently; the
 * de-duplication ids already include the org, so per-group scope loses nothing.
 */
export class TriggerQueues extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: TriggerQueuesProps) {
    super(scope, id);
    const common = {
      fifo: true,
      contentBasedDeduplication: false,
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
    } as const;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...common,
      queueName: `${props.prefix}-triggers-dlq.fifo`,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...common,
      queueName: `${props.prefix}-triggers.fifo`,
      visibilityTimeout: TRIGGER_QUEUE_VISIBILITY,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: TRIGGER_MAX_RECEIVE_COUNT },
    });
  }
}
