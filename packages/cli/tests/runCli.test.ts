import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAutoflow } from './support/cliHarness';

const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const BIN = join(ROOT, 'packages', 'cli', 'src', 'bin.ts');

/** Runs the real `autoflow` bin the way `pnpm autoflow` does (tsx), and collects its exit code and output. */
function runBin(argv: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [BIN, ...argv], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('autoflow (the program)', () => {
  it.each([
    ['no command', []],
    ['an unknown command', ['flow']],
    ['an unknown option', ['flows', 'validate', '--strict']],
    ['a group without its subcommand', ['executions']],
    ['a missing argument', ['executions', 'show']],
    ['a port that is not a port', ['dev', '--port', '70000']],
  ])('exits 2 (usage error) for %s', async (_what, argv) => {
    const run = await runAutoflow(argv, {});
    expect(run.code).toBe(2);
    expect(run.stderr).not.toBe('');
  });

  it('prints help, with the exit codes, and exits 0 for --help', async () => {
    const run = await runAutoflow(['--help'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: autoflow [options] [command]');
    for (const command of ['dev', 'flows', 'events', 'executions', 'bulk', 'token']) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(run.stdout).toContain('Exit codes: 0 ok · 1 invalid or failed · 2 usage error · 3 not found or API error');
  });

  it('suggests the command meant by a typo', async () => {
    expect((await runAutoflow(['executions', 'shwo', 'x'], {})).stderr).toContain('(Did you mean show?)');
  });

  describe('as a process (tsx packages/cli/src/bin.ts, what `pnpm autoflow` runs)', () => {
    it('exits with the command\'s code: 1 for an invalid flow file, 3 for an API it cannot reach, 2 for a usage error', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'autoflow-bin-'));
      await writeFile(join(dir, 'bad.json'), JSON.stringify({ flow_name: 'x', triggers: [], actions: [], colour: 'red' }));
      const [invalid, unreachable, usage] = await Promise.all([
        runBin(['flows', 'validate', dir]),
        runBin(['executions', 'show', 'e-1', '--json'], { AUTOFLOW_API_URL: 'http://127.0.0.1:9', AUTOFLOW_TOKEN: 'a.b.c' }),
        runBin(['token']),
      ]);
      expect(invalid.code).toBe(1);
      expect(invalid.stdout).toContain('    colour: is not a known field');
      expect(unreachable.code).toBe(3);
      expect(JSON.parse(unreachable.stdout)).toEqual({ error: { message: expect.stringContaining('cannot reach the API at http://127.0.0.1:9'), exit_code: 3, status: 0 } });
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain("error: required option '--org <id>' not specified");
    }, 60_000);
  });
});
