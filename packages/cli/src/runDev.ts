import { stat } from 'node:fs/promises';
import { createApp, hs256Authenticator, serveApi, signDevToken, MIN_HS256_SECRET_BYTES, type ServedApi } from '@autoflow/api';
import { isFinal, parseMessageGrouping } from '@autoflow/core';
import { type Logger, createApiServices } from '@autoflow/engine';
import { EmbeddedStack, ManualClock } from '@autoflow/local';
import { ApiClient } from './ApiClient';
import type { CliIo } from './CliIo';
import { describeTransition, shortId } from './describeTransition';
import { createDevRoutes } from './devRoutes';
import { devSecret } from './devSecret';
import { EXIT, FailedError, UsageError } from './errors';
import { loadFlowFiles } from './loadFlowFiles';
import { problemLines } from './output';

export interface DevOptions {
  /** directory (or file) of flow JSON files */
  flows: string;
  /** port of the API; 0 picks a free one */
  port: number;
  /** the organisation the flows belong to and the printed token names */
  org: string;
  /** create an order and place it, to see the example flow run */
  demo: boolean;
  /** stop after loading (and the demo) instead of serving until interrupted */
  exit: boolean;
  /** JSON lines instead of text */
  json: boolean;
  /** `manual`: the clock starts at the real time and moves only through `/dev/clock` (default real) */
  clock?: 'real' | 'manual';
}

/** How long the printed dev token is valid. */
export const DEV_TOKEN_TTL_SECONDS = 12 * 60 * 60;

/** One line of the dev log: text, or a JSON object with `event` and `message` in `--json` mode. */
type Report = (event: string, message: string, data?: Record<string, unknown>) => void;

/**
 * `autoflow dev`: the embedded stack, the real API over it (HS256 tokens signed with the dev
 * secret) with the dev routes beside it, the flows of a directory saved for one org, a ready
 * token, and one log line per execution transition. Resolves with the exit code once stopped.
 */
export async function runDev(opts: DevOptions, io: CliIo): Promise<number> {
  const report: Report = opts.json
    ? (event, message, data = {}) => io.out(JSON.stringify({ event, message, ...data }))
    : (_event, message) => io.out(message);

  // Everything that can be wrong with the command line is found before the emulators start.
  const secret = devSecret(io.env);
  if (Buffer.byteLength(secret, 'utf8') < MIN_HS256_SECRET_BYTES) throw new UsageError(`AUTOFLOW_DEV_SECRET must be at least ${MIN_HS256_SECRET_BYTES} bytes long`);
  let token: string;
  try {
    token = await signDevToken(secret, opts.org, { expiresInSeconds: DEV_TOKEN_TTL_SECONDS });
  } catch (err) {
    throw new UsageError(`--org: ${(err as Error).message}`);
  }
  if (!(await stat(opts.flows).catch(() => undefined))) throw new UsageError(`--flows: ${opts.flows}: no such file or directory`);
  const grouping = io.env.AUTOFLOW_TRIGGER_GROUPING === undefined ? undefined : parseMessageGrouping(io.env.AUTOFLOW_TRIGGER_GROUPING);
  if (io.env.AUTOFLOW_TRIGGER_GROUPING !== undefined && !grouping) throw new UsageError('AUTOFLOW_TRIGGER_GROUPING must be org, entity or bucket:N (N from 1 to 1000)');

  report('starting', 'starting the embedded stack (DynamoDB Local, SQS, SES sink)…');
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (message, extra) => report('warn', `warning: ${message}${extra ? ` ${JSON.stringify(extra)}` : ''}`, { extra }),
    error: (message, extra) => report('error', `error: ${message}${extra ? ` ${JSON.stringify(extra)}` : ''}`, { extra }),
  };
  const stack = await EmbeddedStack.start({
    logger,
    ...(grouping ? { triggerGrouping: grouping } : {}),
    ...(opts.clock === 'manual' ? { clock: new ManualClock(Date.now()) } : {}),
    // Lambda's pace on a quiet stream: DynamoDB Local answers each read in time that grows with
    // the stream, so a long-running install polling faster spends its CPU on idle reads
    pollIntervalMs: 250,
    onTransition: (state, decision) => {
      const line = describeTransition(state, decision);
      if (!line) return;
      report('transition', line, {
        execution_id: state.execution_id,
        flow_id: state.flow_id,
        ...(decision.kind === 'dispatch' ? { action_id: decision.dispatch.action_id, attempt: decision.dispatch.attempt } : {}),
        ...(decision.kind !== 'none' ? { status: decision.next.status } : {}),
      });
    },
  });
  let served: ServedApi | undefined;
  try {
    const services = createApiServices({ ...stack.stores, ingress: stack.ingress, clock: stack.clock, timers: stack.timers, bulk: stack.bulk });
    const app = createApp({ services, authenticate: hs256Authenticator(secret), logger });
    const dev = createDevRoutes({
      listMail: () => stack.listMail(),
      log: (line, topic = 'webhook', data) => report(topic, line, data),
      clock: {
        mode: stack.manualClock ? 'manual' : 'real',
        now: () => stack.clock.now(),
        timers: () => ({ armed: stack.timers.armed, nextDueAt: stack.timers.nextDue()?.due_at }),
        advanceTo: (to) => stack.advanceClock(to),
      },
    });
    try {
      served = await serveApi(
        { fetch: (request, ...rest) => (dev.handles(new URL(request.url).pathname) ? dev.fetch(request) : app.fetch(request, ...rest)) },
        { port: opts.port },
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new FailedError(`port ${opts.port} is in use (is another \`pnpm dev\` running?); pick another with --port, or --port 0 for any free one`);
      }
      throw err;
    }
    const url = served.url;

    const { flows, invalid } = await loadFlowFiles([opts.flows], { DEV_URL: url });
    for (const bad of invalid) {
      report('invalid_flow', [`✗ ${bad.file}`, ...problemLines(bad.problems)].join('\n'), { file: bad.file, problems: bad.problems });
    }
    const caller = { org_id: opts.org, subject: `dev:${opts.org}` };
    for (const { file, flow } of flows) {
      const saved = await services.flows.create(caller, flow);
      report('flow', `✓ flow "${saved.flow_name}" (${saved.id}) from ${file}`, { file, flow_id: saved.id, flow_name: saved.flow_name });
    }

    const expiresAt = new Date(Date.now() + DEV_TOKEN_TTL_SECONDS * 1000).toISOString();
    report(
      'ready',
      [
        '',
        `autoflow is running for org "${opts.org}"`,
        `  API           ${url}   (OpenAPI document: ${url}/openapi.json)`,
        `  webhook echo  ${url}/dev/webhook-echo   (what the example flows call)`,
        `  SES sink      ${stack.endpoints.ses}/store   (also: curl -s ${url}/dev/mail)`,
        `  DynamoDB      ${stack.endpoints.dynamodb}`,
        stack.manualClock
          ? `  clock         manual, at ${new Date(stack.clock.now()).toISOString()}   (move it: autoflow clock advance P1D)`
          : '  clock         real   (to move time by hand instead: autoflow dev --clock manual)',
        `  emulator processes: ${stack.pids.map((pid) => `pid ${pid}`).join(', ')} (stopped with the dev server)`,
        '',
        `Use the API from another terminal (the token names org "${opts.org}" and is valid for ${DEV_TOKEN_TTL_SECONDS / 3600} h):`,
        `  export AUTOFLOW_API_URL=${url}`,
        `  export AUTOFLOW_TOKEN=${token}`,
        ...(opts.exit ? [] : ['', 'Executions are logged below, one line per transition. Ctrl-C stops everything.']),
      ].join('\n'),
      {
        api_url: url,
        org: opts.org,
        token,
        token_expires_at: expiresAt,
        webhook_echo_url: `${url}/dev/webhook-echo`,
        ses_sink_url: `${stack.endpoints.ses}/store`,
        dynamodb_url: stack.endpoints.dynamodb,
        clock: stack.manualClock ? 'manual' : 'real',
        pids: stack.pids,
        flows: flows.length,
        invalid_flows: invalid.length,
      },
    );

    let code: number = invalid.length > 0 ? EXIT.failed : EXIT.ok;
    if (opts.demo) code = Math.max(code, await runDemo(new ApiClient(url, token), stack, report));
    if (!opts.exit) {
      await io.untilInterrupted();
      report('stopping', 'stopping…');
    }
    return code;
  } finally {
    await served?.close();
    await stack.stop();
    report('stopped', `stopped; emulator processes ${stack.pids.join(', ')} ended`, { pids: stack.pids });
  }
}

