import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { type EntityImage, type EventIngress, entityEventFromImages } from '@autoflow/engine';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { imagesOf } from './streamRecords';

/** Turns the entity table's stream into `entity_operation` events on the trigger queue (imports excepted). */
export function createEntityEventsHandler(ingress: EventIngress): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const handleRecord = async (record: DynamoDBRecord): Promise<void> => {
    const { newImage, oldImage } = imagesOf(record);
    const name = record.eventName;
    if (!name) return;
    // entities imported in bulk (`importMany`) are data, not activity: they start nothing
    if (name === 'INSERT' && newImage?.imported === true) return;
    const seconds = record.dynamodb?.ApproximateCreationDateTime;
    const occurredAt = new Date(seconds ? seconds * 1000 : Date.now()).toISOString();
    const event = entityEventFromImages(name, oldImage as EntityImage | undefined, newImage as EntityImage | undefined, occurredAt);
    await ingress.publish([event]);
  };
  return async (event) => {
    const processor = new BatchProcessor(EventType.DynamoDBStreams);
    return processPartialResponse(event, handleRecord, processor, { processInParallel: false, throwOnFullBatchFailure: false });
  };
}
