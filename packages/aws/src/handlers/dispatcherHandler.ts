import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { FINAL, type ActionResult } from '@autoflow/core';
import type { Dispatcher } from '@autoflow/engine';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { executionKeys } from '../tables/keys';
import { imagesOf } from './streamRecords';

/**
 * Event-source filter for the executions stream (Lambda filter-criteria syntax; the embedded
 * stack's poller applies the same pattern): the dispatcher wakes for new results, for state
 * items that are not final and have nothing running or waiting, and for final states that still
 * hold their slot and lock. Worker claims (busy states) and snapshot items never wake it.
 */
export const DISPATCHER_STREAM_FILTER = {
  $or: [
    {
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: {
        Keys: { sk: { S: ['STATE'] } },
        NewImage: { busy: { BOOL: [false] }, status: { S: [{ 'anything-but': [...FINAL] }] } },
      },
    },
    { eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: executionKeys.resultPrefix }] } } } },
    // Ended from outside (a cancel through the API) while holding its org slot and entity lock.
    { eventName: ['MODIFY'], dynamodb: { Keys: { sk: { S: ['STATE'] } }, NewImage: { held: { BOOL: [true] }, status: { S: [...FINAL] } } } },
  ],
} as const;

/** The dispatcher's DynamoDB stream handler, reporting partial batch failures. */
export function createDispatcherHandler(dispatcher: Dispatcher): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const handleRecord = async (record: DynamoDBRecord): Promise<void> => {
    const { newImage } = imagesOf(record);
    if (!newImage) return;
    const ref = executionKeys.parseCollection(String(newImage.pk));
    if (!ref) return;
    if (newImage.sk === 'STATE') await dispatcher.onState(ref.org, ref.executionId);
    else if (String(newImage.sk).startsWith(executionKeys.resultPrefix)) {
      await dispatcher.onResult(ref.org, ref.executionId, newImage.result as ActionResult);
    }
  };
  return async (event) => {
    // Records are handled one after another: a stream shard is ordered and so is each execution.
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    return processPartialResponse(event, handleRecord, processor, { processInParallel: false, throwOnFullBatchFailure: false });
  };
}
