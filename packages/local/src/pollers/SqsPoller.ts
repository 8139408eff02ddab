import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { abortableSleep } from './abortableSleep';
import { silentLogger, type PollerLogger } from './PollerLogger';
import { readBatchItemFailures } from './readBatchItemFailures';
import { regionOfArn, toSqsRecord } from './toSqsRecord';

export interface SqsPollerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  /** 1-10 messages per invocation (one ReceiveMessage). Default 10. */
  batchSize?: number;
  /** Long-poll wait, 0-20 s. Default 20, as Lambda's pollers. stop() cuts a wait short. */
  waitTimeSeconds?: number;
  /** Overrides the queue's visibility timeout for received messages (seconds). */
  visibilityTimeout?: number;
  /** Independent receive loops, like Lambda's concurrent pollers. Default 1. FIFO order holds
   * regardless: SQS hands out no message of a group while another of that group is in flight. */
  concurrency?: number;
  /** Region in each record's `awsRegion`. Default: the region in `queueArn`. */
  region?: string;
  logger?: PollerLogger;
}

export interface SqsPollerCounters {
  /** Handler invocations. */
  batchesDelivered: number;
  /** Records passed to the handler (a redelivered message counts again). */
  recordsDelivered: number;
  /** Messages deleted after the handler succeeded for them. */
  recordsDeleted: number;
  /** Messages left on the queue to become visible again (reported or whole-batch failures). */
  recordsFailed: number;
  /** Invocations that threw or returned an invalid partial-batch response. */
  handlerErrors: number;
}

const RECEIVE_ERROR_BACKOFF_MS = 1000;
const EMPTY_RECEIVE_PAUSE_MS = 50;

/**
 * Reproduces Lambda's SQS event source mapping with ReportBatchItemFailures: receive, invoke the
 * handler with Lambda's `SQSEvent`, delete what succeeded. Failed messages are left alone, so they
 * reappear after the visibility timeout and the queue's redrive policy moves them to the DLQ once
 * their receive count passes maxReceiveCount.
 */
export class SqsPoller {
  private readonly opts: Required<Omit<SqsPollerOptions, 'visibilityTimeout' | 'region' | 'logger'>> &
    Pick<SqsPollerOptions, 'visibilityTimeout'>;
  private readonly region: string;
  private readonly logger: PollerLogger;
  private readonly stats: SqsPollerCounters = {
    batchesDelivered: 0,
    recordsDelivered: 0,
    recordsDeleted: 0,
    recordsFailed: 0,
    handlerErrors: 0,
  };
  private abort: AbortController | undefined;
  private loops: Promise<void>[] = [];
  private delivering = 0;

