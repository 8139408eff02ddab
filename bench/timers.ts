/**
 * Durable timers on the embedded stack: what 100,000 waiting executions cost per idle minute
 * (nothing), what waking one costs (DynamoDB calls and units from the timer firing to the final
 * state, the same with 1,000 and with 100,000 others waiting), how fast 10,000 timers due at the
 * same instant are worked off on the real clock, and what a million timers cost on AWS with the
 * mechanism of docs/decisions/0008-timers.md.
 *
 * Every DynamoDB, DynamoDB Streams and SQS call the stack's clients send is recorded by a
 * middleware (DynamoCallLog); the benchmark seeds, polls and checks through clients of its own.
 *
 * `pnpm bench timers` (AUTOFLOW_BENCH_TIMERS_WAITING, default 100000; AUTOFLOW_BENCH_TIMERS_FIRST,
 * default 1000; AUTOFLOW_BENCH_TIMERS_BURST, default 10000; AUTOFLOW_BENCH_TIMERS_SAMPLES,
 * default 5; AUTOFLOW_BENCH_TIMERS_IDLE_SECONDS, default 60).
 */
import { loadavg } from 'node:os';
import { type AttributeValue, BatchGetItemCommand, type BatchGetItemCommandOutput, DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isFinal } from '@autoflow/core';
import type { StoredFlow } from '@autoflow/engine';
import { EmbeddedStack, localAwsClientConfig } from '@autoflow/local';
import { executionKeys, timerKeys } from '@autoflow/aws';
import { saveFlow } from '../test/support/flows';
import { DynamoCallLog, type RecordedCall } from './DynamoCallLog';
import { seedWaitingExecutions } from './seedWaitingExecutions';
import { machine, writeSection } from './writeSection';

const envInt = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};
const WAITING = envInt('AUTOFLOW_BENCH_TIMERS_WAITING', 100_000);
const FIRST = Math.min(WAITING, envInt('AUTOFLOW_BENCH_TIMERS_FIRST', 1_000));
const BURST = envInt('AUTOFLOW_BENCH_TIMERS_BURST', 10_000);
const SAMPLES = envInt('AUTOFLOW_BENCH_TIMERS_SAMPLES', 5);
const IDLE_SECONDS = envInt('AUTOFLOW_BENCH_TIMERS_IDLE_SECONDS', 60);
/** Lambda's pace on a quiet shard, as `autoflow dev` and the bulk bench poll. */
const POLL_MS = 250;
const SAMPLE_DELAY_S = 2;

/**
 * us-east-1 list prices, USD, as docs/decisions/0008-timers.md takes them.
 * Lambda arm64: $0.20 per million requests, $0.0000133334 per GB-second — https://aws.amazon.com/lambda/pricing/
 * SQS standard queue: $0.40 per million requests (each 64 KB chunk one request; a timer message is one) — https://aws.amazon.com/sqs/pricing/
 * EventBridge Scheduler: $1.00 per million scheduled invocations after 14 million free a month;
 *   CreateSchedule and DeleteSchedule are not charged — https://aws.amazon.com/eventbridge/pricing/
 * DynamoDB on-demand: $0.625 per million write request units, $0.125 per million read request
 *   units (since November 2024) — https://aws.amazon.com/dynamodb/pricing/on-demand/
 * DynamoDB Streams GetRecords calls made by Lambda's event source mapping are not charged — same page.
 */
const PRICE = {
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecondArm: 0.0000133334,
  sqsRequest: 0.4 / 1e6,
  schedulerInvocation: 1.0 / 1e6,
  writeUnit: 0.625 / 1e6,
  readUnit: 0.125 / 1e6,
};
/** Assumed per invocation (not measured here), as in docs/deploy.md and 0008: 256 MB for 50 ms. */
const LAMBDA_GB_SECONDS = 0.25 * 0.05;
/** SQS requests per timer in the worst case of 0008: send (the dispatcher's, or the Scheduler's), receive, delete. */
const SQS_REQUESTS_PER_TIMER = 3;

