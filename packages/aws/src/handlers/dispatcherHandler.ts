import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { ActionResult } from '@autoflow/core';
import type { Dispatcher } from '@autoflow/engine';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { stateFromItem } from '../dynamodb/DynamoExecutionStore';
import { executionKeys } from '../tables/keys';
import { imagesOf } from './streamRecords';

/**
 * Event-source filter for the executions stream (Lambda filter-criteria syntax; the embedded
 * stack's poller applies the same pattern): the dispatcher wakes for new results and for state
 * items whose `wake` attribute is true. The store writes `wake` from core's `wakesDispatcher`,
 * the one definition of what the dispatcher reacts to; snapshot items never wake it.
 */
export const DISPATCHER_STREAM_FILTER = {
  $or: [
    { eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: ['STATE'] } }, NewImage: { wake: { BOOL: [true] } } } },
    { eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: executionKeys.resultPrefix }] } } } },
  ],
} as const;

/**
 * The dispatcher's DynamoDB stream handler, reporting partial batch failures. The record's new
 * image is handed over as it is (the state as written, or the result with the seq its worker
 * claimed), so the dispatcher does not read again what the stream already carries.
 */
export function createDispatcherHandler(dispatcher: Dispatcher): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const handleRecord = async (record: DynamoDBRecord): Promise<void> => {
    const { newImage } = imagesOf(record);
    if (!newImage) return;
    const ref = executionKeys.parseCollection(String(newImage.pk));
    if (!ref) return;
    if (newImage.sk === 'STATE') await dispatcher.onState(stateFromItem(newImage));
    else if (String(newImage.sk).startsWith(executionKeys.resultPrefix)) {
      const claimed = typeof newImage.claimed_seq === 'number' ? newImage.claimed_seq : undefined;
      await dispatcher.onResult(ref.org, ref.executionId, newImage.result as ActionResult, claimed);
    }
  };
  return async (event) => {
    // Records are handled one after another: a stream shard is ordered and so is each execution.
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    return processPartialResponse(event, handleRecord, processor, { processInParallel: false, throwOnFullBatchFailure: false });
  };
}
