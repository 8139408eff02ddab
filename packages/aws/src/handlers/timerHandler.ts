import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Dispatcher, Logger, TimerService } from '@autoflow/engine';
import { silentLogger } from '@autoflow/engine';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseTimerMessage } from '../timers/timerMessage';

export interface TimerHandlerDeps {
  /** the dispatcher's timer entry; only `onTimer` is used */
  dispatcher: Pick<Dispatcher, 'onTimer'>;
  /** where a timer that came early is armed again */
  timers: TimerService;
  logger?: Logger;
}

/**
 * The handler of the timers queue (standard SQS, so records come in any order and at least
 * once; `onTimer` fences late, duplicate and cancelled timers by their seq). Per record:
 *
 * - a body that is not a timer fails the record, with its reason logged: it is received again
 *   until the queue's redrive policy moves it to the timers DLQ, whose alarm tells someone;
 * - a timer that came before its `due_at` (the Scheduler fires to the second but clocks differ)
 *   is armed again for the rest of its wait, and the record succeeds;
 * - an error fails only that record, which SQS delivers again after the visibility timeout.
 */
export function createTimerHandler(deps: TimerHandlerDeps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const logger = deps.logger ?? silentLogger;
  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const context = { message_id: record.messageId, receive_count: Number(record.attributes.ApproximateReceiveCount) };
    let timer;
    try {
      timer = parseTimerMessage(record.body);
    } catch (err) {
      logger.error('not a timer: the message goes to the timers DLQ after its last receive', { ...context, reason: (err as Error).message });
      throw err;
    }
    try {
      const outcome = await deps.dispatcher.onTimer(timer);
      if (outcome === 'early') await deps.timers.arm([timer]);
      logger.debug('timer fired', { ...context, org_id: timer.org_id, execution_id: timer.execution_id, index: timer.index, seq: timer.seq, outcome });
    } catch (err) {
      logger.warn('timer failed; SQS delivers it again', { ...context, org_id: timer.org_id, execution_id: timer.execution_id, error: (err as Error).message });
      throw err;
    }
  };
  return async (event) => processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), { throwOnFullBatchFailure: false });
}
