import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { abortableSleep } from './abortableSleep';

/** After a nudge, how long a shard reader waits for more writes before it reads. */
const NUDGE_BATCHING_WINDOW_MS = 5;
import { planShards, type ShardLineage, type ShardProgress } from './planShards';
import { silentLogger, type PollerLogger } from './PollerLogger';
import { readBatchItemFailures } from './readBatchItemFailures';
import { toDynamoDbRecord } from './toDynamoDbRecord';

export interface DynamoDbStreamPollerOptions {
  ddbClient: DynamoDBClient;
  streamsClient: DynamoDBStreamsClient;
  tableName: string;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  /** Records per invocation, 1-1000 (one GetRecords). Default 100, as Lambda. */
  batchSize?: number;
  /** Lambda filter criteria stand-in: records it rejects are never delivered but are consumed. */
  filter?: (record: DynamoDBRecord) => boolean;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** Retries of a failed batch before it goes to onFailure; -1 retries until it succeeds. Default -1. */
  maxRetryAttempts?: number;
  /** On a thrown error (or invalid response) split the batch in two and retry the halves one after
   * the other. A split does not use up a retry; failures of a batch that cannot be split do. Default false. */
  bisectBatchOnFunctionError?: boolean;
  /** Receives the records given up on, like Lambda's on-failure destination. */
  onFailure?: (records: DynamoDBRecord[], error: unknown) => void | Promise<void>;
  /**
   * Lambda's ParallelizationFactor (1-10): a batch is split by partition key into this many
   * lanes handled concurrently; records of one partition key stay in one lane, in order. Default 1.
   */
  parallelizationFactor?: number;
  /** Pause between GetRecords calls on a shard with nothing new. Default 250 (Lambda: 4 polls/s). */
  pollIntervalMs?: number;
  /** Pause before retrying a failed batch. Default pollIntervalMs. */
  retryDelayMs?: number;
  /** Pause between DescribeStream calls looking for new shards. Default 10 × pollIntervalMs. */
  shardDiscoveryIntervalMs?: number;
  /** `awsRegion` of each record. Default: ddbClient's region (DynamoDB Local itself says "ddblocal"). */
  region?: string;
  logger?: PollerLogger;
}

export interface DynamoDbStreamPollerCounters {
  /** Handler invocations, retries included. */
  batchesDelivered: number;
  /** Records passed to the handler (a redelivered record counts again). */
  recordsDelivered: number;
  /** Records read from the stream and dropped by `filter`. */
  recordsFiltered: number;
  /** Invocations that threw or returned an invalid partial-batch response. */
  handlerErrors: number;
  /** Invocations that reported batchItemFailures. */
  partialFailures: number;
  /** Records handed to onFailure after the retries ran out. */
  recordsDiscarded: number;
  /** Shards read to their end (closed shards only). */
  shardsFinished: number;
}

/** What onFailure gets as `error` when the handler kept reporting batchItemFailures. */
export class BatchItemFailuresError extends Error {
  readonly itemIdentifiers: string[];
  constructor(itemIdentifiers: string[]) {
    super(`the handler reported batchItemFailures for ${itemIdentifiers.join(', ')}`);
    this.name = 'BatchItemFailuresError';
    this.itemIdentifiers = itemIdentifiers;
  }
}

/** What onFailure gets as `error` when the handler's response could not be read. */
export class InvalidBatchResponseError extends Error {
  constructor(reason: string) {
    super(`invalid partial batch response: ${reason}`);
    this.name = 'InvalidBatchResponseError';
  }
}

type Outcome = { kind: 'success' } | { kind: 'partial'; fromIndex: number; error: Error } | { kind: 'error'; error: unknown };

interface Work {
  records: DynamoDBRecord[];
  /** Failed invocations of these records that counted against maxRetryAttempts. */
  attempts: number;
}

/**
 * Reproduces Lambda's DynamoDB Streams event source mapping against DynamoDB Local: one reader per
 * shard, strictly in order, children after their parents, ReportBatchItemFailures, retries, bisect
 * and an on-failure hook. Positions live in memory only: a new poller starts at
 * `startingPosition` again.
 */