/**
 * Creates an order and places it through the API, as the README does by hand: the example flow
 * reacts to "open_for_acceptance → placed". Exit code 0 when every execution succeeded.
 */
async function runDemo(api: ApiClient, stack: EmbeddedStack, report: Report): Promise<number> {
  const order = await api.post<{ _id: string }>('/v1/entities/order', {
    _title: 'Order 1001',
    order_number: '1001',
    status: 'open_for_acceptance',
    customer_email: 'jane@example.com',
    customer_name: 'Jane',
  });
  report('demo', `demo: created order ${order._id} (status open_for_acceptance)`, { entity_id: order._id });
  await api.request('PATCH', `/v1/entities/order/${encodeURIComponent(order._id)}`, { status: 'placed' });
  report('demo', 'demo: set status to placed');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { results } = await api.get<{ results: Array<{ id: string; execution_status: string }> }>(`/v1/automation/executions?entity_id=${encodeURIComponent(order._id)}`);
    const done = results.filter((e) => isFinal(e.execution_status as never));
    if (results.length > 0 && done.length === results.length) {
      if (results.every((e) => e.execution_status === 'success')) {
        const mail = await stack.listMail();
        const updated = await api.get<{ _tags?: unknown }>(`/v1/entities/order/${encodeURIComponent(order._id)}`);
        report('demo', `demo: ${results.length} execution(s) succeeded; order tags ${JSON.stringify(updated._tags ?? [])}; ${mail.length} mail(s) in the SES sink`, {
          executions: results.map((e) => e.id),
          outcome: 'success',
        });
        return EXIT.ok;
      }
      report('demo', `demo: execution(s) ${results.map((e) => `${shortId(e.id)} ${e.execution_status}`).join(', ')}`, { executions: results.map((e) => e.id), outcome: 'failed' });
      return EXIT.failed;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  report('demo', 'demo: timed out waiting for the execution', { outcome: 'timeout' });
  return EXIT.failed;
}
