/**
 * Bulk jobs against the event path on the embedded stack. The same flow (one no-op action) runs
 * over the same number of entities twice: once as `manual` events through the trigger queue and
 * the listener, once as a bulk job through the local Step Functions interpreter. Then one large
 * bulk job runs to the end while the runner's memory is sampled, and the run is checked: every
 * entity got exactly one execution, and every execution finished.
 *
 * `pnpm bench bulk` (AUTOFLOW_BENCH_BULK_ENTITIES, default 20000; AUTOFLOW_BENCH_BULK_COMPARE,
 * default 500).
 */
import { isFinal } from '@autoflow/core';
import { type BulkJobDocument, type StoredFlow, bulkExecutionId, createApiServices, executionIdFor } from '@autoflow/engine';
import { EmbeddedStack } from '@autoflow/local';
import { machine, writeSection } from './writeSection';

const LARGE = Number(process.env.AUTOFLOW_BENCH_BULK_ENTITIES ?? 20_000);
const COMPARE = Number(process.env.AUTOFLOW_BENCH_BULK_COMPARE ?? 500);
const PARALLELIZATION = 8;

interface PathResult {
  entities: number;
  startedSeconds: number;
  finishedSeconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => fmt(bytes / 1024 / 1024, 0);

export async function run(): Promise<void> {
  const stack = await EmbeddedStack.start({
    sweepIntervalMs: 5_000,
    // Lambda's own pace on a quiet shard; DynamoDB Local serves each GetRecords in time that grows
    // with the stream, so polling idle streams faster takes capacity from the run itself
    pollIntervalMs: 250,
    parallelizationFactor: PARALLELIZATION,
    customHandlers: { noop: async () => ({ outputs: { ok: true } }) },
  });
  const services = createApiServices({ ...stack.stores, ingress: stack.ingress, clock: stack.clock, bulk: stack.bulk });
  try {
    const eventPath = await runEventPath(stack, 'bench-events', COMPARE);
    console.log('event path', eventPath);
    const bulkPath = await runBulk(stack, services, 'bench-bulk', COMPARE);
    console.log('bulk path', bulkPath.result);
    await report(eventPath, bulkPath.result);
    const large = await runBulk(stack, services, 'bench-bulk-large', LARGE, true);
    console.log('large bulk job', large.result, large.memory, large.check);
    await report(eventPath, bulkPath.result, large);
  } finally {
    await stack.stop();
  }
}

async function seed(stack: EmbeddedStack, org: string, n: number): Promise<StoredFlow> {
  for (let i = 0; i < n; i += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, n - i) }, (_, k) => ({ _id: `${org}-c-${String(i + k).padStart(6, '0')}`, _schema: 'contract', price: i + k }));
    await stack.stores.entities.importMany(org, batch);
  }
  return stack.stores.flows.put({
    id: `${org}-reprice`,
    org_id: org,
    flow_name: 'reprice contracts',
    enabled: true,
    triggers: [{ id: 't1', type: 'entity_manual', configuration: { schema: 'contract' } }],
    actions: [{ id: 'a1', type: 'noop', name: 'no-op', config: {} }],
    // a deliberate burst: without its own limit the event path would trip the general
    // trigger limit (100 per 30 s) and the flow would go hot
    max_executions: { count: 1_000_000, window: 'PT1H' },
  });
}

/** Waits until all executions exist (started) and are final; reads their states a hundred at a time. */
async function follow(stack: EmbeddedStack, org: string, ids: string[], t0: number): Promise<{ startedSeconds: number; finishedSeconds: number }> {
  let startedSeconds: number | undefined;
  for (;;) {
    let exist = 0;
    let final = 0;
    for (let i = 0; i < ids.length; i += 100) {
      const states = await stack.stores.executions.getStates(org, ids.slice(i, i + 100));
      exist += states.length;
      final += states.filter((s) => isFinal(s.status)).length;
    }
    const elapsed = (Date.now() - t0) / 1000;
    if (startedSeconds === undefined && exist === ids.length) startedSeconds = elapsed;
    if (final === ids.length) return { startedSeconds: startedSeconds ?? elapsed, finishedSeconds: elapsed };
    await sleep(2_000);
  }
}

