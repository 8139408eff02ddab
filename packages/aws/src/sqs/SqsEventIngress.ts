import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_MESSAGE_GROUPING, type MessageGrouping, RetryableError, messageGroupOf } from '@autoflow/core';
import type { DeadLetterSink, EventIngress } from '@autoflow/engine';

const dedupId = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Sends platform events to the FIFO trigger queue, in message groups chosen by the deployment's
 * grouping (core's `messageGroupOf`: per org by default, per org and entity, or per org and hash
 * bucket), so each org's (or entity's) events are processed in order.
 * The deduplication id comes from the event id, so a re-published event within SQS's
 * five-minute window is dropped by the queue itself.
 */
export class SqsEventIngress implements EventIngress {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly grouping: MessageGrouping = DEFAULT_MESSAGE_GROUPING,
  ) {}

  async publish(events: Array<{ event_id: string; org_id: string; entity?: { _id?: unknown } }>): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      const chunk = events.slice(i, i + 10);
      const out = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((event, n) => ({
            Id: String(n),
            MessageBody: JSON.stringify(event),
            MessageGroupId: messageGroupOf(event, this.grouping),
            MessageDeduplicationId: dedupId(`${event.org_id}\u0000${event.event_id}`),
          })),
        }),
      );
      if (out.Failed && out.Failed.length > 0) {
        throw new RetryableError('INTERNAL_ERROR', `trigger queue refused ${out.Failed.length} events: ${out.Failed.map((f) => f.Message).join('; ')}`);
      }
    }
  }
}

/** Puts events that can never be processed on the trigger DLQ, with the reason as an attribute. */
export class SqsDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly sqs: SQSClient,
    private readonly dlqUrl: string,
  ) {}

  async reject(input: { body: string; reason: string; orgId?: string }): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.dlqUrl,
        MessageBody: input.body.length > 0 ? input.body : '(empty)',
        MessageGroupId: input.orgId && /^[\w\-:.]{1,128}$/.test(input.orgId) ? input.orgId : 'rejected',
        MessageDeduplicationId: dedupId(`${input.reason}\u0000${input.body}`),
        MessageAttributes: { reason: { DataType: 'String', StringValue: input.reason.slice(0, 10_000) } },
      }),
    );
  }
}
