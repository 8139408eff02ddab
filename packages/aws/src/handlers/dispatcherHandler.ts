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
 *
 * A batch holds records of many executions. Each execution's records are handled in order, one
 * after another; different executions are handled side by side (at most `concurrency` at once).
 * When a record fails, it and the later records of its execution are reported as failures, so
 * Lambda retries from there; records of other executions that it hands again are replays, which
 * change nothing.
 */
export function createDispatcherHandler(
  dispatcher: Dispatcher,
  options: { concurrency?: number; onError?: (message: string, extra: Record<string, unknown>) => void } = {},
): (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse> {
  const concurrency = Math.max(1, options.concurrency ?? 16);
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
    const lanes = new Map<string, DynamoDBRecord[]>();
    for (const record of event.Records) {
      const key = String(record.dynamodb?.Keys?.pk?.S ?? record.eventID);
      lanes.set(key, [...(lanes.get(key) ?? []), record]);
    }
    const failures: Array<{ itemIdentifier: string }> = [];
    const queue = [...lanes.values()];
    const runLane = async (records: DynamoDBRecord[]): Promise<void> => {
      for (let i = 0; i < records.length; i++) {
        try {
          await handleRecord(records[i]!);
        } catch (err) {
          options.onError?.('dispatcher record failed', { eventID: records[i]!.eventID, error: String(err) });
          for (const failed of records.slice(i)) failures.push({ itemIdentifier: String(failed.dynamodb?.SequenceNumber ?? failed.eventID) });
          return;
        }
      }
    };
    const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) await runLane(lane);
    });
    await Promise.all(workers);
    return { batchItemFailures: failures };
  };
}
