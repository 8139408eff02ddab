import { type AttributeValue, DeleteItemCommand, type DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { timerKeys } from '@autoflow/aws';
import { TimerKind } from '@autoflow/core';
import { type Clock, type DispatchOutcome, type Logger, type Timer, type TimerService, silentLogger, timerName } from '@autoflow/engine';
import { ManualClock } from '../stack/ManualClock';
import { TimerHeap, type TimerHeapEntry } from './TimerHeap';

/** `real`: timers fire when the clock reaches them; `manual`: only when `advanceTo` moves the clock. */
export type TimerMode = 'real' | 'manual';

export interface LocalTimerServiceOptions {
  /** DynamoDB (Local); timer items live in the control table */
  client: DynamoDBClient;
  /** the control table's name */
  table: string;
  /** a `ManualClock` puts the service in manual mode */
  clock: Clock;
  logger?: Logger;
  /**
   * Hands a due timer to the engine (`dispatcher.onTimer`). A closure, so that the dispatcher,
   * which needs this service, can be built after it. `'early'` arms the timer again.
   */
  onFire: (timer: Timer) => Promise<DispatchOutcome | string>;
  /** real-clock mode: how many due timers are handed to the engine side by side (default 8) */
  concurrency?: number;
}

/** What a clock move did: where the clock is now and how many timers fired on the way. */
export interface ClockMove {
  now: number;
  fired: number;
}

interface Entry extends TimerHeapEntry {
  timer: Timer;
  /** failed hand-overs in a row (real-clock mode) */
  attempts: number;
  /** disarmed while it was being fired: not armed again after an error or an early firing */
  disarmed?: boolean;
}

/** setTimeout's longest delay; a later timer wakes the service once on the way, which re-plans. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const DEFAULT_CONCURRENCY = 8;
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;
const TIMER_KINDS: ReadonlySet<string> = new Set(Object.values(TimerKind));

/** The heap key: the timer's name, then its org (two orgs' execution ids never share a slot). */
const keyOf = (t: Timer): string => `${timerName(t)}@${t.org_id}`;
const noIdleWait = async (): Promise<void> => {};

/**
 * The embedded stack's timer port: one small item per armed timer in the control table (so
 * timers live as long as the stack's data), mirrored by an in-memory min-heap by due time.
 *
 * Waiting costs nothing: no store call while timers wait, only one real `setTimeout` to the
 * earliest (real clock) or none at all (manual clock). Firing one timer is one `onFire` and one
 * DeleteItem. The items are read once, at `start()`.
 *
 * Real clock: due timers are handed to the engine in due order, at most `concurrency` (8) at a
 * time; a hand-over that fails is retried after 1 s, doubling up to 30 s. Manual clock: nothing
 * fires until `advanceTo` moves the clock, except timers armed already overdue (due at or before
 * the clock's now), which fire right away as they would on a real clock.
 */
export class LocalTimerService implements TimerService {
  readonly mode: TimerMode;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly concurrency: number;
  private readonly heap = new TimerHeap<Entry>();
  /** timers handed to the engine and not settled yet, by key */
  private readonly firing = new Map<string, Entry>();
  private readonly backgroundFirings = new Set<Promise<void>>();
  private running = false;
  private wake: NodeJS.Timeout | undefined;
  private wakeAt: number | undefined;
  /** manual clock: moves run one after the other */
  private moves: Promise<unknown> = Promise.resolve();
  private drainQueued = false;

  constructor(private readonly options: LocalTimerServiceOptions) {
    this.clock = options.clock;
    this.mode = options.clock instanceof ManualClock ? 'manual' : 'real';
    this.logger = options.logger ?? silentLogger;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new RangeError(`LocalTimerService: concurrency must be a positive integer, got ${this.concurrency}`);
    }
  }

  /** How many timers are armed (fired ones are gone). */
  get armed(): number {
    return this.heap.size + this.firing.size;
  }

  /** The earliest armed timer that is not firing right now. */
  nextDue(): Timer | undefined {
    return this.heap.peek()?.timer;
  }

  async arm(timers: readonly Timer[]): Promise<void> {
    // Armed already (or firing right now): nothing to write.
    const fresh = new Map<string, Timer>();
    for (const timer of timers) {
      const key = keyOf(timer);
      if (!this.heap.has(key) && !this.firing.has(key)) fresh.set(key, timer);
    }
    if (fresh.size === 0) return;
    await Promise.all([...fresh.values()].map((timer) => this.putItem(timer)));
    for (const [key, timer] of fresh) {
      if (!this.firing.has(key)) this.heap.push({ name: key, at: timer.due_at, timer, attempts: 0 });
    }
    this.replan();
  }

  async disarm(timers: readonly Timer[]): Promise<void> {
    for (const timer of timers) {
      const key = keyOf(timer);
      this.heap.remove(key);
      const inFlight = this.firing.get(key);
      if (inFlight) inFlight.disarmed = true;
    }
    this.replan();
    await Promise.all(timers.map((timer) => this.deleteItem(timer)));
  }

  /** Loads the armed timers from the table (a restart finds them) and starts firing. */
  async start(): Promise<void> {
    if (this.running) return;
    for (const timer of await this.loadAll()) {
      const key = keyOf(timer);
      if (!this.heap.has(key) && !this.firing.has(key)) this.heap.push({ name: key, at: timer.due_at, timer, attempts: 0 });
    }
    this.running = true;
    this.logger.debug('timers started', { mode: this.mode, armed: this.heap.size });
    this.replan();
  }

  /** Stops firing: clears the real-time wake-up and waits for the firings under way. Armed timers stay in the table. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearWake();
    await this.moves;
    while (this.backgroundFirings.size > 0) await Promise.allSettled([...this.backgroundFirings]);
  }

  /**
   * Manual clock only: moves the clock forward to `target` and fires, in due order (same due
   * time: name order), every timer due by then, including timers the engine arms on the way.
   * The clock stands at each timer's due time while it fires, and `waitIdle` is awaited before
   * the first and after each firing, so what a firing sets off is done before the next one.
   * Moves run one at a time; the clock never moves back.
   */
  advanceTo(target: number, waitIdle: () => Promise<void> = noIdleWait): Promise<ClockMove> {
    if (!(this.clock instanceof ManualClock)) {
      return Promise.reject(new Error('the timers run on the real clock; only a manual clock (autoflow dev --clock manual, or a ManualClock) can be moved'));
    }
    if (!Number.isFinite(target)) return Promise.reject(new RangeError(`advanceTo: target must be epoch milliseconds, got ${target}`));
    if (!this.running) return Promise.reject(new Error('advanceTo: the timer service is not running'));
    return this.serially(() => this.move(this.clock as ManualClock, target, waitIdle));
  }

  // ---- manual clock ---------------------------------------------------------------------------

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.moves.then(work);
    this.moves = run.catch(() => undefined);
    return run;
  }

  private async move(clock: ManualClock, target: number, waitIdle: () => Promise<void>): Promise<ClockMove> {
    let fired = 0;
    /** fired too early or failed: armed again after this move, so one bad timer cannot loop it */
    const setAside: Entry[] = [];
    await waitIdle();
    while (this.running) {
      const next = this.heap.peek();
      if (!next || next.timer.due_at > target) break;
      this.heap.pop();
      if (next.timer.due_at > clock.now()) clock.set(next.timer.due_at);
      this.firing.set(next.name, next);
      try {
        if ((await this.fire(next)) === 'fired') fired += 1;
        else {
          this.logger.warn('timer fired early: the engine reads another clock than the timers', { timer: next.name, due_at: next.timer.due_at, now: clock.now() });
          setAside.push(next);
        }
      } catch (error) {
        this.logger.error('timer could not be handed to the engine; it stays armed for the next clock move', { timer: next.name, error: String(error) });
        setAside.push(next);
      } finally {
        this.firing.delete(next.name);
      }
      await waitIdle();
    }
    for (const entry of setAside) if (!entry.disarmed && !this.heap.has(entry.name)) this.heap.push(entry);
    if (target > clock.now()) clock.set(target);
    return { now: clock.now(), fired };
  }

  /** A timer armed at or before the manual clock's now fires without waiting for a move. */
  private drainOverdue(clock: ManualClock): void {
    const next = this.heap.peek();
    if (this.drainQueued || !next || next.timer.due_at > clock.now()) return;
    this.drainQueued = true;
    this.serially(() => {
      this.drainQueued = false;
      return this.running ? this.move(clock, clock.now(), noIdleWait) : Promise.resolve({ now: clock.now(), fired: 0 });
    }).then(
      ({ fired }) => fired > 0 && this.logger.debug('overdue timers fired', { fired }),
      (error) => this.logger.error('overdue timers could not fire', { error: String(error) }),
    );
  }

  // ---- real clock -----------------------------------------------------------------------------

  private replan(): void {
    if (!this.running) return;
    if (this.clock instanceof ManualClock) this.drainOverdue(this.clock);
    else this.pump();
  }

  /** Hands every due timer to the engine (up to `concurrency` at once), then sleeps until the next. */
  private pump(): void {
    if (!this.running) return;
    const now = this.clock.now();
    for (let next = this.heap.peek(); next && next.at <= now && this.firing.size < this.concurrency; next = this.heap.peek()) {
      this.heap.pop();
      this.fireInBackground(next);
    }
    // With every slot busy, the next settled firing pumps again.
    const next = this.firing.size < this.concurrency ? this.heap.peek() : undefined;
    if (next?.at === this.wakeAt && this.wake) return;
    this.clearWake();
    if (!next) return;
    this.wakeAt = next.at;
    this.wake = setTimeout(
      () => {
        this.wake = undefined;
        this.wakeAt = undefined;
        this.pump();
      },
      Math.min(Math.max(0, next.at - now), MAX_TIMEOUT_MS),
    );
    // A waiting timer does not keep the process alive: the stack's servers and pollers do.
    this.wake.unref();
  }

  private clearWake(): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    this.wakeAt = undefined;
  }

  private fireInBackground(entry: Entry): void {
    this.firing.set(entry.name, entry);
    const run = this.fire(entry)
      .then(
        (result) => {
          entry.attempts = 0;
          if (result === 'early' && !entry.disarmed) {
            // setTimeout may wake a millisecond before the clock reads due_at
            entry.at = Math.max(entry.timer.due_at, this.clock.now() + 1);
            this.heap.push(entry);
          }
        },
        (error) => {
          entry.attempts += 1;
          const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (entry.attempts - 1));
          this.logger.error('timer could not be handed to the engine; retrying', { timer: entry.name, attempts: entry.attempts, retry_in_ms: delay, error: String(error) });
          if (!entry.disarmed) {
            entry.at = this.clock.now() + delay;
            this.heap.push(entry);
          }
        },
      )
      .finally(() => {
        this.firing.delete(entry.name);
        this.backgroundFirings.delete(run);
        this.pump();
      });
    this.backgroundFirings.add(run);
  }

  // ---- both -----------------------------------------------------------------------------------

  /** One hand-over: the engine first, then the item goes (a crash in between fires it again, which the engine ignores). */
  private async fire(entry: Entry): Promise<'fired' | 'early'> {
    const outcome = await this.options.onFire(entry.timer);
    if (outcome === 'early') return 'early';
    await this.deleteItem(entry.timer);
    this.logger.debug('timer fired', { timer: entry.name, kind: entry.timer.kind, outcome });
    return 'fired';
  }

  // ---- the table ------------------------------------------------------------------------------

  /** Idempotent: arming twice writes the same item. */
  private putItem(timer: Timer): Promise<unknown> {
    const key = timerKeys.timer(timer.org_id, timerName(timer));
    return this.options.client.send(
      new PutItemCommand({
        TableName: this.options.table,
        Item: {
          pk: { S: key.pk },
          sk: { S: key.sk },
          org_id: { S: timer.org_id },
          execution_id: { S: timer.execution_id },
          index: { N: String(timer.index) },
          seq: { N: String(timer.seq) },
          due_at: { N: String(timer.due_at) },
          kind: { S: timer.kind },
        },
      }),
    );
  }

  private deleteItem(timer: Timer): Promise<unknown> {
    const key = timerKeys.timer(timer.org_id, timerName(timer));
    return this.options.client.send(new DeleteItemCommand({ TableName: this.options.table, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }));
  }

  /**
   * The only read of timer items, once per start: a Scan of the control table filtered to them.
   * It reads the whole table (flows, counters, bulk rows), which is acceptable once at start-up
   * on one machine; while timers wait nothing is read.
   */
  private async loadAll(): Promise<Timer[]> {
    const timers: Timer[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.options.client.send(
        new ScanCommand({
          TableName: this.options.table,
          FilterExpression: 'begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':prefix': { S: timerKeys.prefix } },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const timer = toTimer(item);
        if (timer) timers.push(timer);
        else this.logger.warn('ignoring a timer item that cannot be read', { pk: item.pk?.S, sk: item.sk?.S });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return timers;
  }
}

function toTimer(item: Record<string, AttributeValue>): Timer | undefined {
  const org = item.org_id?.S;
  const executionId = item.execution_id?.S;
  const kind = item.kind?.S;
  const [index, seq, due] = [item.index?.N, item.seq?.N, item.due_at?.N].map(Number);
  if (org === undefined || executionId === undefined || kind === undefined || !TIMER_KINDS.has(kind)) return undefined;
  if (!Number.isInteger(index) || !Number.isInteger(seq) || !Number.isFinite(due)) return undefined;
  const timer: Timer = { org_id: org, execution_id: executionId, index: index!, seq: seq!, due_at: due!, kind: kind as TimerKind };
  // only items under the key this module writes: nothing else in the table is taken for a timer
  const key = timerKeys.timer(org, timerName(timer));
  return item.pk?.S === key.pk && item.sk?.S === key.sk ? timer : undefined;
}
