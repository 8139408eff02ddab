/**
 * `pnpm bench e2e`: autoflow alone, end to end, as `autoflow dev` runs it, on the work the n8n peer
 * harness (../shared/peers/n8n) measures: an event posted over HTTP starts one flow whose one
 * action POSTs to a receiver on loopback. C closed-loop clients each post an event and wait for
 * its webhook before posting the next. Reported per row: executions per second, latency from
 * post to webhook (p50, p95), CPU per execution by process (the dev server, DynamoDB Local, the
 * queue emulator), and lost and duplicated deliveries (the bench fails on either). The same run
 * measures DynamoDB Local's own ceiling (conditional PutItem + GetItem pairs per second).
 *
 * Options: `--n <count>` executions per row (default 1,000), `--quick` (100).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalCheckFailedException, CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { executionIdFor } from '@autoflow/engine';
import { localAwsClientConfig, startDynamoDbLocal } from '@autoflow/local';
import { machine, writeSection } from './writeSection';

const ORG = 'bench';
const FLOW_ID = 'bench-hit';
const CONCURRENCY = [1, 8, 32] as const;
const ROOT = join(__dirname, '..');
const CLOCK_TICKS = 100; // USER_HZ on Linux

interface Row {
  grouping?: string;
  c: number;
  n: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  cpuMsPerExecution: { engine: number; dynamodb: number; queue: number };
  lost: number;
  duplicates: number;
}

/** The webhook receiver: counts deliveries per execution and lets a client wait for its own. */
async function startReceiver() {
  const hits = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const execution = String(req.headers['x-autoflow-delivery'] ?? '').split('.')[0]!;
      hits.set(execution, (hits.get(execution) ?? 0) + 1);
      waiting.get(execution)?.();
      waiting.delete(execution);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    hits,
    /** Resolves when the execution's webhook arrives (at once if it already did). */
    arrival: (execution: string): Promise<void> => (hits.has(execution) ? Promise.resolve() : new Promise((resolve) => waiting.set(execution, resolve))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** CPU time (ms) a process and its threads used so far, from /proc. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** `autoflow dev` as a user runs it, with one flow; resolves once it is ready. */
async function startDev(flowsDir: string, grouping: 'org' | 'entity'): Promise<{ child: ChildProcess; url: string; token: string; pids: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/bin.ts', 'dev', '--port', '0', '--flows', flowsDir, '--org', ORG, '--json'], {
    cwd: ROOT,
    env: { ...process.env, DDB_LOCAL_TELEMETRY: '0', AUTOFLOW_TRIGGER_GROUPING: grouping },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const event = JSON.parse(line) as { event?: string; api_url?: string; token?: string; pids?: number[] };
          if (event.event === 'ready') {
            // Keep draining the transition lines the dev server logs, as a terminal would.
            child.stdout!.off('data', onData);
            child.stdout!.on('data', () => undefined);
            resolve({ child, url: event.api_url!, token: event.token!, pids: event.pids ?? [] });
          }
        } catch {
          // a line that is not JSON
        }
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`autoflow dev exited with ${code} before it was ready`)));
  });
}

