import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive } from './support/processes';

const ROOT = join(__dirname, '..', '..', '..');
const SECTION = '## A first flow running';
const DEV_PORT = '4870';

interface Quickstart {
  /** the block marked `<!-- quickstart:server -->`: run in the background, as in a first terminal */
  server: string;
  /** the blocks marked `<!-- quickstart -->`, in order: run one after the other, as in a second terminal */
  steps: string[];
  /** every bash block of the section, marked or not */
  bashBlocks: number;
}

/** The README's walkthrough: the bash blocks of its section, found by the HTML comment before each. */
function quickstartOf(readme: string): Quickstart {
  const start = readme.indexOf(SECTION);
  const end = readme.indexOf('\n## ', start + SECTION.length);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const server: string[] = [];
  const steps: string[] = [];
  for (const m of section.matchAll(/<!-- quickstart(:server)? -->\n```bash\n([\s\S]*?)```/g)) (m[1] ? server : steps).push(m[2]!);
  expect(server).toHaveLength(1);
  return { server: server[0]!.trim(), steps, bashBlocks: section.split('```bash').length - 1 };
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** pid → [ppid, pgid] of every process. */
function processTable(): Map<number, [number, number]> {
  const table = new Map<number, [number, number]>();
  for (const line of execFileSync('ps', ['-e', '-o', 'pid=,ppid=,pgid='], { encoding: 'utf8' }).split('\n')) {
    const [pid, ppid, pgid] = line.trim().split(/\s+/).map(Number);
    if (pid) table.set(pid, [ppid!, pgid!]);
  }
  return table;
}

function descendantsOf(root: number): number[] {
  const table = processTable();
  const found = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, [ppid]] of table) if (found.has(ppid) && !found.has(pid)) grew = found.add(pid).size > 0;
  }
  return [...found];
}

/** The environment of a fresh terminal: this one's, without autoflow's variables. */
const freshEnv = (): Record<string, string> =>
  Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !e[0].startsWith('AUTOFLOW_'))) as Record<string, string>;

/**
 * Runs one block with bash in a shell that exits at the first failing command, carrying the
 * variables earlier blocks set (`set -a` exports them, `env -0` hands them to the next block).
 */
async function runBlock(script: string, env: Record<string, string>, dir: string, index: number): Promise<{ code: number | null; output: string; env: Record<string, string> }> {
  const file = join(dir, `step-${index}.sh`);
  const state = join(dir, `step-${index}.env`);
  await writeFile(file, `set -euo pipefail\nset -a\n${script}\nenv -0 > '${state}'\n`);
  const child = spawn('bash', [file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) return { code, output, env };
  const next = Object.fromEntries(
    (await readFile(state, 'utf8'))
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
  return { code, output, env: next };
}

/** The README's "A first flow running", run for real: `pnpm dev` in the background, then every command in order. */
describe('the README walkthrough', () => {
  let dev: ChildProcess | undefined;
  let devOutput = '';

  afterAll(async () => {
    // only when the test failed half-way: the dev server must not outlive the suite
    if (dev?.pid !== undefined && dev.exitCode === null && dev.signalCode === null) {
      dev.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 15_000).unref() && dev!.once('exit', resolve));
    }
  });

  it('starts pnpm dev, runs each quick-start command successfully, sees both executions succeed and stops leaving no process behind', async () => {
    const quickstart = quickstartOf(await readFile(join(ROOT, 'README.md'), 'utf8'));
    expect(quickstart.steps.length).toBeGreaterThanOrEqual(5);
    expect(quickstart.steps.length + 1).toBe(quickstart.bashBlocks);
    expect(quickstart.server).toBe('pnpm dev');
    expect(quickstart.steps.join('\n')).toContain(`127.0.0.1:${DEV_PORT}`);

    // A free port stands in for 4870, so that a `pnpm dev` of your own does not fail the test.
    const port = String(await freePort());
    const dir = await mkdtemp(join(tmpdir(), 'autoflow-readme-'));
    dev = spawn('bash', ['-c', `exec ${quickstart.server} --port ${port}`], { cwd: ROOT, env: { ...freshEnv(), FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    dev.stdout!.on('data', (c: Buffer) => (devOutput += c.toString()));
    dev.stderr!.on('data', (c: Buffer) => (devOutput += c.toString()));
    const deadline = Date.now() + 120_000;
    while (!devOutput.includes('Ctrl-C stops everything')) {
      if (Date.now() > deadline || dev.exitCode !== null) throw new Error(`pnpm dev did not get ready:\n${devOutput}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(devOutput).toContain(`  API           http://127.0.0.1:${port}`);
    expect(devOutput).toMatch(/ {2}export AUTOFLOW_TOKEN=ey[\w-]+\.[\w-]+\.[\w-]+\n/);

    let env = freshEnv();
    const outputs: string[] = [];
    for (const [index, block] of quickstart.steps.entries()) {
      const run = await runBlock(block.split(`127.0.0.1:${DEV_PORT}`).join(`127.0.0.1:${port}`), env, dir, index);
      expect({ step: index + 1, block, code: run.code, output: run.output }).toEqual({ step: index + 1, block, code: 0, output: expect.any(String) });
      outputs.push(run.output);
      env = run.env;
    }

    // what the README tells the reader they will see
    const all = outputs.join('\n');
    expect(env.AUTOFLOW_TOKEN).toMatch(/^ey/);
    expect(all).toContain(`execution ${env.EXECUTION}  success`);
    expect(all).toContain('"to":["jane@example.com"]');
    expect(all).toContain(`execution ${env.FAILED}  failed`);
    expect(all).toMatch(/notify-erp +trigger-webhook +failed +3 /);
    expect(all).toContain(`✗ TRIGGER_WEBHOOK_ERROR: Webhook http://127.0.0.1:${port} answered 503`);
    expect(all).toContain(`retrying execution ${env.FAILED} from action "notify-erp"`);
    expect(all).toMatch(/✓ updated flow "Order placed: notify ERP, tag the order, email the customer" \(order-placed\) version 2/);
    for (const id of [env.EXECUTION, env.FAILED]) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/automation/executions/${id}`, { headers: { authorization: `Bearer ${env.AUTOFLOW_TOKEN}` } });
      expect(await res.json()).toMatchObject({ id, execution_status: 'success' });
    }
    expect(devOutput).toMatch(/webhook-echo: received "notify-erp" .* → 503/);

    // Ctrl-C: SIGINT to pnpm and what it runs (the emulators run in process groups of their own)
    const emulators = [...devOutput.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    expect(emulators.length).toBeGreaterThanOrEqual(2);
    const tree = descendantsOf(dev.pid!);
    const groups = processTable();
    for (const pid of tree) if (!emulators.includes(groups.get(pid)?.[1] ?? -1)) process.kill(pid, 'SIGINT');
    await new Promise((resolve) => (dev!.exitCode !== null ? resolve(undefined) : dev!.once('exit', resolve)));
    expect(devOutput).toMatch(/stopped; emulator processes \d+, \d+ ended/);
    const left = async (): Promise<string[]> => {
      for (let i = 0; i < 50 && [...tree, ...emulators].some(alive); i++) await new Promise((r) => setTimeout(r, 100));
      const pids = [...tree, ...emulators].filter(alive);
      return pids.length === 0 ? [] : execFileSync('ps', ['-o', 'pid=,args=', '-p', pids.join(',')], { encoding: 'utf8' }).trim().split('\n');
    };
    expect(await left()).toEqual([]);
  }, 240_000);
});
