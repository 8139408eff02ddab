import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { TriggerListener } from '@autoflow/engine';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * The trigger listener's SQS FIFO handler. Powertools' FIFO processor handles records in order
 * and, with `skipGroupOnError`, fails only the rest of a failing record's group: other orgs in
 * the same batch go on, and the failing org is retried from its failed record, in order.
 * Invalid events are not failures: the listener dead-letters them with a reason. The run counts
 * of the flows the batch started are written once at its end.
 */
export function createListenerHandler(listener: TriggerListener): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return async (event) => {
    const processor = new SqsFifoPartialProcessorAsync();
    try {
      return await processPartialResponse(
        event,
        async (record: SQSRecord) =>
          listener.handleMessage(record.body, {
            groupId: record.attributes.MessageGroupId,
            receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '2'),
          }),
        processor,
        { skipGroupOnError: true, throwOnFullBatchFailure: false },
      );
    } finally {
      await listener.flushRuns();
    }
  };
}