export class DynamoDbStreamPoller {
  private readonly opts: DynamoDbStreamPollerOptions;
  private readonly batchSize: number;
  private readonly maxRetryAttempts: number;
  private readonly pollIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly discoveryIntervalMs: number;
  private readonly logger: PollerLogger;
  private readonly stats: DynamoDbStreamPollerCounters = {
    batchesDelivered: 0,
    recordsDelivered: 0,
    recordsFiltered: 0,
    handlerErrors: 0,
    partialFailures: 0,
    recordsDiscarded: 0,
    shardsFinished: 0,
  };
  private readonly progress = new Map<string, ShardProgress>();
  private readonly readers = new Set<Promise<void>>();
  /** GetRecords calls started so far: their ordinals mark positions in time for `quietSince` */
  private readsStarted = 0;
  /** per shard being read: the ordinal of its latest answered GetRecords and whether it was empty */
  private readonly lastRead = new Map<string, { ordinal: number; empty: boolean }>();
  private delivering = 0;
  private abort: AbortController | undefined;
  /** ends the idle pauses of the shard readers (see `nudge`) */
  private nudged = new AbortController();
  /** how many nudges so far: a reader that was nudged while it read does not pause after an empty read */
  private nudges = 0;
  private manager: Promise<void> | undefined;
  private wakeManager: (() => void) | undefined;
  private streamArnValue: string | undefined;
  private hashKey: string | undefined;
  private region = 'us-east-1';

