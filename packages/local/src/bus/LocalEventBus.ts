import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import type { PollerLogger } from '../pollers/PollerLogger';

/** The request entry of EventBridge's PutEvents (the fields this bus reads). */
export interface PutEventsRequestEntry {
  Source?: string;
  DetailType?: string;
  /** A JSON object, as a string. */
  Detail?: string;
  /** This bus' name or ARN; omitted means this bus. */
  EventBusName?: string;
  /** A Date, an RFC 3339 string, or epoch seconds (the wire format). Default: now. */
  Time?: Date | string | number;
  Resources?: string[];
  TraceHeader?: string;
}

export interface PutEventsInput {
  Entries: PutEventsRequestEntry[];
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export interface PutEventsOutput {
  FailedEntryCount: number;
  /** One per request entry, in request order. */
  Entries: PutEventsResultEntry[];
}

export type BusEvent = EventBridgeEvent<string, unknown>;

export interface EventBusRule {
  name: string;
  /** An EventBridge event pattern, interpreted by the injected matcher. */
  pattern: object;
  target: (event: BusEvent) => Promise<void>;
}

export interface DeadLetter {
  rule: string;
  event: BusEvent;
  /** The error of the last attempt, or a BusClosedError when close() cut the retries short. */
  error: unknown;
  attempts: number;
}

export interface LocalEventBusCounters {
  /** Entries accepted by putEvents. */
  entriesPut: number;
  /** Entries putEvents rejected (FailedEntryCount summed). */
  entriesFailed: number;
  /** (event, rule) pairs that matched. */
  deliveries: number;
  /** Calls of a target, retries included. */
  attempts: number;
  /** Deliveries that ended in a target's success. */
  delivered: number;
  /** Deliveries that ended in the dead-letter list. */
  deadLettered: number;
}

export interface LocalEventBusOptions {
  /** EventBridge pattern matching, injected: `matcher(pattern, event)`. */
  matcher: (pattern: object, event: object) => boolean;
  /** Default "default". */
  busName?: string;
  /** Default "000000000000". */
  account?: string;
  /** Default "us-east-1". */
  region?: string;
  /** Target calls per delivery before it is dead-lettered (EventBridge's MaximumRetryAttempts + 1). Default 3. */
  maxAttempts?: number;
  /** Pause between attempts. Default 100. */
  retryDelayMs?: number;
  logger?: PollerLogger;
  /** Clock for `time` when an entry has none. */
  now?: () => Date;
  /** Event ids. Default randomUUID. */
  newId?: () => string;
}

/** Thrown by putEvents for request-level errors, as EventBridge's ValidationException. */
export class PutEventsValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

/** Recorded for deliveries whose retries close() cancelled; thrown by putEvents after close(). */
export class BusClosedError extends Error {
  constructor(busName: string) {
    super(`event bus ${busName} is closed`);
    this.name = 'BusClosedError';
  }
}

const MAX_ENTRIES = 10;
const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * EventBridge in one process: PutEvents validation and result shape, the real event envelope,
 * rules whose patterns are matched by the injected matcher, asynchronous at-least-once delivery
 * with retries, and a dead-letter list.
 */
export class LocalEventBus {
  readonly busName: string;
  readonly account: string;
  readonly region: string;
  readonly arn: string;
  private readonly matcher: LocalEventBusOptions['matcher'];
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly logger: PollerLogger | undefined;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly rules = new Map<string, EventBusRule>();
  private readonly dead: DeadLetter[] = [];
  private readonly stats: LocalEventBusCounters = {
    entriesPut: 0,
    entriesFailed: 0,
    deliveries: 0,
    attempts: 0,
    delivered: 0,
    deadLettered: 0,
  };
  /** Accepted events not yet fanned out + deliveries not yet settled. */
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly retryTimers = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  constructor(options: LocalEventBusOptions) {
    this.matcher = options.matcher;
    this.busName = options.busName ?? 'default';
    this.account = options.account ?? '000000000000';
    this.region = options.region ?? 'us-east-1';
    this.arn = `arn:aws:events:${this.region}:${this.account}:event-bus/${this.busName}`;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.logger = options.logger;
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new RangeError(`LocalEventBus: maxAttempts must be a positive integer, got ${this.maxAttempts}`);
    }
  }

  /** A snapshot of the counters. */
  get counters(): Readonly<LocalEventBusCounters> {
    return { ...this.stats };
  }

  addRule(rule: EventBusRule): void {
    if (this.rules.has(rule.name)) throw new Error(`LocalEventBus: rule ${rule.name} already exists on ${this.busName}`);
    this.rules.set(rule.name, rule);
  }

  removeRule(name: string): boolean {
    return this.rules.delete(name);
  }

  /** Deliveries given up on, oldest first (a copy). */
  deadLetters(): DeadLetter[] {
    return [...this.dead];
  }