  constructor(options: SqsPollerOptions) {
    const batchSize = options.batchSize ?? 10;
    const waitTimeSeconds = options.waitTimeSeconds ?? 20;
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) {
      throw new RangeError(`SqsPoller: batchSize must be an integer from 1 to 10, got ${batchSize}`);
    }
    if (!Number.isInteger(waitTimeSeconds) || waitTimeSeconds < 0 || waitTimeSeconds > 20) {
      throw new RangeError(`SqsPoller: waitTimeSeconds must be an integer from 0 to 20, got ${waitTimeSeconds}`);
    }
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`SqsPoller: concurrency must be a positive integer, got ${concurrency}`);
    }
    this.opts = { ...options, batchSize, waitTimeSeconds, concurrency, visibilityTimeout: options.visibilityTimeout };
    this.region = options.region ?? regionOfArn(options.queueArn) ?? 'us-east-1';
    this.logger = options.logger ?? silentLogger;
  }

  get running(): boolean {
    return this.abort !== undefined;
  }

  /** A snapshot of the counters. */
  get counters(): Readonly<SqsPollerCounters> {
    return { ...this.stats };
  }

  /** Batches being handled right now (received, not yet deleted or left for redelivery). */
  get inFlight(): number {
    return this.delivering;
  }

  async start(): Promise<void> {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    this.loops = Array.from({ length: this.opts.concurrency }, () => this.loop(abort.signal));
  }

  /** Stops receiving and resolves once every in-flight handler call has finished. */
  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) return;
    abort.abort();
    await Promise.all(this.loops);
    this.loops = [];
    this.abort = undefined;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let messages: Message[];
      try {
        messages = await this.receive(signal);
      } catch (err) {
        if (signal.aborted) break;
        this.logger.warn('SqsPoller: ReceiveMessage failed', { queueUrl: this.opts.queueUrl, error: String(err) });
        await abortableSleep(RECEIVE_ERROR_BACKOFF_MS, signal);
        continue;
      }
      if (messages.length === 0) {
        // Without long polling an empty queue would be polled in a tight loop.
        if (this.opts.waitTimeSeconds === 0) await abortableSleep(EMPTY_RECEIVE_PAUSE_MS, signal);
        continue;
      }
      // Messages already received are handled even when stop() came meanwhile: Lambda would too,
      // and leaving them invisible until the timeout only slows the next start.
      this.delivering += 1;
      try {
        await this.deliver(messages);
      } finally {
        this.delivering -= 1;
      }
    }
  }

  private async receive(signal: AbortSignal): Promise<Message[]> {
    const output = await this.opts.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.opts.queueUrl,
        MaxNumberOfMessages: this.opts.batchSize,
        WaitTimeSeconds: this.opts.waitTimeSeconds,
        VisibilityTimeout: this.opts.visibilityTimeout,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: signal },
    );
    return output.Messages ?? [];
  }

  private async deliver(messages: Message[]): Promise<void> {
    const records = messages.map((m) => toSqsRecord(m, this.opts.queueArn, this.region));
    this.stats.batchesDelivered += 1;
    this.stats.recordsDelivered += records.length;

    let failed: ReadonlySet<string>;
    try {
      const response: unknown = await this.opts.handler({ Records: records });
      const reading = readBatchItemFailures(response, new Set(records.map((r) => r.messageId)));
      if (reading.kind === 'invalid') {
        this.stats.handlerErrors += 1;
        this.logger.warn('SqsPoller: invalid partial batch response; the whole batch failed', { reason: reading.reason });
        failed = new Set(records.map((r) => r.messageId));
      } else {
        failed = reading.kind === 'partial' ? reading.failed : new Set();
      }
    } catch (err) {
      this.stats.handlerErrors += 1;
      this.logger.warn('SqsPoller: handler threw; the whole batch failed', { error: String(err) });
      failed = new Set(records.map((r) => r.messageId));
    }

    this.stats.recordsFailed += failed.size;
    const done = records.filter((r) => !failed.has(r.messageId));
    if (done.length > 0) await this.delete(done.map((r) => ({ Id: r.messageId, ReceiptHandle: r.receiptHandle })));
  }

  private async delete(entries: { Id: string; ReceiptHandle: string }[]): Promise<void> {
    // Batch entry ids must be unique and [A-Za-z0-9_-]; message ids from SQS are UUIDs but be safe.
    const batch = entries.map((e, i) => ({ Id: String(i), ReceiptHandle: e.ReceiptHandle }));
    try {
      const output = await this.opts.client.send(
        new DeleteMessageBatchCommand({ QueueUrl: this.opts.queueUrl, Entries: batch }),
      );
      const failedDeletes = output.Failed ?? [];
      this.stats.recordsDeleted += batch.length - failedDeletes.length;
      for (const f of failedDeletes) {
        const entry = entries[Number(f.Id)];
        this.logger.warn('SqsPoller: could not delete a processed message; it will be redelivered', {
          messageId: entry?.Id,
          code: f.Code,
          message: f.Message,
        });
      }
    } catch (err) {
      this.logger.error('SqsPoller: DeleteMessageBatch failed; processed messages will be redelivered', {
        error: String(err),
      });
    }
  }
}
