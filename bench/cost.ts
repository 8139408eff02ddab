/**
 * What one execution costs on AWS, from a real run on the embedded stack: every DynamoDB call the
 * engine sends (recorded by an SDK middleware, with ReturnConsumedCapacity=INDEXES so read and
 * write units include indexes), attributed to the component that sent it (listener, dispatcher,
 * worker) and to what it was for (execution items, admission, guards, flows), plus EventBridge
 * entries and Lambda invocations counted by the stack; priced with AWS's published on-demand prices.
 *
 * `pnpm bench cost --save-baseline` writes the figures to bench/baselines/cost.json instead of the
 * docs (run once at a start commit); a normal run shows that baseline beside its own figures.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isFinal } from '@autoflow/core';
import { Dispatcher, Sweeper, TriggerListener, WorkerRunner, executionIdFor } from '@autoflow/engine';
import { EmbeddedStack } from '@autoflow/local';
import { saveFlow } from '../test/support/flows';
import { DynamoCallLog, type RecordedCall } from './DynamoCallLog';
import { machine, writeSection } from './writeSection';

/** Published us-east-1 prices, USD (DynamoDB on-demand since Nov 2024; EventBridge custom events; Lambda arm64; SQS FIFO). */
const PRICE = {
  writeUnit: 0.625 / 1e6,
  readUnit: 0.125 / 1e6,
  eventBridgeEntry: 1.0 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecondArm: 0.0000133334,
  sqsFifoRequest: 0.5 / 1e6,
  stepFunctionsTransition: 25 / 1e6,
};
/** Assumed per invocation (not measured here): 256 MB for 50 ms. */
const LAMBDA_GB_SECONDS = 0.25 * 0.05;
/** SQS requests per event: send, receive, delete (batching on AWS can only lower this). */
const SQS_REQUESTS_PER_EVENT = 3;
/** What one partition accepts per second for a single item (DynamoDB's per-partition write limit). */
const ITEM_WRU_PER_SECOND = 1_000;
const SNAPSHOT_BYTES = 20_000;
const SIZES = [1, 5, 10] as const;
const ORG = 'bench-cost';
const BASELINE = join(__dirname, 'baselines', 'cost.json');

type Component = 'listener' | 'dispatcher' | 'worker' | 'sweeper' | 'other';
const COMPONENTS: Component[] = ['listener', 'dispatcher', 'worker', 'sweeper', 'other'];

interface Tally {
  calls: number;
  reads: number;
  writes: number;
  rru: number;
  wru: number;
}

interface ExecutionFigures {
  actions: number;
  total: Tally;
  byComponent: Record<string, Tally>;
  byPurpose: Record<string, Tally>;
  invocations: Record<string, number>;
  eventBridgeEntries: number;
  /** write units per start taken by items shared across executions (org- or flow-wide), by item */
  sharedItems: Record<string, number>;
  /** reads of the org's flow-set version (at most one a second per listener), not in `total` */
  versionReads: number;
}

interface Figures {
  commit: string;
  date: string;
  machine: string;
  /** the first execution of each flow (caches cold) and the steady state (the next ones) */
  cold: ExecutionFigures[];
  warm: ExecutionFigures[];
}

/** Attributes each call to the engine component on whose behalf it was sent. */
const component = new AsyncLocalStorage<Component>();
const invocations = new Map<Component, number>();

function instrument(proto: object, methods: string[], name: Component, invoked = true): void {
  for (const m of methods) {
    const original = (proto as Record<string, unknown>)[m];
    if (typeof original !== 'function') continue;
    (proto as Record<string, unknown>)[m] = function (this: unknown, ...args: unknown[]) {
      if (invoked && component.getStore() !== name) invocations.set(name, (invocations.get(name) ?? 0) + 1);
      return component.run(name, () => (original as (...a: unknown[]) => unknown).apply(this, args));
    };
  }
}

instrument(TriggerListener.prototype, ['handleMessage', 'handleEvent'], 'listener');
// Called by the batch handler after the batch, in the same invocation.
instrument(TriggerListener.prototype, ['flushRuns'], 'listener', false);
instrument(Dispatcher.prototype, ['onState', 'onResult', 'onTimer', 'onLeaseExpired', 'onRecord'], 'dispatcher');
instrument(WorkerRunner.prototype, ['run'], 'worker');
instrument(Sweeper.prototype, ['sweep'], 'sweeper');

