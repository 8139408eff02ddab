import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveApi, type ServedApi } from '@autoflow/api';
import { type CliIo, type DevClock, createDevRoutes, runCli } from '../src';
import { runAutoflow } from './support/cliHarness';
import { alive } from './support/processes';

const T0 = Date.parse('2027-01-01T09:00:00.000Z');
const DAY = 86_400_000;

describe('autoflow clock (against the dev routes on a loopback server)', () => {
  let served: ServedApi;
  let mode: DevClock['mode'] = 'manual';
  let now = T0;
  const moves: number[] = [];

  beforeAll(async () => {
    const clock: DevClock = {
      get mode() {
        return mode;
      },
      now: () => now,
      timers: () => ({ armed: 1, nextDueAt: now + DAY }),
      advanceTo: async (to) => {
        moves.push(to);
        now = to;
        return { now, fired: 1 };
      },
    };
    const routes = createDevRoutes({ listMail: async () => [], log: () => {}, clock });
    served = await serveApi({ fetch: (request: Request) => routes.fetch(request) });
  });

  beforeEach(() => {
    mode = 'manual';
    now = T0;
    moves.length = 0;
  });

  afterAll(async () => {
    await served?.close();
  });

  const clock = (argv: string[], env: Record<string, string> = {}) => runAutoflow(['clock', ...argv], { AUTOFLOW_API_URL: served.url, ...env });

  it('shows the time and the timers waiting, without a token, by default and with show', async () => {
    for (const argv of [[], ['show']]) {
      const run = await clock(argv);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toBe(
        ['now     2027-01-01T09:00:00.000Z  (manual clock: autoflow clock advance <duration> moves it)', 'timers  1 armed; the next is due 2027-01-02T09:00:00.000Z'].join('\n'),
      );
    }
  });

  it('gives the clock as JSON with --json, also without naming show', async () => {
    for (const argv of [['--json'], ['show', '--json']]) {
      const run = await clock(argv);
      expect(run.code).toBe(0);
      expect(run.json()).toEqual({ now: '2027-01-01T09:00:00.000Z', mode: 'manual', timers: { armed: 1, next_due_at: '2027-01-02T09:00:00.000Z' } });
    }
  });

  it('advances the clock by a duration and says where it stands and how many timers fired', async () => {
    const run = await clock(['advance', 'P3D']);
    expect(run).toMatchObject({ code: 0, stdout: 'clock advanced by P3D to 2027-01-04T09:00:00.000Z; 1 timer(s) fired' });
    expect(moves).toEqual([T0 + 3 * DAY]);
    const json = await clock(['advance', 'PT2H', '--json']);
    expect(json.json()).toEqual({ now: '2027-01-04T11:00:00.000Z', fired: 1 });
  });

  it('sets the clock to an instant, reading the API URL from --api as well', async () => {
    const run = await runAutoflow(['clock', 'set', '2027-02-01T00:00:00Z', '--api', served.url], {});
    expect(run).toMatchObject({ code: 0, stdout: 'clock set to 2027-02-01T00:00:00.000Z; 1 timer(s) fired' });
  });

  it('exits 1 with the reason when the clock would move back', async () => {
    const run = await clock(['set', '2026-12-31T00:00:00Z']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: POST /dev/clock: 400 invalid clock move');
    expect(run.stderr).toContain('    to: the clock only moves forward; it is at 2027-01-01T09:00:00.000Z');
    expect(moves).toEqual([]);
  });

  it('exits 3 saying how to get a manual clock when the dev server runs on the real clock', async () => {
    mode = 'real';
    const run = await clock(['advance', 'P1D', '--json']);
    expect(run.code).toBe(3);
    expect(run.json()).toEqual({ error: { message: expect.stringContaining('autoflow dev --clock manual'), exit_code: 3, status: 409 } });
    expect((await clock([])).stdout).toContain('(real clock: autoflow dev --clock manual gives one you move)');
  });

  it.each([
    ['a duration that is not ISO 8601', ['advance', '3d']],
    ['an instant without a timezone', ['set', '2027-02-01T00:00:00']],
    ['a missing duration', ['advance']],
    ['a timeout that is not a number of seconds', ['advance', 'P1D', '--timeout', 'soon']],
  ])('exits 2 for %s, before calling the server', async (_what, argv) => {
    const run = await clock(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toBe('');
    expect(moves).toEqual([]);
  });

  it('exits 3 when no dev server answers', async () => {
    const run = await runAutoflow(['clock', 'show'], { AUTOFLOW_API_URL: 'http://127.0.0.1:9' });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('cannot reach the API at http://127.0.0.1:9');
  });
});

describe('autoflow clock against `autoflow dev --clock manual`', () => {
  /** A reminder three days after a contact is created: one timer to wait for. */
  const reminderFlow = {
    id: 'reminder',
    flow_name: 'Remind new contacts after three days',
    triggers: [{ id: 'created', type: 'entity_operation', configuration: { schema: 'contact', operations: ['createEntity'] } }],
    schedules: [{ id: 'in-3-days', numberOfUnits: 3, timePeriod: 'days', timeRelation: 'after', source: { id: 'trigger', origin: 'trigger' } }],
    actions: [{ id: 'remind', type: 'send-email', schedule_id: 'in-3-days', config: { to: '{{email}}', subject: 'Still there, {{first_name}}?', text: 'A reminder.' } }],
  };

  it('shows a manual clock that started at the real time, fires the timer of a waiting execution when moved past it, and logs the move', async () => {
    const flows = await mkdtemp(join(tmpdir(), 'autoflow-clock-'));
    await writeFile(join(flows, 'reminder.json'), JSON.stringify(reminderFlow));
    const events: Array<Record<string, any>> = [];
    let interrupt: () => void = () => {};
    const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
    const io: CliIo = { out: (line) => void events.push(JSON.parse(line)), err: () => {}, readStdin: async () => '', env: {}, untilInterrupted: () => interrupted };
    const startedAt = Date.now();
    const exited = runCli(['dev', '--json', '--port', '0', '--flows', flows, '--clock', 'manual'], io);
    let ready: Record<string, any> | undefined;
    try {
      while (!(ready = events.find((e) => e.event === 'ready'))) {
        if (events.some((e) => e.event === 'stopped')) throw new Error(`dev stopped: ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(ready).toMatchObject({ clock: 'manual', flows: 1 });
      const env = { AUTOFLOW_API_URL: ready.api_url };
      const api = (method: string, path: string, body?: unknown) =>
        fetch(`${ready!.api_url}${path}`, {
          method,
          headers: { authorization: `Bearer ${ready!.token}`, 'content-type': 'application/json' },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

      const shown = (await runAutoflow(['clock', '--json'], env)).json();
      expect(shown).toMatchObject({ mode: 'manual', timers: { armed: 0, next_due_at: null } });
      const start = Date.parse(shown.now);
      expect(start).toBeGreaterThanOrEqual(startedAt);
      expect(start).toBeLessThanOrEqual(Date.now());

      expect(await api('POST', '/v1/entities/contact', { _id: 'c-1', email: 'ada@example.com', first_name: 'Ada' })).toMatchObject({ status: 201 });
      // a move of nothing waits for the engine, which arms the reminder three days on
      expect((await runAutoflow(['clock', 'advance', 'PT1S', '--json'], env)).json()).toEqual({ now: new Date(start + 1000).toISOString(), fired: 0 });
      const waiting = (await runAutoflow(['clock', '--json'], env)).json();
      expect(waiting.timers.armed).toBe(1);
      const dueAt = Date.parse(waiting.timers.next_due_at);
      expect(dueAt - start).toBeGreaterThan(3 * DAY - 10_000);
      expect(dueAt - start).toBeLessThanOrEqual(3 * DAY);
      const [execution] = (await api('GET', '/v1/automation/executions?entity_id=c-1')).body.results;
      expect(execution).toMatchObject({ execution_status: 'scheduled' });

      const moved = await runAutoflow(['clock', 'advance', 'P3D', '--json'], env);
      expect(moved.code).toBe(0);
      const now = new Date(start + 1000 + 3 * DAY).toISOString();
      expect(moved.json()).toEqual({ now, fired: 1 });
      expect(events).toContainEqual({ event: 'clock', message: `clock: advanced by P3D to ${now}; 1 timer(s) fired`, now, fired: 1 });
      // the move answered once the engine was idle: the reminder was sent, the execution ended
      expect((await api('GET', `/v1/automation/executions/${execution.id}`)).body).toMatchObject({ execution_status: 'success' });
      const mail = (await fetch(`${ready.api_url}/dev/mail`).then((r) => r.json())) as any;
      expect(mail.results).toContainEqual(expect.objectContaining({ to: ['ada@example.com'], subject: 'Still there, Ada?' }));
      expect((await runAutoflow(['clock', '--json'], env)).json()).toMatchObject({ now, timers: { armed: 0, next_due_at: null } });
    } finally {
      interrupt();
      await exited.catch(() => undefined);
    }
    expect(await exited).toBe(0);
    expect((ready?.pids as number[]).filter(alive)).toEqual([]);
  }, 120_000);
});