async function runEventPath(stack: EmbeddedStack, org: string, n: number): Promise<PathResult> {
  const flow = await seed(stack, org, n);
  const t0 = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < n; i += 100) {
    const events = [];
    for (let k = i; k < Math.min(n, i + 100); k++) {
      const entity = { _id: `${org}-c-${String(k).padStart(6, '0')}`, _schema: 'contract', price: k };
      const event_id = `bench-${k}`;
      events.push({ event_id, org_id: org, type: 'manual', flow_id: flow.id, entity });
      ids.push(executionIdFor(org, event_id, flow.id));
    }
    await stack.publishEvents(events);
  }
  return { entities: n, ...(await follow(stack, org, ids, t0)) };
}

async function runBulk(stack: EmbeddedStack, services: ReturnType<typeof createApiServices>, org: string, n: number, sampleMemory = false) {
  const flow = await seed(stack, org, n);
  const caller = { org_id: org, subject: 'bench' };
  const bulk = services.bulkJobs!;
  const job = await bulk.create(caller, { flow_id: flow.id, entities_filter: [{ term: { _schema: 'contract' } }] });
  // the dry run stops at its time budget on large selections; then its counts are lower bounds
  if (job.preview.complete ? job.preview.entities_matched !== n : job.preview.entities_matched > n) throw new Error(`preview counted ${job.preview.entities_matched} of ${n}`);
  global.gc?.();
  const rss: number[] = [];
  const baseline = process.memoryUsage().rss;
  const sampler = sampleMemory ? setInterval(() => rss.push(process.memoryUsage().rss), 1_000) : undefined;
  const t0 = Date.now();
  await bulk.patch(caller, job.job_id, { action: 'APPROVE', task_token: job.task_token! });
  let startedSeconds: number | undefined;
  let done: BulkJobDocument;
  for (;;) {
    done = await bulk.get(caller, job.job_id, { size: 1 });
    const elapsed = (Date.now() - t0) / 1000;
    if (startedSeconds === undefined && done.progress.started + Object.values(done.progress.suppressed).reduce((a, b) => a + b, 0) >= n) startedSeconds = elapsed;
    if (['finished', 'failed', 'cancelled'].includes(done.status)) break;
    await sleep(2_000);
  }
  if (sampler) clearInterval(sampler);
  const finishedSeconds = (Date.now() - t0) / 1000;
  if (done.status !== 'finished') throw new Error(`bulk job ended ${done.status}: ${done.error ?? ''}`);
  const check = await checkExactlyOnce(stack, org, flow, job.job_id, n, done);
  const quarter = (q: number) => rss[Math.min(rss.length - 1, Math.floor((rss.length * q) / 4))] ?? baseline;
  return {
    result: { entities: n, startedSeconds: startedSeconds ?? finishedSeconds, finishedSeconds },
    memory: { baseline, peak: Math.max(baseline, ...rss), quarters: [1, 2, 3, 4].map((q) => quarter(q)) },
    check,
  };
}

/** Every entity has exactly one execution: n derived ids exist and are final, and the org has n executions in all. */
async function checkExactlyOnce(stack: EmbeddedStack, org: string, flow: StoredFlow, jobId: string, n: number, job: BulkJobDocument) {
  let final = 0;
  for (let i = 0; i < n; i += 100) {
    const ids = Array.from({ length: Math.min(100, n - i) }, (_, k) => bulkExecutionId({ org_id: org, job_id: jobId, flow_id: flow.id }, `${org}-c-${String(i + k).padStart(6, '0')}`));
    final += (await stack.stores.executions.getStates(org, ids)).filter((s) => isFinal(s.status)).length;
  }
  let total = 0;
  let cursor: string | undefined;
  do {
    const page = await stack.stores.executions.searchByOrg(org, { size: 100, ...(cursor ? { cursor } : {}) });
    total += page.states.length;
    cursor = page.cursor;
  } while (cursor);
  const success = job.report?.executions_by_status.success ?? 0;
  if (final !== n || total !== n || success !== n) throw new Error(`exactly-once check failed: ${final} final of ${n} derived, ${total} executions in the org, ${success} successes in the report`);
  return { final, total, success };
}

