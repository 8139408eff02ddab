import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

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