  constructor(options: DynamoDbStreamPollerOptions) {
    this.opts = options;
    this.batchSize = options.batchSize ?? 100;
    this.maxRetryAttempts = options.maxRetryAttempts ?? -1;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.retryDelayMs = options.retryDelayMs ?? this.pollIntervalMs;
    this.discoveryIntervalMs = options.shardDiscoveryIntervalMs ?? this.pollIntervalMs * 10;
    this.logger = options.logger ?? silentLogger;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > 1000) {
      throw new RangeError(`DynamoDbStreamPoller: batchSize must be an integer from 1 to 1000, got ${this.batchSize}`);
    }
    if (!Number.isInteger(this.maxRetryAttempts) || this.maxRetryAttempts < -1) {
      throw new RangeError(`DynamoDbStreamPoller: maxRetryAttempts must be -1 or more, got ${this.maxRetryAttempts}`);
    }
  }

  get running(): boolean {
    return this.abort !== undefined;
  }

  /** The stream being read; set once start() has resolved. */
  get streamArn(): string | undefined {
    return this.streamArnValue;
  }

  /** A snapshot of the counters. */
  get counters(): Readonly<DynamoDbStreamPollerCounters> {
    return { ...this.stats };
  }

  /** Batches being delivered right now (retries and their pauses included). */
  get inFlight(): number {
    return this.delivering;
  }

  /**
   * Tells the poller that its table was just written to: shard readers pausing after an empty
   * read read again at once. The stack calls it for its own writes, so a record it causes is
   * handled without waiting for the next poll; the interval stays for anyone else's writes.
   */
  nudge(): void {
    this.nudges += 1;
    const current = this.nudged;
    this.nudged = new AbortController();
    current.abort();
  }

  /** A point in the reading, for `quietSince`: nothing is read or called. */
  readMark(): number {
    return this.readsStarted;
  }

  /**
   * True when no batch is being delivered and every shard being read has answered a GetRecords
   * that started after `mark` with nothing: every record written before `mark` has been seen.
   */
  quietSince(mark: number): boolean {
    if (this.delivering > 0) return false;
    for (const [shardId, state] of this.progress) {
      if (state !== 'reading') continue;
      const last = this.lastRead.get(shardId);
      if (!last || !last.empty || last.ordinal <= mark) return false;
    }
    return true;
  }

  /**
   * Resolves once the starting positions are fixed: with LATEST, every write after that is
   * delivered. Rejects when the table has no stream.
   */
  async start(): Promise<void> {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    try {
      const table = await this.opts.ddbClient.send(new DescribeTableCommand({ TableName: this.opts.tableName }));
      const streamArn = table.Table?.LatestStreamArn;
      if (streamArn === undefined || table.Table?.StreamSpecification?.StreamEnabled !== true) {
        throw new Error(`DynamoDbStreamPoller: table ${this.opts.tableName} has no enabled stream`);
      }
      this.streamArnValue = streamArn;
      this.hashKey = table.Table?.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
      this.region = this.opts.region ?? (await this.opts.ddbClient.config.region());
      await this.discover(abort.signal, true);
    } catch (err) {
      this.abort = undefined;
      abort.abort();
      await Promise.all(this.readers);
      throw err;
    }
    this.manager = this.manage(abort.signal);
  }

  /** Stops reading and resolves once in-flight handler calls (and onFailure) have finished. */
  async stop(): Promise<void> {
    const abort = this.abort;
    if (!abort) return;
    abort.abort();
    this.wakeManager?.();
    await this.manager;
    while (this.readers.size > 0) await Promise.all([...this.readers]);
    this.abort = undefined;
    this.manager = undefined;
  }

  // ---- shards -------------------------------------------------------------------------------

  private async manage(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      // A finished shard wakes the manager early, so its children start without waiting.
      const wake = new AbortController();
      this.wakeManager = () => wake.abort();
      await abortableSleep(this.discoveryIntervalMs, AbortSignal.any([signal, wake.signal]));
      this.wakeManager = undefined;
      if (signal.aborted) break;
      try {
        await this.discover(signal, false);
      } catch (err) {
        if (!signal.aborted) this.logger.warn('DynamoDbStreamPoller: DescribeStream failed', { error: String(err) });
      }
    }
  }

  private async discover(signal: AbortSignal, firstLook: boolean): Promise<void> {
    const shards = await this.describeShards(signal);
    const plan = planShards(shards, this.progress, firstLook, this.opts.startingPosition);
    for (const shardId of plan.skip) this.progress.set(shardId, 'finished');
    for (const { shardId, iteratorType } of plan.start) {
      // Fetched before the reader runs so that start() fixes LATEST positions.
      const iterator = await this.shardIterator(shardId, iteratorType, undefined, signal);
      this.progress.set(shardId, 'reading');
      const reader = this.readShard(shardId, iterator, signal).finally(() => this.readers.delete(reader));
      this.readers.add(reader);
    }
  }

  private async describeShards(signal: AbortSignal): Promise<ShardLineage[]> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const page = await this.opts.streamsClient.send(
        new DescribeStreamCommand({ StreamArn: this.streamArnValue, ExclusiveStartShardId: exclusiveStartShardId }),
        { abortSignal: signal },
      );
      shards.push(...(page.StreamDescription?.Shards ?? []));
      exclusiveStartShardId = page.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId !== undefined);
    return shards
      .filter((s): s is Shard & { ShardId: string } => s.ShardId !== undefined)
      .map((s) => ({
        shardId: s.ShardId,
        ...(s.ParentShardId !== undefined && { parentShardId: s.ParentShardId }),
        closed: s.SequenceNumberRange?.EndingSequenceNumber !== undefined,
      }));
  }

  private async shardIterator(
    shardId: string,
    type: ShardIteratorType,
    sequenceNumber: string | undefined,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    const output = await this.opts.streamsClient.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArnValue,
        ShardId: shardId,
        ShardIteratorType: type,
        SequenceNumber: sequenceNumber,
      }),
      { abortSignal: signal },
    );
    return output.ShardIterator;
  }

  private async readShard(shardId: string, firstIterator: string | undefined, signal: AbortSignal): Promise<void> {
    let iterator = firstIterator;
    let lastRead: string | undefined;
    while (!signal.aborted) {
      if (iterator === undefined) {
        // No next iterator: the shard is closed and everything in it has been read.
        this.progress.set(shardId, 'finished');
        this.stats.shardsFinished += 1;
        this.wakeManager?.();
        return;
      }
      let output;
      const ordinal = ++this.readsStarted;
      const nudgesBefore = this.nudges;
      try {
        output = await this.opts.streamsClient.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.batchSize }), {
          abortSignal: signal,
        });
      } catch (err) {
        if (signal.aborted) return;
        const name = (err as { name?: string }).name;
        if (name === 'ExpiredIteratorException' || name === 'TrimmedDataAccessException') {
          iterator = await this.reopen(shardId, name, lastRead, signal);
          continue;
        }
        if (name === 'ResourceNotFoundException') {
          this.logger.warn('DynamoDbStreamPoller: shard or stream is gone; stop reading it', { shardId });
          this.progress.set(shardId, 'finished');
          return;
        }
        this.logger.warn('DynamoDbStreamPoller: GetRecords failed', { shardId, error: String(err) });
        await abortableSleep(this.pollIntervalMs, signal);
        continue;
      }

      iterator = output.NextShardIterator;
      const raw = output.Records ?? [];
      this.lastRead.set(shardId, { ordinal, empty: raw.length === 0 });
      if (raw.length === 0) {
        if (iterator !== undefined && this.nudges === nudgesBefore) await abortableSleep(this.pollIntervalMs, AbortSignal.any([signal, this.nudged.signal]));
        // Woken by a write: a short window lets the writes around it land, so a busy stack reads
        // them in batches (Lambda's batching window) rather than one record per read.
        if (this.nudges !== nudgesBefore) await abortableSleep(NUDGE_BATCHING_WINDOW_MS, signal);
        continue;
      }
      lastRead = raw[raw.length - 1]?.dynamodb?.SequenceNumber ?? lastRead;
      const records = raw.map((r) => toDynamoDbRecord(r, this.streamArnValue as string, this.region));
      const matching = this.applyFilter(records);
      if (matching.length === 0) continue;
      this.delivering += 1;
      try {
        await Promise.all(this.lanes(matching).map((lane) => this.deliver(lane, signal)));
      } finally {
        this.delivering -= 1;
      }
    }
  }

  /** Splits a batch by partition key (ParallelizationFactor); order is kept within each key. */
  private lanes(records: DynamoDBRecord[]): DynamoDBRecord[][] {
    const factor = Math.min(10, Math.max(1, this.opts.parallelizationFactor ?? 1));
    if (factor === 1) return [records];
    const lanes: DynamoDBRecord[][] = Array.from({ length: factor }, () => []);
    for (const record of records) {
      const keys = record.dynamodb?.Keys ?? {};
      const key = JSON.stringify(this.hashKey ? keys[this.hashKey] : keys);
      let h = 0;
      for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
      lanes[Math.abs(h) % factor]!.push(record);
    }
    return lanes.filter((lane) => lane.length > 0);
  }

  private async reopen(
    shardId: string,
    reason: string,
    lastRead: string | undefined,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    this.logger.warn('DynamoDbStreamPoller: reopening shard iterator', { shardId, reason });
    if (reason === 'ExpiredIteratorException' && lastRead !== undefined) {
      return this.shardIterator(shardId, 'AFTER_SEQUENCE_NUMBER', lastRead, signal);
    }
    return this.shardIterator(shardId, 'TRIM_HORIZON', undefined, signal);
  }

  private applyFilter(records: DynamoDBRecord[]): DynamoDBRecord[] {
    const filter = this.opts.filter;
    if (!filter) return records;
    const kept = records.filter((record) => {
      try {
        return filter(record);
      } catch (err) {
        this.logger.error('DynamoDbStreamPoller: filter threw; record treated as not matching', {
          sequenceNumber: record.dynamodb?.SequenceNumber,
          error: String(err),
        });
        return false;
      }
    });
    this.stats.recordsFiltered += records.length - kept.length;
    return kept;
  }

  // ---- delivery -----------------------------------------------------------------------------

  /** Delivers one batch until it succeeds or is given up; later records wait (strict order). */
  private async deliver(batch: DynamoDBRecord[], signal: AbortSignal): Promise<void> {
    const pending: Work[] = [{ records: batch, attempts: 0 }];
    while (pending.length > 0) {
      const work = pending.shift() as Work;
      for (;;) {
        // After stop() nothing more is delivered; positions are not kept anyway.
        if (signal.aborted) return;
        const outcome = await this.invoke(work.records);
        if (outcome.kind === 'success') break;

        if (outcome.kind === 'error' && this.opts.bisectBatchOnFunctionError && work.records.length > 1) {
          const middle = Math.ceil(work.records.length / 2);
          pending.unshift(
            { records: work.records.slice(0, middle), attempts: work.attempts },
            { records: work.records.slice(middle), attempts: work.attempts },
          );
          break;
        }

        // A partial failure checkpoints everything before the lowest failed record.
        const remaining = outcome.kind === 'partial' ? work.records.slice(outcome.fromIndex) : work.records;
        work.records = remaining;
        work.attempts += 1;
        if (this.maxRetryAttempts >= 0 && work.attempts > this.maxRetryAttempts) {
          await this.giveUp(remaining, outcome.error);
          break;
        }
        await abortableSleep(this.retryDelayMs, signal);
      }
    }
  }

  private async invoke(records: DynamoDBRecord[]): Promise<Outcome> {
    this.stats.batchesDelivered += 1;
    this.stats.recordsDelivered += records.length;
    let response: unknown;
    try {
      // A copy per invocation: a handler that mutates its event cannot change a retry's records.
      response = await this.opts.handler({ Records: structuredClone(records) });
    } catch (error) {
      this.stats.handlerErrors += 1;
      this.logger.warn('DynamoDbStreamPoller: handler threw', { error: String(error) });
      return { kind: 'error', error };
    }
    const sequenceNumbers = records.map((r) => r.dynamodb?.SequenceNumber ?? '');
    const reading = readBatchItemFailures(response, new Set(sequenceNumbers));
    if (reading.kind === 'success') return { kind: 'success' };
    if (reading.kind === 'invalid') {
      this.stats.handlerErrors += 1;
      this.logger.warn('DynamoDbStreamPoller: invalid partial batch response; the whole batch failed', {
        reason: reading.reason,
      });
      return { kind: 'error', error: new InvalidBatchResponseError(reading.reason) };
    }
    this.stats.partialFailures += 1;
    // Records are in sequence order, so the lowest failed sequence number is the first failed index.
    const fromIndex = sequenceNumbers.findIndex((s) => reading.failed.has(s));
    return { kind: 'partial', fromIndex, error: new BatchItemFailuresError([...reading.failed]) };
  }

  private async giveUp(records: DynamoDBRecord[], error: unknown): Promise<void> {
    this.stats.recordsDiscarded += records.length;
    this.logger.error('DynamoDbStreamPoller: retries exhausted; records skipped', {
      count: records.length,
      first: records[0]?.dynamodb?.SequenceNumber,
      error: String(error),
    });
    try {
      await this.opts.onFailure?.(records, error);
    } catch (err) {
      this.logger.error('DynamoDbStreamPoller: onFailure threw', { error: String(err) });
    }
  }
}