const ORG = 'bench-timers';
const BURST_ORG = 'bench-timers-burst';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const T0 = Date.now();
/** Progress on the console, with the minutes since the start. */
const say = (...args: unknown[]) => console.log(`[${((Date.now() - T0) / 60_000).toFixed(1)} min]`, ...args);
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const usd = (n: number) => `$${n.toFixed(2)}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? 0;

const waitFlow = (timeout: string) => ({
  flow_name: `wait ${timeout}`,
  triggers: [{ type: 'entity_manual', configuration: {} }],
  actions: [{ id: 'pause', type: 'wait', config: { timeout } }],
});

interface Seeding {
  executions: number;
  items: number;
  timers: number;
  ms: number;
}

interface WakeUp {
  /** per component: calls, read and write units, summed over the samples */
  components: Map<string, { calls: number; reads: number; writes: number }>;
  samples: number;
  /** due time → final state written, ms */
  latencies: number[];
  /** due time → the wait step's result written (the timer fired and `onTimer` ran), ms */
  fired: number[];
  /** result written → final state written (the result's stream record, `onResult`), ms */
  settled: number[];
  /** durations of the stream reads during the windows, ms */
  getRecordsMs: number[];
  /** what CapacityMeter saw of the executions store, summed */
  meter: { reads: number; writes: number };
  /** calls that concern no sample (should be none) */
  unrelated: RecordedCall[];
}

interface IdleMinute {
  seconds: number;
  waiting: number;
  attributable: RecordedCall[];
  groups: Map<string, { calls: number; reads: number; returned: number }>;
  sweeps: number;
  other: RecordedCall[];
}

interface Burst {
  timers: number;
  clock: 'real';
  seedMs: number;
  leadMs: number;
  firedSeconds: number;
  finalSeconds: number;
  firstFinalSeconds: number;
  success: number;
  /** DeleteItem calls on the burst's timer items */
  timerDeletes: number;
  /** timers fired/s over the first and the last tenth; median call durations (ms) in those tenths */
  diagnostics: { firstTenthRate: number; lastTenthRate: number; medianMs: Record<string, number[]> };
  callsPerExecution: number;
  unitsPerExecution: { reads: number; writes: number };
}

export async function run(): Promise<void> {
  const started = Date.now();
  const loadAtStart = loadavg();
  const log = new DynamoCallLog();
  const stack = await startStack(log);
  const own = new DynamoDBClient(localAwsClientConfig(stack.endpoints.dynamodb));
  const seeding: Seeding = { executions: 0, items: 0, timers: 0, ms: 0 };
  let part: Omit<Report, 'burst' | 'runMs' | 'load' | 'seeding'>;
  try {
    const long = await saveFlow(stack, ORG, waitFlow('P14D'));
    const short = await saveFlow(stack, ORG, waitFlow(`PT${SAMPLE_DELAY_S}S`));
    const sampleEntities = await createSampleEntities(stack);
    const ids = await seed(stack, own, long, 0, FIRST, seeding);
    await stack.idle();
    const first = await measureWakeUps(stack, own, log, short, sampleEntities.slice(0, SAMPLES), 'a');
    say(`wake-up with ${FIRST} waiting`, summarize(first));
    ids.push(...(await seed(stack, own, long, FIRST, WAITING - FIRST, seeding)));
    say(`seeded ${seeding.executions} waiting executions (${seeding.items} items) in ${fmt(seeding.ms / 1000)} s`);
    // The dispatcher's stream reader goes through every seeded item (and filters them out) first.
    const seeded = Date.now();
    await stack.idle();
    const catchUpMs = Date.now() - seeded;
    const verified = await verifyWaiting(stack, own, ids);
    say(`stream read to its end ${fmt(catchUpMs / 1000)} s after seeding; verified`, verified);
    const idle = await measureIdle(stack, log, WAITING);
    say('idle minute', idle.attributable.length, [...idle.groups], idle.other.slice(0, 5));
    const full = await measureWakeUps(stack, own, log, short, sampleEntities.slice(SAMPLES), 'b');
    say(`wake-up with ${WAITING} waiting`, summarize(full));
    part = { verified, catchUpMs, first, full, idle };
  } finally {
    await stack.stop();
    own.destroy();
  }
  const burst = await measureBurst(seeding);
  say('burst', burst);
  await report({ ...part, seeding, burst, runMs: Date.now() - started, load: { start: loadAtStart, end: loadavg() } });
}

async function startStack(log: DynamoCallLog, onFinal?: (orgId: string, executionId: string) => void): Promise<EmbeddedStack> {
  const stack = await EmbeddedStack.start({
    meterCapacity: true,
    pollIntervalMs: POLL_MS,
    ...(onFinal ? { onTransition: (state, decision) => decision.kind === 'write' && isFinal(decision.next.status) && onFinal(state.org_id, state.execution_id) } : {}),
  });
  log.attach('dynamodb', stack.clients.dynamodb);
  log.attach('document', stack.clients.document);
  log.attach('streams', stack.clients.streams);
  log.attach('sqs', stack.clients.sqs);
  return stack;
}

async function seed(stack: EmbeddedStack, own: DynamoDBClient, flow: StoredFlow, from: number, count: number, into: Seeding): Promise<string[]> {
  if (count <= 0) return [];
  const t0 = Date.now();
  // Manual events without an entity: the state, flow and trigger items the listener writes.
  const { executions, items } = await seedWaitingExecutions({ stack, client: own, org: ORG, flow, now: stack.clock.now(), from, count, eventPrefix: 'wait' });
  into.executions += executions.length;
  into.items += items;
  into.timers += executions.reduce((n, e) => n + e.timers.length, 0);
  into.ms += Date.now() - t0;
  return executions.map((e) => e.execution_id);
}

/** Entities of the sampled executions exist, so a wake-up reads a real entity afresh (their creation events are handled before any measurement). */
async function createSampleEntities(stack: EmbeddedStack): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 2 * SAMPLES; i++) {
    const entity = await stack.stores.entities.create(ORG, { _id: `sample-${i}`, _schema: 'contact', email: `sample-${i}@example.com` });
    ids.push(entity._id);
  }
  await stack.idle();
  return ids;
}

/**
 * Reads back every seeded state (BatchGetItem, 100 keys a call, through the benchmark's own client):
 * waiting on its slot with the fencing token of its timer. Also the timers the service holds and
 * the entries of the sweeper's index. (A filtered Scan of the table takes minutes in DynamoDB Local.)
 */
async function verifyWaiting(stack: EmbeddedStack, own: DynamoDBClient, ids: readonly string[]): Promise<{ states: number; armed: number; active: number }> {
  const table = stack.tables.executions;
  let states = 0;
  let next = 0;
  const reader = async (): Promise<void> => {
    while (next < ids.length) {
      const from = next;
      next += 100;
      let keys: Record<string, AttributeValue>[] | undefined = ids.slice(from, from + 100).map((id) => ({ pk: { S: executionKeys.collection(ORG, id) }, sk: { S: 'STATE' } }));
      while (keys && keys.length > 0) {
        const out: BatchGetItemCommandOutput = await own.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }));
        for (const raw of out.Responses?.[table] ?? []) {
          const item = unmarshall(raw) as { status?: string; acts?: Array<{ s: string; k?: string; ts?: number }>; seq?: number };
          const slot = item.acts?.[0];
          if (item.status === 'scheduled' && slot?.s === 'scheduled' && slot.k === 'wait' && slot.ts === item.seq) states += 1;
        }
        keys = out.UnprocessedKeys?.[table]?.Keys;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, reader));
  let active = 0;
  for (let shard = 0; shard < executionKeys.activeShards; shard++) {
    const page = await own.send(
      new QueryCommand({ TableName: table, IndexName: 'active', Select: 'COUNT', KeyConditionExpression: 'active_pk = :p', ExpressionAttributeValues: { ':p': { S: executionKeys.activePk(shard) } } }),
    );
    active += page.Count ?? 0;
  }
  const armed = stack.timers.armed;
  if (states !== WAITING || armed !== WAITING || active !== 0) throw new Error(`expected ${WAITING} waiting states and timers and none in the sweeper's index; found ${states} states, ${armed} timers, ${active} active`);
  return { states, armed, active };
}

