import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { controlTable, createTableInput } from '@autoflow/aws';
import { type Clock, type Timer, silentLogger, systemClock, timerName } from '@autoflow/engine';
import { localAwsClientConfig, startDynamoDbLocal, type DynamoDbLocal } from '../src/emulators';
import { ManualClock } from '../src/stack';
import { LocalTimerService, type LocalTimerServiceOptions } from '../src/timers';
import { waitFor } from './support/waitFor';

const T0 = Date.parse('2027-01-01T09:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const timer = (executionId: string, dueAt: number, extra: Partial<Timer> = {}): Timer => ({
  org_id: 'org-a',
  execution_id: executionId,
  index: 0,
  seq: 1,
  due_at: dueAt,
  kind: 'delay',
  ...extra,
});

describe('LocalTimerService against DynamoDB Local', () => {
  let ddbLocal: DynamoDbLocal;
  let client: DynamoDBClient;
  /** the name of every command sent to DynamoDB Local, in order */
  let calls: string[] = [];
  const services: LocalTimerService[] = [];
  let tables = 0;

  beforeAll(async () => {
    ddbLocal = await startDynamoDbLocal();
    client = new DynamoDBClient(localAwsClientConfig(ddbLocal.endpoint));
    client.middlewareStack.add(
      (next, context) => async (args) => {
        calls.push(String((context as { commandName?: string }).commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
  });

  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.stop()));
  });

  afterAll(async () => {
    client.destroy();
    await ddbLocal.stop();
  });

  async function controlTableName(): Promise<string> {
    tables += 1;
    const name = `timers-control-${tables}`;
    await client.send(new CreateTableCommand(createTableInput(controlTable, name)));
    return name;
  }

  function service(table: string, clock: Clock, onFire: LocalTimerServiceOptions['onFire'], extra: Partial<LocalTimerServiceOptions> = {}): LocalTimerService {
    const s = new LocalTimerService({ client, table, clock, logger: silentLogger, onFire, ...extra });
    services.push(s);
    return s;
  }

  async function timerItems(table: string): Promise<string[]> {
    const page = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    return (page.Items ?? []).map((i) => `${i.pk?.S} ${i.sk?.S}`).sort();
  }

  /** An onFire that records what fired, and when by the clock. */
  function recorder(clock: Clock) {
    const fired: Array<{ name: string; at: number }> = [];
    const onFire = async (t: Timer): Promise<string> => {
      fired.push({ name: timerName(t), at: clock.now() });
      return 'written';
    };
    return { fired, onFire };
  }

  it('fires the timers due by the target in due order, equal due times by name, with the clock at each due time', async () => {
    const table = await controlTableName();
    const clock = new ManualClock(T0);
    const { fired, onFire } = recorder(clock);
    const idleWaits: number[] = [];
    const timers = service(table, clock, onFire);
    await timers.start();
    await timers.arm([timer('e-3', T0 + 3 * DAY), timer('e-b', T0 + DAY), timer('e-a', T0 + DAY), timer('e-2', T0 + 2 * HOUR), timer('e-late', T0 + 5 * DAY)]);

    const move = await timers.advanceTo(T0 + 3 * DAY, async () => void idleWaits.push(fired.length));

    expect(fired).toEqual([
      { name: 'e-2.0.1', at: T0 + 2 * HOUR },
      { name: 'e-a.0.1', at: T0 + DAY },
      { name: 'e-b.0.1', at: T0 + DAY },
      { name: 'e-3.0.1', at: T0 + 3 * DAY },
    ]);
    // once before the first firing, then after each one
    expect(idleWaits).toEqual([0, 1, 2, 3, 4]);
    expect(move).toEqual({ now: T0 + 3 * DAY, fired: 4 });
    expect(clock.now()).toBe(T0 + 3 * DAY);
    expect(await timerItems(table)).toEqual(['ORG#org-a#TIMERS TIMER#e-late.0.1']);
    expect(timers.armed).toBe(1);
  });

  it('fires in the same move the timers the engine arms while it handles one, when they are due by the target', async () => {
    const table = await controlTableName();
    const clock = new ManualClock(T0);
    const fired: string[] = [];
    const timers: LocalTimerService = service(table, clock, async (t) => {
      fired.push(`${timerName(t)}@${new Date(clock.now()).toISOString()}`);
      // a retry one hour later, then one a week later (after the target)
      if (t.seq === 1) await timers.arm([timer(t.execution_id, clock.now() + HOUR, { seq: 2, kind: 'retry' })]);
      if (t.seq === 2) await timers.arm([timer(t.execution_id, clock.now() + 7 * DAY, { seq: 3, kind: 'retry' })]);
      return 'written';
    });
    await timers.start();
    await timers.arm([timer('e-1', T0 + DAY)]);

    const move = await timers.advanceTo(T0 + 2 * DAY);

    expect(fired).toEqual(['e-1.0.1@2027-01-02T09:00:00.000Z', 'e-1.0.2@2027-01-02T10:00:00.000Z']);
    expect(move).toEqual({ now: T0 + 2 * DAY, fired: 2 });
    expect(timers.nextDue()).toMatchObject({ seq: 3, due_at: T0 + DAY + HOUR + 7 * DAY });
  });

  it('does not fire a disarmed timer, and removes its item', async () => {
    const table = await controlTableName();
    const clock = new ManualClock(T0);
    const { fired, onFire } = recorder(clock);
    const timers = service(table, clock, onFire);
    await timers.start();
    await timers.arm([timer('e-1', T0 + HOUR), timer('e-2', T0 + 2 * HOUR)]);

    await timers.disarm([timer('e-1', T0 + HOUR), timer('never-armed', T0)]);
    const move = await timers.advanceTo(T0 + DAY);

    expect(fired.map((f) => f.name)).toEqual(['e-2.0.1']);
    expect(move.fired).toBe(1);
    expect(await timerItems(table)).toEqual([]);
  });

  it('fires a timer armed twice once', async () => {
    const table = await controlTableName();
    const clock = new ManualClock(T0);
    const { fired, onFire } = recorder(clock);
    const timers = service(table, clock, onFire);
    await timers.start();

    await timers.arm([timer('e-1', T0 + HOUR), timer('e-1', T0 + HOUR)]);
    await timers.arm([timer('e-1', T0 + HOUR)]);
    expect(await timerItems(table)).toEqual(['ORG#org-a#TIMERS TIMER#e-1.0.1']);
    await timers.advanceTo(T0 + DAY);

    expect(fired).toEqual([{ name: 'e-1.0.1', at: T0 + HOUR }]);
  });

  it('keeps timers of two orgs with the same execution id apart, each under its org', async () => {
    const table = await controlTableName();
    const clock = new ManualClock(T0);
    const fired: string[] = [];
    const timers = service(table, clock, async (t) => {
      fired.push(t.org_id);
      return 'written';
    });
    await timers.start();

    await timers.arm([timer('e-1', T0 + HOUR, { org_id: 'org-b' }), timer('e-1', T0 + HOUR, { org_id: 'org-a' })]);
    expect(await timerItems(table)).toEqual(['ORG#org-a#TIMERS TIMER#e-1.0.1', 'ORG#org-b#TIMERS TIMER#e-1.0.1']);
    await timers.advanceTo(T0 + DAY);

    expect(fired.sort()).toEqual(['org-a', 'org-b']);
  });

  it('finds the armed timers again after a restart, and fires them', async () => {
    const table = await controlTableName();
    const clock = new ManualClock(T0);
    const before = service(table, clock, async () => {
      throw new Error('the first service never fires');
    });
    await before.start();
    await before.arm([timer('e-1', T0 + DAY, { kind: 'wait', index: 2, seq: 7 }), timer('e-2', T0 + 2 * DAY)]);
    await before.stop();

    const received: Timer[] = [];
    const after = service(table, clock, async (t) => {
      received.push(t);
      return 'written';
    });
    await after.start();
    expect(after.armed).toBe(2);
    const move = await after.advanceTo(T0 + 3 * DAY);

    expect(received).toEqual([timer('e-1', T0 + DAY, { kind: 'wait', index: 2, seq: 7 }), timer('e-2', T0 + 2 * DAY)]);
    expect(move.fired).toBe(2);
    expect(await timerItems(table)).toEqual([]);
  });

  it('serialises clock moves asked for at the same time', async () => {
    const table = await controlTableName();
    const clock = new ManualClock(T0);
    const { fired, onFire } = recorder(clock);
    const timers = service(table, clock, onFire);
    await timers.start();
    await timers.arm([timer('e-1', T0 + HOUR), timer('e-2', T0 + 3 * HOUR)]);

    const [first, second] = await Promise.all([timers.advanceTo(T0 + 2 * HOUR), timers.advanceTo(T0 + 4 * HOUR)]);

    expect(first).toEqual({ now: T0 + 2 * HOUR, fired: 1 });
    expect(second).toEqual({ now: T0 + 4 * HOUR, fired: 1 });
    expect(fired).toEqual([
      { name: 'e-1.0.1', at: T0 + HOUR },
      { name: 'e-2.0.1', at: T0 + 3 * HOUR },
    ]);
  });

  it('never moves a manual clock back, and fires a timer armed overdue without a move', async () => {
    const table = await controlTableName();
    const clock = new ManualClock(T0);
    const { fired, onFire } = recorder(clock);
    const timers = service(table, clock, onFire);
    await timers.start();

    expect(await timers.advanceTo(T0 - DAY)).toEqual({ now: T0, fired: 0 });
    await timers.arm([timer('e-overdue', T0 - HOUR)]);
    await waitFor('the overdue timer to fire', () => fired.length === 1);

    expect(fired).toEqual([{ name: 'e-overdue.0.1', at: T0 }]);
    expect(clock.now()).toBe(T0);
  });

  it('keeps a timer whose hand-over failed armed for the next move, and goes on with the others', async () => {
    const table = await controlTableName();
    const clock = new ManualClock(T0);
    let failing = true;
    const fired: string[] = [];
    const timers = service(table, clock, async (t) => {
      if (t.execution_id === 'e-bad' && failing) throw new Error('store unavailable');
      fired.push(t.execution_id);
      return 'written';
    });
    await timers.start();
    await timers.arm([timer('e-bad', T0 + HOUR), timer('e-good', T0 + 2 * HOUR)]);

    expect(await timers.advanceTo(T0 + DAY)).toEqual({ now: T0 + DAY, fired: 1 });
    failing = false;
    expect(await timers.advanceTo(T0 + DAY + 1)).toEqual({ now: T0 + DAY + 1, fired: 1 });

    expect(fired).toEqual(['e-good', 'e-bad']);
    expect(await timerItems(table)).toEqual([]);
  });

  it('refuses to move the real clock', async () => {
    const timers = service(await controlTableName(), systemClock, async () => 'written');
    await timers.start();
    expect(timers.mode).toBe('real');
    await expect(timers.advanceTo(Date.now() + DAY)).rejects.toThrow(/only a manual clock/);
  });

  it('fires a timer on the real clock when it is due, and removes its item', async () => {
    const table = await controlTableName();
    const received: Timer[] = [];
    const timers = service(table, systemClock, async (t) => {
      received.push(t);
      return 'written';
    });
    await timers.start();

    await timers.arm([timer('e-soon', Date.now() + 50)]);
    await waitFor('the timer to fire', () => received.length === 1);

    expect(received[0]).toMatchObject({ execution_id: 'e-soon' });
    await waitFor('its item to be deleted', async () => (await timerItems(table)).length === 0);
    expect(timers.armed).toBe(0);
  });

  it('arms a timer fired early again, and retries a failed hand-over on the real clock', async () => {
    const table = await controlTableName();
    const outcomes = ['early', 'error', 'written'];
    const attempts: string[] = [];
    const timers = service(table, systemClock, async () => {
      const outcome = outcomes.shift() ?? 'written';
      attempts.push(outcome);
      if (outcome === 'error') throw new Error('store unavailable');
      return outcome;
    });
    await timers.start();

    await timers.arm([timer('e-1', Date.now() + 10)]);
    // the failed hand-over is retried after the first back-off (1 s)
    await waitFor('the timer to be handed over for good', () => attempts.length === 3, 5_000);

    expect(attempts).toEqual(['early', 'error', 'written']);
    await waitFor('its item to be deleted', async () => (await timerItems(table)).length === 0);
  });

  it('makes no store call while timers wait, and one DeleteItem to wake one', async () => {
    const table = await controlTableName();
    const far = Date.now() + 365 * DAY;
    const manualClock = new ManualClock(Date.now());
    const real = service(table, systemClock, async () => 'written');
    await real.start();
    for (let i = 0; i < 1_000; i += 50) await real.arm(Array.from({ length: 50 }, (_, j) => timer(`e-${i + j}`, far + i + j)));
    // the manual one finds them at start-up, as after a restart
    const manual = service(table, manualClock, async () => 'written');
    await manual.start();
    expect([real.armed, manual.armed]).toEqual([1_000, 1_000]);

    calls = [];
    await new Promise((resolve) => setTimeout(resolve, 500));
    await manual.advanceTo(manualClock.now() + 30 * DAY);
    expect(calls).toEqual([]);

    const woken = await manual.advanceTo(far);
    expect(woken.fired).toBe(1);
    expect(calls).toEqual(['DeleteItemCommand']);
  });
});