  /**
   * Accepts up to 10 entries and answers like PutEvents. Targets run later, never inside this call.
   * Throws PutEventsValidationError for an empty or oversized request, BusClosedError after close().
   */
  async putEvents(input: PutEventsInput): Promise<PutEventsOutput> {
    if (this.closed) throw new BusClosedError(this.busName);
    const entries = input?.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
      throw new PutEventsValidationError(
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES} and greater than or equal to 1`,
      );
    }
    const results: PutEventsResultEntry[] = entries.map((entry) => {
      const checked = this.toEvent(entry);
      if ('ErrorCode' in checked) return checked;
      this.stats.entriesPut += 1;
      this.pending += 1;
      setImmediate(() => this.fanOut(checked));
      return { EventId: checked.id };
    });
    const failed = results.filter((r) => 'ErrorCode' in r).length;
    this.stats.entriesFailed += failed;
    return { FailedEntryCount: failed, Entries: results };
  }

  /** Events waiting to be fanned out plus deliveries running or waiting to retry; 0 when idle. */
  get inFlight(): number {
    return this.pending;
  }

  /** Resolves when no event is waiting to be fanned out and no delivery is running or waiting to retry. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops the bus: putEvents throws from now on, no target call starts any more, and deliveries
   * still waiting (to start or to retry) go to the dead-letter list with a BusClosedError.
   * Resolves once the target calls already running have finished.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const [timer, wake] of this.retryTimers) {
      clearTimeout(timer);
      wake();
    }
    this.retryTimers.clear();
    await this.idle();
  }

  // ---- internals ----------------------------------------------------------------------------

  private toEvent(entry: PutEventsRequestEntry): BusEvent | { ErrorCode: string; ErrorMessage: string } {
    const fail = (ErrorCode: string, ErrorMessage: string) => ({ ErrorCode, ErrorMessage });
    if (typeof entry !== 'object' || entry === null) return fail('InvalidArgument', 'Entry is not an object.');
    const { Source, DetailType, Detail, EventBusName, Resources } = entry;
    if (typeof Source !== 'string' || Source === '') return fail('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
    if (typeof DetailType !== 'string' || DetailType === '') {
      return fail('InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.');
    }
    if (typeof Detail !== 'string' || Detail === '') return fail('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
    if (EventBusName !== undefined && EventBusName !== this.busName && EventBusName !== this.arn) {
      return fail('InvalidArgument', `Event bus ${EventBusName} does not exist.`);
    }
    if (Resources !== undefined && (!Array.isArray(Resources) || Resources.some((r) => typeof r !== 'string'))) {
      return fail('InvalidArgument', 'Parameter Resources is not valid. Reason: Resources must be a list of strings.');
    }
    if (Source.startsWith('aws.')) {
      return fail('NotAuthorizedForSourceException', `Not authorized for the source ${Source}.`);
    }
    if (entrySize(entry) > MAX_ENTRY_BYTES) {
      return fail('InvalidArgument', `Entry size exceeds the limit of ${MAX_ENTRY_BYTES} bytes.`);
    }
    let detail: unknown;
    try {
      detail = JSON.parse(Detail);
    } catch {
      return fail('MalformedDetail', 'Detail is malformed.');
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return fail('MalformedDetail', 'Detail is malformed.');
    }
    const time = toTime(entry.Time, this.now);
    if (time === undefined) return fail('InvalidArgument', 'Parameter Time is not valid.');
    return {
      version: '0',
      id: this.newId(),
      'detail-type': DetailType,
      source: Source,
      account: this.account,
      time,
      region: this.region,
      resources: Resources ?? [],
      detail,
    };
  }

  private fanOut(event: BusEvent): void {
    try {
      for (const rule of this.rules.values()) {
        if (!this.matches(rule, event)) continue;
        this.stats.deliveries += 1;
        this.pending += 1;
        void this.deliver(rule, event);
      }
    } finally {
      this.settle();
    }
  }

  private matches(rule: EventBusRule, event: BusEvent): boolean {
    try {
      return this.matcher(rule.pattern, event);
    } catch (err) {
      this.logger?.error('LocalEventBus: matcher threw; rule skipped for this event', { rule: rule.name, error: String(err) });
      return false;
    }
  }

  private async deliver(rule: EventBusRule, event: BusEvent): Promise<void> {
    let attempts = 0;
    try {
      for (;;) {
        if (this.closed) {
          this.deadLetter(rule, event, new BusClosedError(this.busName), attempts);
          return;
        }
        attempts += 1;
        this.stats.attempts += 1;
        try {
          // Each target gets its own copy, as each EventBridge target receives its own payload.
          await rule.target(structuredClone(event));
          this.stats.delivered += 1;
          return;
        } catch (error) {
          if (attempts >= this.maxAttempts) {
            this.deadLetter(rule, event, error, attempts);
            return;
          }
          this.logger?.warn('LocalEventBus: target failed; will retry', { rule: rule.name, id: event.id, attempts, error: String(error) });
          await this.retryDelay();
        }
      }
    } finally {
      this.settle();
    }
  }

  private retryDelay(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        resolve();
      }, this.retryDelayMs);
      this.retryTimers.set(timer, resolve);
    });
  }

  private deadLetter(rule: EventBusRule, event: BusEvent, error: unknown, attempts: number): void {
    this.stats.deadLettered += 1;
    this.dead.push({ rule: rule.name, event, error, attempts });
    this.logger?.error('LocalEventBus: delivery dead-lettered', { rule: rule.name, id: event.id, attempts, error: String(error) });
  }

  private settle(): void {
    this.pending -= 1;
    if (this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** EventBridge's PutEvents entry size: Time 14 bytes, then the UTF-8 bytes of the strings. */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time !== undefined ? 14 : 0;
  size += Buffer.byteLength(entry.Source ?? '', 'utf8');
  size += Buffer.byteLength(entry.DetailType ?? '', 'utf8');
  size += Buffer.byteLength(entry.Detail ?? '', 'utf8');
  for (const resource of entry.Resources ?? []) size += Buffer.byteLength(resource, 'utf8');
  return size;
}

/** The envelope's `time`: RFC 3339 in UTC without fractions, e.g. 2024-05-01T12:00:00Z. */
function toTime(time: PutEventsRequestEntry['Time'], now: () => Date): string | undefined {
  const date =
    time === undefined ? now() : time instanceof Date ? time : typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