/** Calls in `seconds` of wall time on the real clock with `waiting` executions waiting and nothing else to do. */
async function measureIdle(stack: EmbeddedStack, log: DynamoCallLog, waiting: number): Promise<IdleMinute> {
  const marker = `ORG#${ORG}#`;
  log.start();
  await sleep(IDLE_SECONDS * 1000);
  const calls = log.stop();
  const groups = new Map<string, { calls: number; reads: number; returned: number }>();
  const other: RecordedCall[] = [];
  const attributable = calls.filter((c) => c.input.includes(marker));
  let sweeps = 0;
  for (const c of calls) {
    let group: string | undefined;
    if (c.client === 'streams') group = `streams ${c.command}`;
    else if (c.client === 'sqs') group = `sqs ${c.command}`;
    else if (c.command === 'Query' && c.index === 'active') group = 'sweeper Query active';
    else if (!c.input.includes(marker)) other.push(c);
    if (!group) continue;
    const g = groups.get(group) ?? { calls: 0, reads: 0, returned: 0 };
    g.calls += 1;
    g.reads += c.readUnits;
    g.returned += c.returned ?? 0;
    groups.set(group, g);
    if (group === 'sweeper Query active' && c.input.includes(executionKeys.activePk(0))) sweeps += 1;
  }
  return { seconds: IDLE_SECONDS, waiting, attributable, groups, sweeps, other };
}

/**
 * Seeds one execution at a time whose wait ends `SAMPLE_DELAY_S` later (its entity exists), and
 * records every call from just after its timer was armed until its state is final and the
 * engine idle. Polling (streams, SQS) and the sweeper's index queries are counted apart.
 */