/** What a call was for, from the keys it names. */
function purposeOf(call: RecordedCall, tables: { executions: string; control: string; entities: string }): string {
  if (call.table === tables.executions) return 'execution items';
  if (call.table === tables.entities) return 'entities';
  const input = call.input;
  if (/#SLOTS|#LOCK#|#WAITQ#|#ADMIT/.test(input)) return 'admission';
  if (/#COUNTER#/.test(input)) return 'guards';
  if (/#TRIGIDX#|FLOW#|#FLOWS/.test(input)) return 'flows';
  if (/#TIMERS/.test(input)) return 'timers';
  if (/#RECENT#/.test(input)) return 'look-back';
  return 'other';
}

const WRITE_COMMANDS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const text = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : v && typeof v === 'object' && typeof (v as { S?: unknown }).S === 'string' ? (v as { S: string }).S : undefined;

/** The items a write names: [key, transactional]. */
function writtenItems(call: RecordedCall): Array<{ key: string; transactional: boolean }> {
  const input = JSON.parse(call.input) as Record<string, unknown>;
  const keyOf = (item: Record<string, unknown> | undefined) => (item ? `${text(item.pk)} / ${text(item.sk)}` : undefined);
  const out: Array<{ key: string; transactional: boolean }> = [];
  const push = (item: Record<string, unknown> | undefined, transactional: boolean) => {
    const key = keyOf(item);
    if (key) out.push({ key, transactional });
  };
  if (call.command === 'TransactWriteItems') {
    for (const t of (input.TransactItems as Array<Record<string, { Item?: Record<string, unknown>; Key?: Record<string, unknown> }>>) ?? []) {
      if (t.Put) push(t.Put.Item, true);
      if (t.Update) push(t.Update.Key, true);
      if (t.Delete) push(t.Delete.Key, true);
    }
  } else if (call.command === 'BatchWriteItem') {
    for (const reqs of Object.values((input.RequestItems as Record<string, Array<{ PutRequest?: { Item: Record<string, unknown> }; DeleteRequest?: { Key: Record<string, unknown> } }>>) ?? {})) {
      for (const r of reqs) push(r.PutRequest?.Item ?? r.DeleteRequest?.Key, false);
    }
  } else {
    push((input.Item ?? input.Key) as Record<string, unknown> | undefined, false);
  }
  return out;
}

const emptyTally = (): Tally => ({ calls: 0, reads: 0, writes: 0, rru: 0, wru: 0 });
function add(t: Tally, c: RecordedCall): void {
  t.calls += 1;
  if (WRITE_COMMANDS.has(c.command)) t.writes += 1;
  else t.reads += 1;
  t.rru += c.readUnits;
  t.wru += c.writeUnits;
}

async function measure(stack: EmbeddedStack, log: DynamoCallLog, flowId: string, actions: number, tag: string): Promise<ExecutionFigures> {
  const eventId = `cost-${actions}-${tag}-${Date.now()}`;
  const entityId = `entity-${eventId}`;
  const entity = { _id: entityId, _schema: `contract${actions}`, _title: 'Contract', notes: 'x'.repeat(SNAPSHOT_BYTES) };
  const entries = stack.publisher.entriesPublished;
  invocations.clear();
  log.start();
  await stack.publishEvents([{ event_id: eventId, org_id: ORG, type: 'entity_operation', operation: 'createEntity', entity }]);
  await stack.idle();
  const calls = log.stop().filter((c) => c.client === 'dynamodb' || c.client === 'document');
  const id = executionIdFor(ORG, eventId, flowId);
  const state = await stack.stores.executions.getState(ORG, id);
  if (!state || !isFinal(state.status) || state.status !== 'success') throw new Error(`execution ${id} did not succeed: ${state?.status}`);
  const figures: ExecutionFigures = {
    actions,
    total: emptyTally(),
    byComponent: {},
    byPurpose: {},
    invocations: Object.fromEntries(invocations),
    eventBridgeEntries: stack.publisher.entriesPublished - entries,
    sharedItems: {},
    versionReads: 0,
  };
  const tables = stack.tables;
  for (const call of calls) {
    // Paid at most once a second per org and listener container, whatever the rate: counted apart.
    if (call.command === 'GetItem' && call.pk?.endsWith('#FLOWS') && call.sk === 'VERSION') {
      figures.versionReads += 1;
      continue;
    }
    const who = call.component ?? 'other';
    add(figures.total, call);
    add((figures.byComponent[who] ??= emptyTally()), call);
    add((figures.byPurpose[purposeOf(call, tables)] ??= emptyTally()), call);
    if (!WRITE_COMMANDS.has(call.command)) continue;
    for (const item of writtenItems(call)) {
      // Items of this execution or its entity are not shared; the rest are (org slots, counters, flows).
      if (item.key.includes(id) || item.key.includes(entityId)) continue;
      const shape = item.key.replaceAll(flowId, '<flow>').replace(/#\d{10,}/g, '#<window>').replace(/ \/ \d{10,}/, ' / <window>');
      figures.sharedItems[shape] = (figures.sharedItems[shape] ?? 0) + (item.transactional ? 2 : 1);
    }
  }
  return figures;
}

const commitOf = (): string => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};

async function collect(): Promise<Figures> {
  const log = new DynamoCallLog((/* tag each call */) => component.getStore());
  const stack = await EmbeddedStack.start({ sweepIntervalMs: 0, pollIntervalMs: 10, customHandlers: { noop: async () => ({ outputs: { ok: true } }) } });
  try {
    log.attach('dynamodb', stack.clients.dynamodb);
    log.attach('document', stack.clients.document);
    const flows = new Map<number, string>();
    for (const actions of SIZES) {
      const flow = await saveFlow(stack, ORG, {
        flow_name: `${actions} no-op actions`,
        triggers: [{ type: 'entity_operation', configuration: { schema: `contract${actions}`, operations: ['createEntity'] } }],
        // UUID-like action ids, as the API assigns them: the state item's size must not depend on them.
        actions: Array.from({ length: actions }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, type: 'noop', config: {} })),
      });
      flows.set(actions, flow.id);
    }
    const cold: ExecutionFigures[] = [];
    const warm: ExecutionFigures[] = [];
    for (const actions of SIZES) cold.push(await measure(stack, log, flows.get(actions)!, actions, 'cold'));
    for (const actions of SIZES) {
      await measure(stack, log, flows.get(actions)!, actions, 'warmup');
      warm.push(await measure(stack, log, flows.get(actions)!, actions, 'warm'));
    }
    return { commit: commitOf(), date: new Date().toISOString().slice(0, 10), machine: machine(), cold, warm };
  } finally {
    await stack.stop();
  }
}

const fmt = (n: number, digits = 1): string => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
const perMillion = (usd: number): string => `$${(usd * 1e6).toFixed(2)}`;
const bySize = (list: ExecutionFigures[], actions: number): ExecutionFigures => list.find((f) => f.actions === actions)!;

/** Marginal figures of one more action: (10-action run − 5-action run) / 5. */
function marginal(list: ExecutionFigures[], pick: (f: ExecutionFigures) => number): number {
  return (pick(bySize(list, 10)) - pick(bySize(list, 5))) / 5;
}

function render(now: Figures, before: Figures | undefined): string {
  const w = now.warm;
  const one = bySize(w, 1);
  const callsPerAction = marginal(w, (f) => f.total.calls);
  const rruPerAction = marginal(w, (f) => f.total.rru);
  const wruPerAction = marginal(w, (f) => f.total.wru);
  const fixedCalls = one.total.calls - callsPerAction;
  const beforeRow = (label: string, pick: (f: Figures) => string): string => `| ${label} | ${before ? pick(before) : '–'} | ${pick(now)} |`;
  const formula = (f: Figures) => {
    const per = marginal(f.warm, (x) => x.total.calls);
    return `${fmt(bySize(f.warm, 1).total.calls - per)} + ${fmt(per)} per action`;
  };
  const totalsFor = (f: Figures, actions: number) => {
    const x = bySize(f.warm, actions).total;
    return `${x.calls} (${x.reads} R / ${x.writes} W)`;
  };

  const components = COMPONENTS.filter((c) => w.some((f) => f.byComponent[c]));
  const purposes = [...new Set(w.flatMap((f) => Object.keys(f.byPurpose)))].sort();
  const componentRows = components.map((c) => {
    const t = one.byComponent[c] ?? emptyTally();
    const per = marginal(w, (f) => f.byComponent[c]?.calls ?? 0);
    return `| ${c} | ${t.calls} | ${t.reads} / ${t.writes} | ${fmt(t.rru)} | ${fmt(t.wru)} | ${fmt(per)} | ${fmt(one.invocations[c] ?? 0)} |`;
  });
  const purposeRows = purposes.map((p) => {
    const t = one.byPurpose[p] ?? emptyTally();
    return `| ${p} | ${t.calls} | ${fmt(t.rru)} | ${fmt(t.wru)} | ${fmt(marginal(w, (f) => f.byPurpose[p]?.calls ?? 0))} |`;
  });

  // Price per million actions: one action's marginal cost plus the execution's fixed cost spread over its actions.
  const entriesPerAction = marginal(w, (f) => f.eventBridgeEntries);
  const lambdaPerAction = marginal(w, (f) => Object.values(f.invocations).reduce((a, b) => a + b, 0));
  const lambdaFixed = Object.values(one.invocations).reduce((a, b) => a + b, 0) - lambdaPerAction;
  const lambdaUsd = (n: number) => n * (PRICE.lambdaRequest + LAMBDA_GB_SECONDS * PRICE.lambdaGbSecondArm);
  const actionUsd = {
    reads: rruPerAction * PRICE.readUnit,
    writes: wruPerAction * PRICE.writeUnit,
    eventBridge: entriesPerAction * PRICE.eventBridgeEntry,
    lambda: lambdaUsd(lambdaPerAction),
  };
  const fixed = {
    reads: (one.total.rru - rruPerAction) * PRICE.readUnit,
    writes: (one.total.wru - wruPerAction) * PRICE.writeUnit,
    eventBridge: (one.eventBridgeEntries - entriesPerAction) * PRICE.eventBridgeEntry,
    lambda: lambdaUsd(lambdaFixed),
    sqs: SQS_REQUESTS_PER_EVENT * PRICE.sqsFifoRequest,
  };
  const actionTotal = Object.values(actionUsd).reduce((a, b) => a + b, 0);
  const fixedTotal = Object.values(fixed).reduce((a, b) => a + b, 0);
  const perExecution = (actions: number) => fixedTotal + actions * actionTotal;

  const shared = Object.entries(one.sharedItems).sort((a, b) => b[1] - a[1]);
  const sharedRows = shared.map(([key, wru]) => `| \`${key}\` | ${fmt(wru)} | ${Math.floor(ITEM_WRU_PER_SECOND / wru).toLocaleString('en-US')} |`);
  const ceiling = (f: Figures) => {
    const items = Object.entries(bySize(f.warm, 1).sharedItems);
    const org = items.filter(([k]) => !k.includes('<flow>'));
    const flow = items.filter(([k]) => k.includes('<flow>'));
    const limit = (list: Array<[string, number]>) => (list.length ? Math.floor(ITEM_WRU_PER_SECOND / Math.max(...list.map(([, v]) => v))).toLocaleString('en-US') : 'no limit');
    return `${limit(org)} / ${limit(flow)}`;
  };
  const coldNow = bySize(now.cold, 1).total.calls;

  return [
    '## Cost per execution and per action',
    '',
    `Measured by \`pnpm bench cost\` on the embedded stack (${now.machine}, ${now.date}, commit ${now.commit}). One`,
    `\`entity_operation\` event starts one flow of no-op custom actions over an entity with a ${SNAPSHOT_BYTES / 1000} KB snapshot; nobody`,
    'else runs, so admission is uncontended. Every DynamoDB call the engine sends is recorded by an SDK middleware',
    'and attributed to the component it ran for; read and write units are DynamoDB\'s consumed capacity',
    '(ReturnConsumedCapacity=INDEXES) as DynamoDB Local reports it. Stream reads (GetRecords) are not table calls and',
    'are not counted; on AWS they are free to Lambda. Figures are for the steady state (each flow already ran once',
    `in the process, so per-container memory is warm); the first execution of a flow made ${coldNow} calls for one action. Not in the`,
    "figures: the listener's read of the org's flow-set version, one call (0.5 RRU) at most once a second per org and listener",
    'container, whatever the rate (at one event a second or slower, every event pays it).',
    '',
    before ? `"Before" is the same benchmark run at commit ${before.commit} (${before.date}), the start of the hot-path rework, saved in \`bench/baselines/cost.json\`.` : '',
    '',
    '| DynamoDB per execution | before | now |',
    '|---|---:|---:|',
    beforeRow('calls, as a formula', formula),
    beforeRow('calls, 1 action', (f) => totalsFor(f, 1)),
    beforeRow('calls, 5 actions', (f) => totalsFor(f, 5)),
    beforeRow('calls, 10 actions', (f) => totalsFor(f, 10)),
    beforeRow('read units, 1 action', (f) => fmt(bySize(f.warm, 1).total.rru)),
    beforeRow('read units per further action', (f) => fmt(marginal(f.warm, (x) => x.total.rru))),
    beforeRow('write units, 1 action', (f) => fmt(bySize(f.warm, 1).total.wru)),
    beforeRow('write units per further action', (f) => fmt(marginal(f.warm, (x) => x.total.wru))),
    beforeRow('hottest shared item: starts/s per org / per flow (model)', ceiling),
    '',
    `Now: **${fmt(fixedCalls)} + ${fmt(callsPerAction)} calls per action**, ${fmt(rruPerAction)} read units and ${fmt(wruPerAction)} write units per further action.`,
    '',
    '### By component (1 action)',
    '',
    '| component | calls | reads / writes | RRU | WRU | calls per further action | invocations |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...componentRows,
    '',
    '| purpose | calls (1 action) | RRU | WRU | calls per further action |',
    '|---|---:|---:|---:|---:|',
    ...purposeRows,
    '',
    '### Items shared across executions (1 action)',
    '',
    'Write units each start takes on an item that other executions of the same org or flow also write. One item',
    `takes at most about ${ITEM_WRU_PER_SECOND.toLocaleString('en-US')} WRU/s, which bounds the starts per second it allows (a model: 1 WRU per write of an item`,
    'up to 1 KB, 2 in a transaction). The flow item takes its `runs` once per listener batch: here every batch holds one',
    'event, so once per start; under load a batch holds up to ten.',
    '',
    '| item | WRU per start | starts/s it allows |',
    '|---|---:|---:|',
    ...(sharedRows.length ? sharedRows : ['| (none) | 0 | no limit |']),
    '',
    '### Price on AWS (us-east-1 list prices)',
    '',
    '| per million | reads | writes | EventBridge | Lambda | SQS | total |',
    '|---|---:|---:|---:|---:|---:|---:|',
    `| actions (marginal) | ${perMillion(actionUsd.reads)} | ${perMillion(actionUsd.writes)} | ${perMillion(actionUsd.eventBridge)} | ${perMillion(actionUsd.lambda)} | – | **${perMillion(actionTotal)}** |`,
    `| executions, fixed part | ${perMillion(fixed.reads)} | ${perMillion(fixed.writes)} | ${perMillion(fixed.eventBridge)} | ${perMillion(fixed.lambda)} | ${perMillion(fixed.sqs)} | **${perMillion(fixedTotal)}** |`,
    `| executions of 1 action | | | | | | **${perMillion(perExecution(1))}** |`,
    `| executions of 5 actions | | | | | | **${perMillion(perExecution(5))}** |`,
    `| Step Functions Standard, one transition per action | | | | | | ${perMillion(PRICE.stepFunctionsTransition)} |`,
    '',
    `Prices: DynamoDB on-demand $0.625 per million WRU and $0.125 per million RRU; EventBridge $1.00 per million entries;`,
    `Lambda $0.20 per million requests plus 256 MB × 50 ms arm64 per invocation (assumed, not measured here; invocations counted`,
    `one per handled record or event, as at low load); SQS FIFO $0.50 per million requests, ${SQS_REQUESTS_PER_EVENT} per event (send, receive, delete).`,
    'Not included: CloudWatch, data transfer, the platform\'s own event publishing.',
  ].join('\n');
}

export async function run(): Promise<void> {
  const saveBaseline = process.argv.includes('--save-baseline');
  const figures = await collect();
  const one = bySize(figures.warm, 1).total;
  console.log(`commit ${figures.commit}: 1 action = ${one.calls} calls (${one.rru} RRU, ${one.wru} WRU); per further action ${marginal(figures.warm, (f) => f.total.calls)} calls`);
  if (saveBaseline) {
    await mkdir(join(__dirname, 'baselines'), { recursive: true });
    await writeFile(BASELINE, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`baseline written to ${BASELINE}`);
    return;
  }
  const before = await readFile(BASELINE, 'utf8').then((s) => JSON.parse(s) as Figures, () => undefined);
  await writeSection('cost', render(figures, before));
}
