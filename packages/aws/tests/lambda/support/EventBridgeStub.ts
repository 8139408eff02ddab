import { randomUUID } from 'node:crypto';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { HttpStub, type Reply } from './httpStub';

/**
 * EventBridge cannot run here, so this answers PutEvents on the wire (AWS JSON 1.1, as the real
 * SDK client sends it) and keeps every entry: the code under test uses its real
 * EventBridgeClient, pointed here with AWS_ENDPOINT_URL_EVENTBRIDGE.
 */
export class EventBridgeStub {
  readonly entries: PutEventsRequestEntry[] = [];

  private constructor(private readonly http: HttpStub) {}

  static async start(): Promise<EventBridgeStub> {
    let self: EventBridgeStub | undefined;
    const http = await HttpStub.start((request): Reply => {
      if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
        return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: 'UnknownOperationException' }) };
      }
      const input = JSON.parse(request.body) as { Entries: PutEventsRequestEntry[] };
      self!.entries.push(...input.Entries);
      return {
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
        body: JSON.stringify({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: randomUUID() })) }),
      };
    });
    self = new EventBridgeStub(http);
    return self;
  }

  get url(): string {
    return this.http.url;
  }

  /** `dispatch-<type>` entries, their detail parsed. */
  dispatches(): Array<{ detailType: string; busName: string; detail: { dispatch: Record<string, unknown> & { index: number; dispatch_id: string; expect_seq: number }; next: Record<string, unknown> } }> {
    return this.entries.map((e) => ({ detailType: e.DetailType ?? '', busName: e.EventBusName ?? '', detail: JSON.parse(e.Detail ?? '{}') }));
  }

  clear(): void {
    this.entries.length = 0;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }
}