async function measureWakeUps(stack: EmbeddedStack, own: DynamoDBClient, log: DynamoCallLog, flow: StoredFlow, entities: string[], tag: string): Promise<WakeUp> {
  const result: WakeUp = { components: new Map(), samples: 0, latencies: [], fired: [], settled: [], getRecordsMs: [], meter: { reads: 0, writes: 0 }, unrelated: [] };
  for (const [i, entityId] of entities.entries()) {
    const entity = await stack.stores.entities.get(ORG, entityId);
    const { executions: [sample] } = await seedWaitingExecutions({ stack, client: own, org: ORG, flow, now: stack.clock.now(), from: i, count: 1, eventPrefix: `sample-${tag}`, entityOf: () => entity });
    const { execution_id: id, timers } = sample!;
    const timer = timers[0]!;
    stack.meter!.reset();
    log.start();
    let finalAt: number | undefined;
    while (finalAt === undefined) {
      const out = await own.send(new GetItemCommand({ TableName: stack.tables.executions, Key: { pk: { S: executionKeys.collection(ORG, id) }, sk: { S: 'STATE' } }, ConsistentRead: true }));
      const status = out.Item ? String(unmarshall(out.Item).status) : undefined;
      if (status && isFinal(status as never)) {
        if (status !== 'success') throw new Error(`sample ${id} ended ${status}`);
        finalAt = Date.now();
      } else await sleep(20);
    }
    await stack.idle();
    const calls = log.stop();
    const meter = stack.meter!.snapshot();
    result.meter.reads += Object.values(meter.reads).reduce((a, b) => a + b, 0);
    result.meter.writes += Object.values(meter.writes).reduce((a, b) => a + b, 0);
    const done = (c: RecordedCall | undefined) => (c ? c.at + c.ms : finalAt!);
    const resultWritten = done(calls.find((c) => c.command === 'PutItem' && (c.sk ?? '').startsWith(executionKeys.resultPrefix) && c.input.includes(id)));
    const finalWritten = done(calls.find((c) => c.command === 'PutItem' && c.sk === 'STATE' && c.input.includes(id)));
    result.latencies.push(finalWritten - timer.due_at);
    result.fired.push(resultWritten - timer.due_at);
    result.settled.push(finalWritten - resultWritten);
    result.getRecordsMs.push(...calls.filter((c) => c.client === 'streams' && c.command === 'GetRecords').map((c) => c.ms));
    result.samples += 1;
    const timerSk = `${timerKeys.prefix}${id}`;
    let loads = 0;
    for (const c of calls) {
      if (c.client === 'streams' || c.client === 'sqs' || c.index === 'active') continue;
      if (!c.input.includes(id) && !c.input.includes(entityId) && !(c.sk ?? '').startsWith(timerSk)) {
        result.unrelated.push(c);
        continue;
      }
      const name = componentOf(stack, c, c.command === 'Query' && !c.index ? ++loads : 0);
      const entry = result.components.get(name) ?? { calls: 0, reads: 0, writes: 0 };
      entry.calls += 1;
      entry.reads += c.readUnits;
      entry.writes += c.writeUnits;
      result.components.set(name, entry);
    }
  }
  return result;
}

/** What a call of a wake-up does, in the words of the engine. */
function componentOf(stack: EmbeddedStack, c: RecordedCall, load: number): string {
  const { executions, control, entities } = stack.tables;
  if (c.table === control && (c.sk ?? '').startsWith(timerKeys.prefix)) return c.command === 'DeleteItem' ? 'timer item deleted (embedded stack only)' : `timer item ${c.command}`;
  if (c.table === executions && c.command === 'Query' && !c.index) return load === 1 ? 'execution loaded on the timer (onTimer)' : load === 2 ? 'execution loaded on the result (onResult)' : 'execution loaded again';
  if (c.table === entities && c.command === 'GetItem') return 'entity read afresh';
  if (c.table === executions && c.command === 'PutItem' && (c.sk ?? '').startsWith(executionKeys.resultPrefix)) return "wait step's result written";
  if (c.table === executions && c.command === 'PutItem' && c.sk === 'STATE') return 'final state written';
  const table = c.table === executions ? 'executions' : c.table === control ? 'control' : c.table === entities ? 'entities' : (c.table ?? '');
  return `${c.command} ${table}${c.index ? ` (${c.index})` : ''}${c.sk ? ` ${c.sk.split('#')[0]}` : ''}`;
}

const totals = (w: WakeUp) => {
  let calls = 0;
  let reads = 0;
  let writes = 0;
  for (const v of w.components.values()) {
    calls += v.calls;
    reads += v.reads;
    writes += v.writes;
  }
  return { calls: calls / w.samples, reads: reads / w.samples, writes: writes / w.samples };
};
const summarize = (w: WakeUp) => ({ ...totals(w), latencyMs: median(w.latencies), unrelated: w.unrelated.length, components: Object.fromEntries(w.components) });

/**
 * A fresh stack on the real clock: `BURST` executions whose waits all end at the same instant,
 * far enough ahead for the seeding to finish first; then the wall time until every timer fired
 * (its item deleted) and every execution is final.
 */
