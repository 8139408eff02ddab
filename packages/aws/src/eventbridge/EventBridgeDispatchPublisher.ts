import type { PutEventsCommandInput, PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { AUTOMATION_SOURCE, RetryableError, dispatchDetailType } from '@autoflow/core';
import type { DispatchMessage, DispatchPublisher } from '@autoflow/engine';

/** The one call this adapter needs: EventBridge's PutEvents (an SDK client or the local bus). */
export type PutEvents = (input: PutEventsCommandInput) => Promise<Pick<PutEventsCommandOutput, 'FailedEntryCount' | 'Entries'>>;

/** Publishes `dispatch-<action type>` events to the automation bus: one entry per action. */
export class EventBridgeDispatchPublisher implements DispatchPublisher {
  entriesPublished = 0;

  constructor(
    private readonly putEvents: PutEvents,
    private readonly busName: string,
  ) {}

  async publish(messages: DispatchMessage[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      const out = await this.putEvents({
        Entries: chunk.map((m) => ({
          EventBusName: this.busName,
          Source: AUTOMATION_SOURCE,
          DetailType: dispatchDetailType(m.dispatch.action_type),
          Detail: JSON.stringify(m),
          Resources: [],
        })),
      });
      this.entriesPublished += chunk.length;
      if ((out.FailedEntryCount ?? 0) > 0) {
        const failed = (out.Entries ?? []).filter((e) => e.ErrorCode).map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
        throw new RetryableError('INTERNAL_ERROR', `PutEvents rejected ${out.FailedEntryCount} entries: ${failed.join('; ')}`);
      }
    }
  }
}
