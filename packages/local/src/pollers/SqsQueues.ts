import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A queue as the stack declares it; the same shape the CDK constructs take. */
export interface SqsQueueDefinition {
  /** `.fifo` is appended for FIFO queues when missing. */
  name: string;
  fifo: boolean;
  visibilityTimeoutSeconds: number;
  /** FIFO only. Default false: producers send a MessageDeduplicationId. */
  contentBasedDeduplication?: boolean;
  /** The DLQ has the main queue's type (SQS requires a FIFO DLQ for a FIFO queue). */
  dlq?: { name: string; maxReceiveCount: number };
}

export interface SqsQueueRef {
  name: string;
  url: string;
  arn: string;
}

export interface CreatedSqsQueues {
  queue: SqsQueueRef;
  dlq?: SqsQueueRef;
}

/** Creates queues (idempotently, as CreateQueue is) from declarative definitions. */
export class SqsQueues {
  constructor(private readonly client: SQSClient) {}

  async create(definition: SqsQueueDefinition): Promise<CreatedSqsQueues> {
    const { fifo } = definition;
    if (definition.dlq && (!Number.isInteger(definition.dlq.maxReceiveCount) || definition.dlq.maxReceiveCount < 1)) {
      throw new RangeError(`SqsQueues: dlq.maxReceiveCount must be a positive integer, got ${definition.dlq.maxReceiveCount}`);
    }
    const dlq = definition.dlq
      ? await this.createOne(queueName(definition.dlq.name, fifo), fifoAttributes(definition))
      : undefined;
    const queue = await this.createOne(queueName(definition.name, fifo), {
      ...fifoAttributes(definition),
      VisibilityTimeout: String(definition.visibilityTimeoutSeconds),
      ...(dlq &&
        definition.dlq && {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: definition.dlq.maxReceiveCount }),
        }),
    });
    return dlq ? { queue, dlq } : { queue };
  }

  private async createOne(name: string, attributes: Record<string, string>): Promise<SqsQueueRef> {
    const created = await this.client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const url = created.QueueUrl;
    if (url === undefined) throw new Error(`SqsQueues: CreateQueue returned no URL for ${name}`);
    const attrs = await this.client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    const arn = attrs.Attributes?.QueueArn;
    if (arn === undefined) throw new Error(`SqsQueues: no QueueArn for ${name}`);
    return { name, url, arn };
  }
}

function queueName(name: string, fifo: boolean): string {
  return fifo && !name.endsWith('.fifo') ? `${name}.fifo` : name;
}

function fifoAttributes(definition: SqsQueueDefinition): Record<string, string> {
  if (!definition.fifo) return {};
  return {
    FifoQueue: 'true',
    ContentBasedDeduplication: String(definition.contentBasedDeduplication ?? false),
  };
}