async function measureBurst(seeding: Seeding): Promise<Burst> {
  const log = new DynamoCallLog();
  const finals = new Map<string, number>();
  const stack = await startStack(log, (org, id) => org === BURST_ORG && !finals.has(id) && finals.set(id, Date.now()));
  const own = new DynamoDBClient(localAwsClientConfig(stack.endpoints.dynamodb));
  try {
    // Ahead by 1.5 times the time seeding this many took in the first part, plus a margin: the
    // timers must not start firing before the last one is armed.
    const rate = seeding.executions / (seeding.ms / 1000);
    const leadS = Math.ceil((1.5 * BURST) / rate) + 30;
    const flow = await saveFlow(stack, BURST_ORG, waitFlow(`PT${leadS}S`));
    await stack.idle();
    const now = stack.clock.now();
    const due = now + leadS * 1000;
    const t0 = Date.now();
    const { executions: seeded } = await seedWaitingExecutions({
      stack,
      client: own,
      org: BURST_ORG,
      flow,
      now,
      from: 0,
      count: BURST,
      eventPrefix: 'burst',
      entityOf: (n) => ({ _id: `contact-${n}`, _schema: 'contact', _org: BURST_ORG }),
    });
    const seedMs = Date.now() - t0;
    if (seeded.some((s) => s.timers[0]!.due_at !== due)) throw new Error('burst timers are not all due at the same instant');
    if (Date.now() >= due) throw new Error(`seeding ${BURST} took ${seedMs} ms, past the due time ${leadS} s ahead`);
    log.start();
    const deadline = due + 60 * 60_000;
    while (finals.size < BURST) {
      if (Date.now() > deadline) throw new Error(`after an hour ${finals.size} of ${BURST} executions are final`);
      await sleep(250);
    }
    await stack.idle();
    const calls = log.stop();
    const success = await countSuccess(stack, seeded.map((s) => s.execution_id));
    // A timer has fired once the dispatcher handled it: for a wait step, once its result is written.
    const results = calls.filter((c) => c.command === 'PutItem' && c.table === stack.tables.executions && (c.sk ?? '').startsWith(executionKeys.resultPrefix) && c.input.includes(`ORG#${BURST_ORG}#`));
    if (results.length !== BURST) throw new Error(`${results.length} wait results written for ${BURST} timers`);
    const timerDeletes = calls.filter((c) => c.command === 'DeleteItem' && c.table === stack.tables.control && c.input.includes(timerKeys.collection(BURST_ORG)));
    const work = calls.filter((c) => c.client !== 'streams' && c.client !== 'sqs' && c.index !== 'active');
    const finalTimes = [...finals.values()];
    const firedAt = results.map((c) => c.at).sort((x, y) => x - y);
    const tenth = Math.max(1, Math.floor(BURST / 10));
    const span = (from: number, to: number) => (firedAt[to - 1]! - (from === 0 ? due : firedAt[from - 1]!)) / 1000;
    const durations = (pick: (c: RecordedCall) => boolean, from: number, to: number) => median(calls.filter((c) => pick(c) && c.at >= from && c.at < to).map((c) => c.ms));
    const end = firedAt[firedAt.length - 1]!;
    const early = [due, firedAt[tenth - 1]!] as const;
    const late = [firedAt[BURST - tenth]!, end + 1] as const;
    const kinds: Record<string, (c: RecordedCall) => boolean> = {
      'execution loaded (Query)': (c) => c.table === stack.tables.executions && c.command === 'Query' && !c.index,
      'entity read (GetItem)': (c) => c.table === stack.tables.entities && c.command === 'GetItem',
      'result written (PutItem)': (c) => results.includes(c),
      'timer item deleted (DeleteItem)': (c) => timerDeletes.includes(c),
      'state written (PutItem)': (c) => c.table === stack.tables.executions && c.command === 'PutItem' && c.sk === 'STATE',
      'stream read (GetRecords)': (c) => c.client === 'streams' && c.command === 'GetRecords',
    };
    const diagnostics = {
      firstTenthRate: tenth / span(0, tenth),
      lastTenthRate: tenth / span(BURST - tenth, BURST),
      medianMs: Object.fromEntries(Object.entries(kinds).map(([k, pick]) => [k, [durations(pick, ...early), durations(pick, ...late)]])),
    };
    say('burst diagnostics', JSON.stringify(diagnostics));
    return {
      timers: BURST,
      clock: 'real',
      seedMs,
      leadMs: due - (t0 + seedMs),
      firedSeconds: (Math.max(...results.map((c) => c.at)) - due) / 1000,
      finalSeconds: (Math.max(...finalTimes) - due) / 1000,
      firstFinalSeconds: (Math.min(...finalTimes) - due) / 1000,
      success,
      timerDeletes: timerDeletes.length,
      diagnostics,
      callsPerExecution: work.length / BURST,
      unitsPerExecution: { reads: work.reduce((sum, c) => sum + c.readUnits, 0) / BURST, writes: work.reduce((sum, c) => sum + c.writeUnits, 0) / BURST },
    };
  } finally {
    await stack.stop();
    own.destroy();
  }
}

/** Successful final states among `ids`, read after the measurement. */
async function countSuccess(stack: EmbeddedStack, ids: string[]): Promise<number> {
  const states = await stack.stores.executions.getStates(BURST_ORG, ids);
  const success = states.filter((s) => s.status === 'success').length;
  if (success !== ids.length) throw new Error(`${success} of ${ids.length} burst executions succeeded`);
  return success;
}

/** The command as run, with the size overrides it was given. */
const command = (): string =>
  [...Object.entries(process.env).filter(([k]) => k.startsWith('AUTOFLOW_BENCH_TIMERS_')).map(([k, v]) => `${k}=${v}`).sort(), 'pnpm bench timers'].join(' ');

interface Report {
  seeding: Seeding;
  verified: { states: number; armed: number; active: number };
  catchUpMs: number;
  first: WakeUp;
  full: WakeUp;
  idle: IdleMinute;
  burst: Burst;
  runMs: number;
  load: { start: number[]; end: number[] };
}