async function stopDev(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function runRow(dev: { url: string; token: string; pids: number[]; child: ChildProcess }, receiver: Awaited<ReturnType<typeof startReceiver>>, c: number, n: number, tag: string): Promise<Row> {
  const [dynamodbPid, queuePid] = dev.pids;
  const cpu = () => ({ engine: cpuMs(dev.child.pid!), dynamodb: dynamodbPid ? cpuMs(dynamodbPid) : 0, queue: queuePid ? cpuMs(queuePid) : 0 });
  const latencies: number[] = [];
  const expected: string[] = [];
  let next = 0;
  const client = async (): Promise<void> => {
    for (let i = next++; i < n; i = next++) {
      const eventId = `${tag}-${i}`;
      const execution = executionIdFor(ORG, eventId, FLOW_ID);
      expected.push(execution);
      const started = performance.now();
      const arrived = receiver.arrival(execution);
      const res = await fetch(`${dev.url}/v1/automation/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${dev.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ event_id: eventId, type: 'entity_operation', operation: 'createEntity', entity: { _id: `e-${tag}-${i}`, _schema: 'bench', n: i } }),
      });
      if (res.status >= 300) throw new Error(`POST /v1/automation/events answered ${res.status}: ${await res.text()}`);
      await arrived;
      latencies.push(performance.now() - started);
    }
  };
  const before = cpu();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: c }, () => client()));
  const seconds = (performance.now() - t0) / 1000;
  const after = cpu();
  // Late duplicates would come within moments: wait a little before counting.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const lost = expected.filter((e) => !receiver.hits.has(e)).length;
  const duplicates = expected.reduce((sum, e) => sum + Math.max(0, (receiver.hits.get(e) ?? 0) - 1), 0);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    c,
    n,
    seconds,
    perSecond: n / seconds,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    cpuMsPerExecution: { engine: (after.engine - before.engine) / n, dynamodb: (after.dynamodb - before.dynamodb) / n, queue: (after.queue - before.queue) / n },
    lost,
    duplicates,
  };
}

/** Conditional PutItem + GetItem pairs per second against a DynamoDB Local of its own, at C clients. */
async function dynamoDbLocalCeiling(concurrency: number, seconds: number): Promise<number> {
  const ddb = await startDynamoDbLocal();
  const client = new DynamoDBClient(localAwsClientConfig(ddb.endpoint));
  try {
    await client.send(
      new CreateTableCommand({
        TableName: 'ceiling',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    let pairs = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, w) => {
        for (let i = 0; performance.now() < until; i++) {
          const pk = { S: `${w}-${i}` };
          try {
            await client.send(new PutItemCommand({ TableName: 'ceiling', Item: { pk, n: { N: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' }));
          } catch (err) {
            if (!(err instanceof ConditionalCheckFailedException)) throw err;
          }
          await client.send(new GetItemCommand({ TableName: 'ceiling', Key: { pk }, ConsistentRead: true }));
          pairs += 1;
        }
      }),
    );
    return pairs / seconds;
  } finally {
    client.destroy();
    await ddb.stop();
  }
}

export async function run(): Promise<void> {
  const argv = process.argv;
  const nAt = argv.indexOf('--n');
  const n = nAt !== -1 ? Number(argv[nAt + 1]) : argv.includes('--quick') ? 100 : 1_000;
  if (!Number.isInteger(n) || n < 1) throw new Error('--n must be a positive whole number');
  const receiver = await startReceiver();
  const dir = await mkdtemp(join(tmpdir(), 'autoflow-bench-e2e-'));
  const rows: Row[] = [];
  let orgRow: Row | undefined;
  let idleCpuMsPerSecond = 0;
  try {
    await writeFile(
      join(dir, 'bench-hit.json'),
      JSON.stringify({
        id: FLOW_ID,
        flow_name: 'event in, one webhook out',
        // A flow meant to run this often says so: its own limit replaces the default runaway limits.
        max_executions: { count: 1_000_000, window: 'PT1M' },
        triggers: [{ type: 'entity_operation', configuration: { schema: 'bench', operations: ['createEntity'] } }],
        actions: [{ id: 'hit', name: 'hit the receiver', type: 'trigger-webhook', config: { url: `${receiver.url}/hit`, method: 'POST' } }],
      }),
    );
    const dev = await startDev(dir, 'org');
    try {
      // Warm-up (not reported), like the peer's.
      await runRow(dev, receiver, 8, Math.min(200, n), 'warm');
      for (const c of CONCURRENCY) {
        const row = await runRow(dev, receiver, c, n, `c${c}`);
        console.log(`C=${c}: ${row.perSecond.toFixed(1)} exec/s, p50 ${row.p50.toFixed(0)} ms, p95 ${row.p95.toFixed(0)} ms, lost ${row.lost}, duplicates ${row.duplicates}`);
        rows.push(row);
      }
      const pids = [dev.child.pid!, ...dev.pids];
      const before = pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      idleCpuMsPerSecond = (pids.reduce((sum, pid) => sum + cpuMs(pid), 0) - before) / 10;
    } finally {
      await stopDev(dev.child);
    }
    // The same at C = 32 with one message group per org and entity (an org's entities matched side by side).
    const byOrg = await startDev(dir, 'entity');
    try {
      await runRow(byOrg, receiver, 8, Math.min(200, n), 'org-warm');
      orgRow = await runRow(byOrg, receiver, 32, n, 'org-c32');
      console.log(`entity groups, C=32: ${orgRow.perSecond.toFixed(1)} exec/s, lost ${orgRow.lost}, duplicates ${orgRow.duplicates}`);
    } finally {
      await stopDev(byOrg.child);
    }
  } finally {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  }
  const bad = [...rows, ...(orgRow ? [orgRow] : [])].filter((r) => r.lost > 0 || r.duplicates > 0);
  if (bad.length > 0) throw new Error(`lost or duplicated executions: ${bad.map((r) => `C=${r.c}: ${r.lost} lost, ${r.duplicates} duplicates`).join('; ')}`);
  const ceiling = { c8: await dynamoDbLocalCeiling(8, 5), c32: await dynamoDbLocalCeiling(32, 5) };

  const fmt = (x: number, d = 1) => x.toFixed(d);
  await writeSection(
    'e2e',
    [
      '## End to end on one machine (`autoflow dev`)',
      '',
      `Measured by \`pnpm bench e2e${n !== 1_000 ? ` --n ${n}` : ''}\` on ${machine()}, ${new Date().toISOString().slice(0, 10)}. The bench starts \`autoflow dev\``,
      'as a user would (its own process, its settings, its log of every transition on stdout), with one flow: an',
      '`entity_operation` event posted to `POST /v1/automation/events` starts one `trigger-webhook` action that POSTs to a',
      `receiver on loopback. C closed-loop clients each post an event and wait for its webhook before the next; ${n} executions`,
      'per row after a warm-up of 200. The flow sets `max_executions` to a million a minute (its own limit replaces the default',
      'runaway limits, which would disable a flow started this often). Latency is from the post to the webhook. CPU is per process, from /proc: the dev server',
      '(API, listener, dispatcher, worker), DynamoDB Local and the queue emulator; the clients and the receiver run in the',
      'bench process and are not counted. Every row had 0 lost and 0 duplicated executions (the bench fails otherwise).',
      'The last row runs a second dev server with `AUTOFLOW_TRIGGER_GROUPING=entity` (a FIFO group per org and entity, decision 0012).',
      '',
      '| trigger queue groups | C | exec/s | p50 ms | p95 ms | CPU ms per execution: dev server / DynamoDB Local / queue |',
      '|---|---:|---:|---:|---:|---|',
      ...[...rows.map((r) => ({ ...r, grouping: 'per org (default)' })), ...(orgRow ? [{ ...orgRow, grouping: 'per org and entity' }] : [])].map((r) => `| ${r.grouping} | ${r.c} | ${fmt(r.perSecond)} | ${fmt(r.p50, 0)} | ${fmt(r.p95, 0)} | ${fmt(r.cpuMsPerExecution.engine)} / ${fmt(r.cpuMsPerExecution.dynamodb)} / ${fmt(r.cpuMsPerExecution.queue)} |`),
      '',
      `Idle, after the rows: ${fmt(idleCpuMsPerSecond)} ms of CPU per second for the three processes together.`,
      `DynamoDB Local's own ceiling in the same run (a fresh instance, conditional PutItem + strongly consistent GetItem`,
      `pairs on one table): ${fmt(ceiling.c8, 0)} pairs/s at 8 clients, ${fmt(ceiling.c32, 0)} at 32.`,
      '',
      'To run the n8n peer beside it, with the same work (webhook in, one HTTP request to a loopback receiver out), use its',
      'harness from a scratch folder outside the repository, one engine at a time:',
      '',
      '```sh',
      'export PEER_DIR=/tmp/n8n-peer',
      'bash ../shared/peers/n8n/install.sh',
      '(cd $PEER_DIR && node /work/shared/peers/n8n/run-bench.mjs --counts=1000 --conc=1,8,32 --modes=e2e)',
      'pnpm bench e2e',
      '```',
      '',
      "The peer's harness writes its own results (`$PEER_DIR/results/`); its figures are not copied here.",
    ].join('\n'),
  );
}
