import { spawn } from 'node:child_process';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIo, runCli } from '../src';
import { waitFor } from '../../../test/support/waitFor';
import { alive } from './support/processes';

const ROOT = join(__dirname, '..', '..', '..');

/** The README's first command, run the way a newcomer runs it. */
describe('pnpm dev', () => {
  it('loads the example flows, runs the demo order through them and stops leaving no process behind', async () => {
    const child = spawn('pnpm', ['dev', '--demo', '--exit', '--port', '0'], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(out).toContain('✓ flow "Order placed: notify ERP, tag the order, email the customer"');
    expect(out).toContain('✓ flow "Welcome new contacts who opted in"');
    expect(out).not.toContain('✗');
    expect(out).toMatch(/demo: 1 execution\(s\) succeeded; order tags \["placed"\]; \d+ mail\(s\) in the SES sink/);
    expect(out).toMatch(/run trigger-webhook .* attempt 1/);
    expect(code).toBe(0);
    const pids = [...out.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    expect(pids.length).toBeGreaterThanOrEqual(2);
    expect(pids.filter(alive)).toEqual([]);
  }, 180_000);
});

describe('autoflow dev (in-process, --json)', () => {
  const EXAMPLES = join(ROOT, 'flows');

  /** Runs `autoflow dev …` in this process; `interrupt()` plays Ctrl-C. */
  function startDev(argv: string[], env: Record<string, string> = {}) {
    const events: Array<Record<string, any>> = [];
    const waiters: Array<() => void> = [];
    let interrupt: () => void = () => {};
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    const io: CliIo = {
      out: (line) => {
        events.push(JSON.parse(line));
        for (const w of waiters.splice(0)) w();
      },
      err: (line) => events.push({ event: 'stderr', message: line }),
      readStdin: async () => '',
      env,
      untilInterrupted: () => interrupted,
    };
    const exited = runCli(['dev', '--json', ...argv], io);
    const next = (event: string) =>
      new Promise<Record<string, any>>((resolve, reject) => {
        const check = (): void => {
          const found = events.find((e) => e.event === event);
          if (found) resolve(found);
          else waiters.push(check);
        };
        void exited.then(() => setTimeout(() => reject(new Error(`dev exited before "${event}": ${JSON.stringify(events)}`)), 10));
        check();
      });
    return { events, next, interrupt, exited };
  }

  it('serves the API for the org with the valid flows and a ready token, reports invalid files with their problems, and stops on Ctrl-C leaving no process behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'autoflow-dev-'));
    await cp(join(EXAMPLES, 'contact-welcome.json'), join(dir, 'contact-welcome.json'));
    await writeFile(join(dir, 'typo.json'), JSON.stringify({ flow_name: 'typo', triggers: [], actions: [], enabld: true }));
    const dev = startDev(['--port', '0', '--org', 'acme', '--flows', dir]);
    let ready: Record<string, any> = {};
    try {
      ready = await dev.next('ready');
      expect(ready).toMatchObject({ org: 'acme', api_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), flows: 1, invalid_flows: 1 });
      expect(dev.events.find((e) => e.event === 'invalid_flow')).toMatchObject({ file: join(dir, 'typo.json'), problems: [{ path: 'enabld', message: 'is not a known field (did you mean "enabled"?)' }] });
      expect(dev.events.find((e) => e.event === 'flow')).toMatchObject({ flow_id: 'contact-welcome', flow_name: 'Welcome new contacts who opted in' });

      const api = (method: string, path: string, body?: unknown) =>
        fetch(`${ready.api_url}${path}`, {
          method,
          headers: { authorization: `Bearer ${ready.token}`, 'content-type': 'application/json' },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
      expect((await api('GET', '/v1/automation/flows')).body).toMatchObject({ total: 1, results: [{ id: 'contact-welcome', org_id: 'acme' }] });
      expect(await api('POST', '/v1/entities/contact', { _id: 'c-1', email: 'ada@example.com', first_name: 'Ada', newsletter: true })).toMatchObject({ status: 201 });
      const done = await waitFor('the welcome flow to finish', async () => {
        const list = await api('GET', '/v1/automation/executions?entity_id=c-1');
        return list.body.results?.[0]?.execution_status === 'success' ? list.body.results[0] : undefined;
      });
      expect(dev.events).toContainEqual(expect.objectContaining({ event: 'transition', execution_id: done.id, status: 'success', message: expect.stringMatching(/\(flow contact-welcome\): SUCCESS/) }));
      const mail = await fetch(`${ready.api_url}/dev/mail`).then((r) => r.json() as Promise<any>);
      expect(mail.results).toContainEqual(expect.objectContaining({ to: ['ada@example.com'], subject: 'Welcome, Ada' }));
      expect((await fetch(`${ready.api_url}/v1/automation/flows`)).status).toBe(401);
    } finally {
      // whatever failed above, Ctrl-C: the stack must not outlive the test
      dev.interrupt();
      await dev.exited.catch(() => undefined);
    }
    expect(await dev.exited).toBe(1);
    expect(dev.events[dev.events.length - 1]).toMatchObject({ event: 'stopped', pids: ready.pids });
    expect(ready.pids.filter(alive)).toEqual([]);
    await expect(fetch(`${ready.api_url}/openapi.json`)).rejects.toThrow();
  }, 120_000);

  it('exits 1 saying so when the port is taken, and leaves no process behind', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const dev = startDev(['--port', String(port), '--exit']);
      expect(await dev.exited).toBe(1);
      const error = dev.events.find((e) => e.error)?.error;
      expect(error).toMatchObject({ exit_code: 1, message: `port ${port} is in use (is another \`pnpm dev\` running?); pick another with --port, or --port 0 for any free one` });
      const stopped = dev.events.find((e) => e.event === 'stopped');
      expect(stopped?.pids.length).toBeGreaterThanOrEqual(2);
      expect(stopped?.pids.filter(alive)).toEqual([]);
    } finally {
      taken.close();
    }
  }, 120_000);

  it('exits 2 before starting anything for a flows directory that does not exist or an org the API would refuse', async () => {
    const missing = startDev(['--flows', '/nonexistent/flows', '--exit']);
    expect(await missing.exited).toBe(2);
    expect(missing.events.find((e) => e.error)?.error.message).toBe('--flows: /nonexistent/flows: no such file or directory');
    const badOrg = startDev(['--org', 'a#b', '--exit']);
    expect(await badOrg.exited).toBe(2);
    expect(badOrg.events.some((e) => e.event === 'starting')).toBe(false);
  });
});