async function report(r: Report): Promise<void> {
  const { seeding, first, full, idle, burst } = r;
  const perSample = (w: WakeUp, name: string, key: 'calls' | 'reads' | 'writes') => (w.components.get(name)?.[key] ?? 0) / w.samples;
  const names = [...new Set([...first.components.keys(), ...full.components.keys()])];
  const a = totals(first);
  const b = totals(full);
  const same = names.every((n) => (['calls', 'reads', 'writes'] as const).every((k) => perSample(first, n, k) === perSample(full, n, k)));
  // On AWS the message or the schedule is the timer: no timer item to delete.
  const embeddedOnly = names.filter((n) => n.startsWith('timer item'));
  const aws = {
    reads: b.reads - embeddedOnly.reduce((sum, n) => sum + perSample(full, n, 'reads'), 0),
    writes: b.writes - embeddedOnly.reduce((sum, n) => sum + perSample(full, n, 'writes'), 0),
    calls: b.calls - embeddedOnly.reduce((sum, n) => sum + perSample(full, n, 'calls'), 0),
  };
  const timerDeletesPerWakeUp = embeddedOnly.reduce((sum, n) => sum + perSample(full, n, 'calls'), 0);
  const entityReads = perSample(full, 'entity read afresh', 'calls');
  const lambda = PRICE.lambdaRequest + LAMBDA_GB_SECONDS * PRICE.lambdaGbSecondArm;
  const dynamo = aws.reads * PRICE.readUnit + aws.writes * PRICE.writeUnit;
  const sqs = SQS_REQUESTS_PER_TIMER * PRICE.sqsRequest;
  const near = sqs + 2 * lambda + dynamo;
  const far = near + PRICE.schedulerInvocation;
  const nearBatched = sqs / 10 + (2 * lambda) / 10 + dynamo;
  const farBatched = nearBatched + PRICE.schedulerInvocation;
  const M = 1e6;

  const group = (name: string) => idle.groups.get(name) ?? { calls: 0, reads: 0, returned: 0 };
  const sweeper = group('sweeper Query active');
  const streamGroups = [...idle.groups].filter(([n]) => n.startsWith('streams '));
  const sqsGroups = [...idle.groups].filter(([n]) => n.startsWith('sqs '));
  const perSweep = idle.sweeps > 0 ? sweeper.calls / idle.sweeps : 0;
  const unitsPerSweep = idle.sweeps > 0 ? sweeper.reads / idle.sweeps : 0;
  const minutes = idle.seconds / 60;
  const n = (x: number) => x.toLocaleString('en-US');
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');

  const lines = [
    '## Durable timers',
    '',
    `Measured by \`${command()}\` on the embedded stack (${machine()}, ${new Date().toISOString().slice(0, 10)}; load average`,
    `${load(r.load.start)} at the start and ${load(r.load.end)} at the end: the machine was shared with other work). Real clock throughout,`,
    `the sweeper at the embedded default (every second; once a minute on AWS), stream pollers idle ${POLL_MS} ms between empty reads.`,
    'Every call the stack\'s DynamoDB, DynamoDB Streams and SQS clients sent was recorded by a client middleware, with',
    'ReturnConsumedCapacity=INDEXES (units as DynamoDB Local reports them); the benchmark seeds, polls and checks through clients of its own.',
    `The whole run took ${fmt(r.runMs / 60_000)} min.`,
    '',
    `### ${n(WAITING)} waiting executions`,
    '',
    `A flow whose only step is a two-week wait step (\`{ type: 'wait', config: { timeout: 'P14D' } }\`). The executions were not started`,
    'through the event pipeline but written as the listener and then the dispatcher would have: `initialState`, `onStateChanged` (the',
    "waiting state), the execution store's own `snapshotItems` and `stateItem` in BatchWriteItem calls, and every timer armed through",
    `the stack's timer service (\`stack.timers.arm\`, one timer item each). Setup, not a result: ${n(seeding.executions)} executions`,
    `(${n(seeding.items)} items, ${n(seeding.timers)} timers) in ${fmt(seeding.ms / 1000)} s, ${fmt(seeding.executions / (seeding.ms / 1000))} executions/s; the dispatcher's stream reader`,
    `(which filters waiting states out) reached the end of the stream ${fmt(r.catchUpMs / 1000)} s after the last write.`,
    `Checked before measuring: reading every seeded state back found ${n(r.verified.states)} waiting on their slot's timer, the timer service held ${n(r.verified.armed)} armed timers,`,
    `and the sweeper's \`active\` index held ${n(r.verified.active)} entries.`,
    '',
    `### One idle minute with ${n(idle.waiting)} waiting`,
    '',
    `Every call in ${idle.seconds} s of wall time, with nothing due and nothing else to do:`,
    '',
    `| calls in ${idle.seconds} s | calls | read units | items returned |`,
    '|---|---:|---:|---:|',
    `| **naming a waiting execution or its timer** | **${n(idle.attributable.length)}** | **${fmt(idle.attributable.reduce((sum, c) => sum + c.readUnits, 0))}** | – |`,
    `| sweeper: Query of the \`active\` index (${fmt(perSweep, 0)} shards × ${n(idle.sweeps)} sweeps) | ${n(sweeper.calls)} | ${fmt(sweeper.reads)} | ${n(sweeper.returned)} |`,
    ...streamGroups.map(([name, g]) => `| stream polling: DynamoDB Streams ${name.slice('streams '.length)} | ${n(g.calls)} | – | ${n(g.returned)} |`),
    `| other DynamoDB calls | ${n(idle.other.length)} | ${fmt(idle.other.reduce((sum, c) => sum + c.readUnits, 0))} | – |`,
    ...sqsGroups.map(([name, g]) => `| (not DynamoDB) trigger queue: SQS ${name.slice('sqs '.length)}, 1 s long polls | ${n(g.calls)} | – | ${n(g.returned)} |`),
    '',
    `Waiting executions cost **${n(idle.attributable.length)} calls per minute**: they are not in the sweeper's index, and their timers wait in memory`,
    '(one `setTimeout` to the earliest). What remains is constant whatever waits: the sweeper queries its index, which is empty, and the',
    'pollers read the two tables\' streams (GetRecords and shard discovery are polling, not work per execution; on AWS Lambda polls the streams',
    `and these calls are not charged). On AWS the sweeper runs once a minute: ${fmt(perSweep, 0)} queries of an empty index, for which DynamoDB Local`,
    `reports ${fmt(unitsPerSweep)} read units per sweep (on AWS at most half a read unit each: index queries are eventually consistent and read less than 4 KB).`,
    '',
    '### One wake-up',
    '',
    `A timer fires on the real clock (a ${SAMPLE_DELAY_S}-second wait step of an execution about a stored entity, seeded the same way), measured`,
    'from just after it was armed until the execution is final and the engine idle, one execution at a time; mean per wake-up over',
    `${SAMPLES} executions with ${n(FIRST)} and with ${n(WAITING)} others waiting. Polling and the sweeper's index queries are left out (they are above).`,
    '',
    `| step | calls (${n(FIRST)} waiting) | calls (${n(WAITING)} waiting) | read units (${n(FIRST)}) | read units (${n(WAITING)}) | write units (${n(FIRST)}) | write units (${n(WAITING)}) |`,
    '|---|---:|---:|---:|---:|---:|---:|',
    ...names.map((name) => `| ${name} | ${fmt(perSample(first, name, 'calls'))} | ${fmt(perSample(full, name, 'calls'))} | ${fmt(perSample(first, name, 'reads'))} | ${fmt(perSample(full, name, 'reads'))} | ${fmt(perSample(first, name, 'writes'))} | ${fmt(perSample(full, name, 'writes'))} |`),
    `| **one wake-up** | **${fmt(a.calls)}** | **${fmt(b.calls)}** | **${fmt(a.reads)}** | **${fmt(b.reads)}** | **${fmt(a.writes)}** | **${fmt(b.writes)}** |`,
    '',
    same
      ? `The same calls and units with ${n(FIRST)} and with ${n(WAITING)} executions waiting: a wake-up is O(1) in the number of waiting executions.`
      : `**The calls or units differ between ${n(FIRST)} and ${n(WAITING)} waiting executions** (see the table): a wake-up is not independent of them here.`,
    `Calls during the windows that concerned no sampled execution: ${first.unrelated.length + full.unrelated.length}. The execution store's CapacityMeter, which covers that store`,
    `only, saw ${fmt(first.meter.reads / first.samples)} / ${fmt(full.meter.reads / full.samples)} read and ${fmt(first.meter.writes / first.samples)} / ${fmt(full.meter.writes / full.samples)} write units per wake-up (${n(FIRST)} / ${n(WAITING)} waiting).`,
    entityReads > 0
      ? 'The entity is read afresh at each wake-up.'
      : 'The entity is not read: the dispatcher reads it afresh only for flows with `schedules[]` (one GetItem more per wake-up there).',
    '',
    'Time from the due time to the final state written, median over the samples (wall time, this machine):',
    '',
    '| waiting | due → result written (timer fired, `onTimer`) | result → final state (stream record, `onResult`) | due → final | stream read (GetRecords), median |',
    '|---:|---:|---:|---:|---:|',
    ...([[FIRST, first], [WAITING, full]] as const).map(([size, w]) => `| ${n(size)} | ${n(median(w.fired))} ms | ${n(median(w.settled))} ms | ${n(median(w.latencies))} ms | ${n(median(w.getRecordsMs))} ms |`),
    '',
    median(full.latencies) > 1.5 * median(first.latencies)
      ? `The calls are the same but the time is not: it goes to the stream read that carries the result to the dispatcher, which DynamoDB Local serves in time that grows with the stream (the ${n(WAITING)} seeded executions wrote ${n(seeding.items)} stream records; see also the bulk section): an emulator effect, not work per waiting execution.`
      : `No slower with ${n(WAITING)} waiting than with ${n(FIRST)}.`,
    `The timer item is deleted ${fmt(timerDeletesPerWakeUp)} times per wake-up: once by the timer service after \`onTimer\` and once by the`,
    "dispatcher, which disarms the slot's timer when it writes the final state. Both are embedded-stack calls: on AWS the timer is the SQS",
    'message or the schedule, and the disarm deletes schedules only for timers due more than 15 minutes ahead.',
    '',
    `### ${n(burst.timers)} timers due at the same instant`,
    '',
    `A fresh stack on the real clock: ${n(burst.timers)} executions of a wait step, all due at the same millisecond, seeded`,
    `${fmt(burst.leadMs / 1000)} s before it (setup: ${fmt(burst.seedMs / 1000)} s). The timer service hands due timers to the dispatcher 8 at a time; each writes`,
    "the wait step's result, whose stream record the dispatcher (parallelization 2) turns into the final state. A manual clock's",
    '`advanceClock` would wait for the engine to be idle after each timer, which measures latency, not throughput.',
    '',
    '| timers | all fired after | timers fired/s | first final after | all final after | executions final/s | DynamoDB calls per execution | read / write units per execution |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${n(burst.timers)} | ${fmt(burst.firedSeconds)} s | ${fmt(burst.timers / burst.firedSeconds)} | ${fmt(burst.firstFinalSeconds)} s | ${fmt(burst.finalSeconds)} s | ${fmt(burst.timers / burst.finalSeconds)} | ${fmt(burst.callsPerExecution)} | ${fmt(burst.unitsPerExecution.reads)} / ${fmt(burst.unitsPerExecution.writes)} |`,
    '',
    `"Fired" counts until the last wait result was written, "final" until the last final state. ${n(burst.success)} of ${n(burst.timers)} executions ended successful;`,
    `${n(burst.timerDeletes)} timer-item deletes (two per timer, as above). The rate was ${fmt(burst.diagnostics.firstTenthRate)} timers/s over the first tenth of the timers and`,
    `${fmt(burst.diagnostics.lastTenthRate)} over the last; median call durations (first tenth / last tenth): ${Object.entries(burst.diagnostics.medianMs).filter(([, [x, y]]) => x! + y! > 0).map(([k, [x, y]]) => `${k} ${n(x!)} / ${n(y!)} ms`).join(', ')}.`,
    'DynamoDB Local serves every component (and the stream reads) on the same two cores, shared here with other work: the rate is this',
    "machine's, not the design's (on AWS the timers function and the dispatcher run as concurrent Lambda invocations, which this does not reproduce).",
    '',
    '### On AWS, per million timers',
    '',
    'The mechanism of [0008](decisions/0008-timers.md): a timer due within 15 minutes is an SQS message with a delay; a later one is an',
    'EventBridge Scheduler one-time schedule whose target sends the same message; one `timers` function reads the queue and calls',
    "`onTimer`. A wake-up's DynamoDB work is the one measured above without the embedded stack's timer-item deletes:",
    `${fmt(aws.calls)} calls, ${fmt(aws.reads)} read and ${fmt(aws.writes)} write units. Worst case, one timer per request and per invocation:`,
    '',
    '| per million timers (us-east-1 list prices) | due within 15 min (SQS delay) | due later (Scheduler) |',
    '|---|---:|---:|',
    `| EventBridge Scheduler: 1 scheduled invocation ($1.00 per million; CreateSchedule not charged) | – | ${usd(PRICE.schedulerInvocation * M)} |`,
    `| SQS: send, receive, delete = ${SQS_REQUESTS_PER_TIMER} requests ($0.40 per million) | ${usd(sqs * M)} | ${usd(sqs * M)} |`,
    `| Lambda: the timers function, 1 invocation ($0.20 per million + 256 MB × 50 ms arm64, assumed) | ${usd(lambda * M)} | ${usd(lambda * M)} |`,
    `| Lambda: the dispatcher on the wait result's stream record, 1 invocation (same) | ${usd(lambda * M)} | ${usd(lambda * M)} |`,
    `| DynamoDB on-demand: ${fmt(aws.reads)} RRU ($0.125 per million) + ${fmt(aws.writes)} WRU ($0.625 per million) | ${usd(dynamo * M)} | ${usd(dynamo * M)} |`,
    `| **per million timers** | **${usd(near * M)}** | **${usd(far * M)}** |`,
    `| same, SQS requests and invocations in full batches of 10 | ${usd(nearBatched * M)} | ${usd(farBatched * M)} |`,
    '| **waiting, per minute** (no call, nothing runs; measured above) | **$0.00** | **$0.00** |',
    '',
    'Not included: what runs after the timer when the step that waited is an action (the per-action cost above), the first 14 million',
    'Scheduler invocations and first million SQS requests a month that are free, CloudWatch. Lambda duration is an assumption until',
    'measured on AWS. The sweeper is a fixed cost whatever waits (above), and Lambda\'s stream polling is not charged.',
  ];
  await writeSection('timers', lines.join('\n'));
  if (!same) console.warn('wake-up cost differs between the two sizes');
  console.log(`timers: ${fmt(b.calls)} calls per wake-up; ${usd(near * M)} / ${usd(far * M)} per million near / far timers; run ${fmt(r.runMs / 60_000)} min`);
}