async function report(eventPath: PathResult, bulkPath: PathResult, large?: Awaited<ReturnType<typeof runBulk>>): Promise<void> {
  const rate = (r: PathResult, key: 'startedSeconds' | 'finishedSeconds') => fmt(r.entities / r[key]);
  const lines = [
    '## Bulk jobs against the event path',
    '',
    `Measured by \`pnpm bench bulk\` on the embedded stack (${machine()}, ${new Date().toISOString().slice(0, 10)}), executions-stream`,
    `parallelization ${PARALLELIZATION}, stream pollers idle 250 ms between empty reads. One flow with one no-op action over imported \`contract\` entities: as \`manual\` events`,
    'through the trigger queue and the listener, and as a bulk job (filter `_schema: contract`) run by the local Step Functions',
    'interpreter with the deployed definition. The flow sets a generous `max_executions`: with the default limits the event',
    'path would trip the general trigger limit and the flow would go hot. "Started" counts until every entity has its execution; "finished" until all',
    'are final. DynamoDB Local serves every component on the same two cores, so both paths share one ceiling; the started',
    'rate shows what each path itself costs.',
    '',
    '| path | entities | started after (s) | started entities/s | finished after (s) | finished entities/s |',
    '|---|---:|---:|---:|---:|---:|',
    `| event path (manual events) | ${eventPath.entities.toLocaleString('en-US')} | ${fmt(eventPath.startedSeconds)} | ${rate(eventPath, 'startedSeconds')} | ${fmt(eventPath.finishedSeconds)} | ${rate(eventPath, 'finishedSeconds')} |`,
    `| bulk job | ${bulkPath.entities.toLocaleString('en-US')} | ${fmt(bulkPath.startedSeconds)} | ${rate(bulkPath, 'startedSeconds')} | ${fmt(bulkPath.finishedSeconds)} | ${rate(bulkPath, 'finishedSeconds')} |`,
  ];
  if (large) {
    lines.push(
      `| bulk job | ${large.result.entities.toLocaleString('en-US')} | ${fmt(large.result.startedSeconds)} | ${rate(large.result, 'startedSeconds')} | ${fmt(large.result.finishedSeconds)} | ${rate(large.result, 'finishedSeconds')} |`,
      '',
      `The ${large.result.entities.toLocaleString('en-US')}-entity job finished with ${large.check.success.toLocaleString('en-US')} successful executions; the check after it found`,
      `${large.check.final.toLocaleString('en-US')} final executions under the ids derived from (job, entity) and ${large.check.total.toLocaleString('en-US')} executions in the org: exactly one per entity.`,
      'A job this size outruns what the org can run at once, so the runner starts a page only when fewer than 100 of the',
      "org's executions wait for a slot: its started rate is the rate at which the org's executions finish, not the runner's own.",
      "DynamoDB Local also slows as the executions stream grows (one shard per table, read in time that grows with it).",
      '',
      'Resident memory of the Node process that runs the bulk runner (and the pollers, dispatcher and workers beside it),',
      'sampled every second while the job ran; the runner holds one page of entities at a time:',
      '',
      '| before approval | at 25 % of the run | at 50 % | at 75 % | at the end | peak |',
      '|---:|---:|---:|---:|---:|---:|',
      `| ${mb(large.memory.baseline)} MB | ${large.memory.quarters.map((b) => `${mb(b)} MB`).join(' | ')} | ${mb(large.memory.peak)} MB |`,
    );
  } else {
    lines.push('', `_The ${LARGE.toLocaleString('en-US')}-entity run is still to come in this benchmark run._`);
  }
  await writeSection('bulk', lines.join('\n'));
}
