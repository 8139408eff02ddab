import { type Decision, type ExecutionState, isFinal } from '@autoflow/core';
import { EmbeddedStack } from '@autoflow/local';
import { startDevServer } from './devServer';
import { loadFlowFiles } from './loadFlows';

export interface DevOptions {
  flows: string;
  port: number;
  org: string;
  demo: boolean;
  exit: boolean;
}

const short = (id: string): string => id.slice(0, 8);

/** One readable line per execution transition. */
export function describeTransition(state: ExecutionState, decision: Decision): string | undefined {
  if (decision.kind === 'none') return undefined;
  const next = decision.next;
  const head = `execution ${short(state.execution_id)} (flow ${short(state.flow_id)})`;
  if (decision.kind === 'dispatch') {
    const d = decision.dispatch;
    return `${head}: run ${d.action_type} "${d.action_id}" attempt ${d.attempt}`;
  }
  const changed = next.acts.flatMap((a, i) => (a.s !== state.acts[i]?.s ? [`action #${i + 1} ${a.s}${a.why ? ` (${a.why})` : ''}`] : []));
  return `${head}: ${isFinal(next.status) ? next.status.toUpperCase() : next.status}${changed.length ? ` — ${changed.join(', ')}` : ''}`;
}

/** `autoflow dev`: the embedded stack with the example flows, a dev HTTP server and a live log. */
export async function runDev(opts: DevOptions, log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  log('starting the embedded stack (DynamoDB Local, SQS, SES sink)…');
  const stack = await EmbeddedStack.start({
    onTransition: (state, decision) => {
      const line = describeTransition(state, decision);
      if (line) log(line);
    },
  });
  const { server, url } = await startDevServer(stack, { port: opts.port, org: opts.org, log });
  const stop = async (): Promise<void> => {
    await new Promise((resolve) => server.close(resolve));
    await stack.stop();
  };
  const { flows, invalid } = await loadFlowFiles([opts.flows], { DEV_URL: url });
  for (const bad of invalid) {
    log(`✗ ${bad.file}`);
    for (const p of bad.problems) log(`    ${p.path || '(root)'}: ${p.message}`);
  }
  for (const { file, flow } of flows) {
    const saved = await stack.stores.flows.put({ ...flow, org_id: opts.org } as never);
    log(`✓ flow "${saved.flow_name}" (${saved.id}) from ${file}`);
  }
  log(`autoflow is running: API ${url} · org "${opts.org}" · DynamoDB ${stack.endpoints.dynamodb} · SES sink ${stack.endpoints.ses}/store`);
  log(`emulator processes: ${stack.pids.map((pid) => `pid ${pid}`).join(', ')} (stopped with the dev server)`);
  let code = invalid.length > 0 ? 1 : 0;
  if (opts.demo) code = Math.max(code, await runDemo(stack, opts.org, log));
  if (opts.exit) {
    await stop();
    return code;
  }
  await new Promise<void>((resolve) => {
    const onSignal = (): void => resolve();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  log('stopping…');
  await stop();
  return code;
}

/** Creates an order and places it: the example flow reacts to "open_for_acceptance → placed". */
async function runDemo(stack: EmbeddedStack, org: string, log: (line: string) => void): Promise<number> {
  const order = await stack.stores.entities.create(org, {
    _schema: 'order',
    _title: 'Order 1001',
    order_number: '1001',
    status: 'open_for_acceptance',
    customer_email: 'jane@example.com',
    customer_name: 'Jane',
  });
  log(`demo: created order ${order._id} (status open_for_acceptance)`);
  await stack.stores.entities.update(org, order._id, { status: 'placed' }, { activity: { type: 'EntityUpdated' } });
  log('demo: set status to placed');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const states = await stack.stores.executions.listByEntity(org, order._id);
    const done = states.filter((s) => isFinal(s.status));
    if (states.length > 0 && done.length === states.length && states.every((s) => s.status === 'success')) {
      const mail = await stack.listMail();
      const updated = await stack.stores.entities.get(org, order._id);
      log(`demo: ${states.length} execution(s) succeeded; order tags ${JSON.stringify(updated?._tags ?? [])}; ${mail.length} mail(s) in the SES sink`);
      return 0;
    }
    if (done.length === states.length && states.some((s) => s.status !== 'success')) {
      log(`demo: an execution ended ${states.map((s) => s.status).join(', ')}`);
      return 1;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log('demo: timed out waiting for the execution');
  return 1;
}
