import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

/** The new (or, for REMOVE, old) image of a stream record as a plain object. */
export function imagesOf(record: DynamoDBRecord): { newImage?: Record<string, unknown>; oldImage?: Record<string, unknown> } {
  const d = record.dynamodb ?? {};
  return {
    ...(d.NewImage ? { newImage: unmarshall(d.NewImage as never) } : {}),
    ...(d.OldImage ? { oldImage: unmarshall(d.OldImage as never) } : {}),
  };
}
