import { createApiServices, executionIdFor } from '@autoflow/engine';
import { EmbeddedStack, ManualClock } from '@autoflow/local';
import { saveFlow } from './support/flows';

/**
 * epilot's `schedules[]` on the embedded stack with a manual clock: delays relative to the
 * trigger and to an entity date, both evaluation orders, schedules that cannot be computed, and
 * cancelSchedule. Time moves only when the test moves it.
 */
describe('schedules', () => {
  const T0 = Date.parse('2027-01-04T09:00:00.000Z');
  const clock = new ManualClock(T0);
  let stack: EmbeddedStack;
  let n = 0;

  beforeAll(async () => {
    stack = await EmbeddedStack.start({ clock, sweepIntervalMs: 0, pollIntervalMs: 10 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const iso = (ms: number) => new Date(ms).toISOString();
  const mailTo = async (to: string) => (await stack.listMail()).filter((m: any) => JSON.stringify(m.destination ?? m).includes(to));
  const api = () => createApiServices({ ...stack.stores, ingress: stack.ingress, clock: stack.clock, timers: stack.timers });
  const doc = async (org: string, id: string) => (await stack.getExecution(org, id)) as Record<string, any>;

  /** Saves the flow, starts it for the entity by hand and lets the engine settle. */
  async function run(org: string, flow: Record<string, unknown>, entity: Record<string, unknown>): Promise<string> {
    const saved = await saveFlow(stack, org, { triggers: [{ type: 'entity_manual', configuration: {} }], ...flow });
    const eventId = `evt-${++n}`;
    await stack.publishEvents([{ event_id: eventId, org_id: org, type: 'manual', flow_id: saved.id, entity: { _schema: 'contract', ...entity } }]);
    await stack.idle();
    return executionIdFor(org, eventId, saved.id);
  }

  const email = (id: string, to: string, extra: Record<string, unknown> = {}) => ({ id, type: 'send-email', config: { to, subject: id, text: id }, ...extra });

  it('runs a delayed action at its fire time; the execution waits as scheduled and later actions wait behind it', async () => {
    const org = 'sched-1';
    const to = 'delay@example.com';
    const id = await run(
      org,
      {
        flow_name: 'reminder',
        schedules: [{ id: 'in-3-days', numberOfUnits: 3, timePeriod: 'days', timeRelation: 'after', source: { id: 'trigger', origin: 'trigger' } }],
        actions: [email('now', to), email('reminder', to, { schedule_id: 'in-3-days' }), email('after', to)],
      },
      { _id: 'c-1' },
    );
    const armed = await doc(org, id);
    const start = Date.parse(armed.created_at);
    expect(armed.execution_status).toBe('scheduled');
    expect(armed.actions.map((a: any) => a.execution_status)).toEqual(['success', 'scheduled', 'pending']);
    expect(armed.actions[1].scheduled_at).toBe(iso(start + 3 * DAY));
    expect(await mailTo(to)).toHaveLength(1);

    // A minute before the fire time nothing happens; at it, the reminder and then the last action run.
    expect(await stack.advanceClock(start + 3 * DAY - 60_000)).toMatchObject({ fired: 0 });
    expect(await mailTo(to)).toHaveLength(1);
    expect(await stack.advanceClock(start + 3 * DAY)).toMatchObject({ fired: 1 });
    const done = await doc(org, id);
    expect(done.execution_status).toBe('success');
    expect(done.actions[1]).toMatchObject({ execution_status: 'success', scheduled_at: iso(start + 3 * DAY), started_at: iso(start + 3 * DAY) });
    expect(await mailTo(to)).toHaveLength(3);
  });

  it('fires relative to an entity date, before it (30 days before contract_end = 2027-03-31 is 2027-03-01T00:00Z)', async () => {
    const org = 'sched-2';
    const id = await run(
      org,
      {
        flow_name: 'renewal',
        schedules: [{ id: 'before-end', numberOfUnits: 30, timePeriod: 'days', timeRelation: 'before', source: { id: 'trigger', origin: 'trigger', schema: 'contract', attribute: 'contract_end' } }],
        actions: [email('renewal', 'renewal@example.com', { schedule_id: 'before-end' })],
      },
      { _id: 'c-2', contract_end: '2027-03-31' },
    );
    expect((await doc(org, id)).actions[0]).toMatchObject({ execution_status: 'scheduled', scheduled_at: '2027-03-01T00:00:00.000Z' });
    await stack.advanceClock(Date.parse('2027-03-01T00:00:00.000Z'));
    expect((await doc(org, id)).execution_status).toBe('success');
    expect(await mailTo('renewal@example.com')).toHaveLength(1);
  });

  it('fires after an entity date', async () => {
    const org = 'sched-3';
    const now = clock.now();
    const id = await run(
      org,
      {
        flow_name: 'follow-up',
        schedules: [{ id: 'after-start', numberOfUnits: 2, timePeriod: 'hours', timeRelation: 'after', source: { id: 'trigger', origin: 'trigger', attribute: 'starts_at' } }],
        actions: [email('follow-up', 'after@example.com', { schedule_id: 'after-start' })],
      },
      { _id: 'c-3', starts_at: iso(now + DAY) },
    );
    expect((await doc(org, id)).actions[0]).toMatchObject({ execution_status: 'scheduled', scheduled_at: iso(now + DAY + 2 * HOUR) });
    await stack.advanceClock(now + DAY + 2 * HOUR);
    expect((await doc(org, id)).execution_status).toBe('success');
  });

  const condition = (order: 'AFTER_SCHEDULE' | 'BEFORE_SCHEDULE') => ({
    id: 'is-active',
    schedule_id: 'in-1-day',
    evaluation_order: order,
    statements: [{ source: { origin: 'trigger', attribute: 'status' }, operation: 'equals', values: ['active'] }],
  });
  const oneDay = { id: 'in-1-day', numberOfUnits: 1, timePeriod: 'days', source: { id: 'trigger', origin: 'trigger' } };

  it('AFTER_SCHEDULE: arms first and checks the condition at fire time against the entity as it is then', async () => {
    const org = 'sched-4';
    await stack.stores.entities.create(org, { _id: 'c-4', _schema: 'contract', status: 'draft' });
    await stack.idle();
    const id = await run(
      org,
      {
        flow_name: 'after',
        schedules: [oneDay],
        conditions: [condition('AFTER_SCHEDULE')],
        actions: [email('welcome', 'after-order@example.com', { condition_id: 'is-active' }), email('welcome-too', 'after-order@example.com', { condition_id: 'is-active' })],
      },
      { _id: 'c-4', status: 'draft' },
    );
    expect((await doc(org, id)).actions[0].execution_status).toBe('scheduled');
    await stack.stores.entities.update(org, 'c-4', { status: 'active' });
    await stack.idle();
    await stack.advanceClock(clock.now() + DAY);
    // Both actions of the block see the entity as it is now, not as it was at the trigger.
    expect((await doc(org, id)).actions.map((a: any) => a.execution_status)).toEqual(['success', 'success']);
    expect(await mailTo('after-order@example.com')).toHaveLength(2);
  });

  it('BEFORE_SCHEDULE: checks now and skips the block at once when the condition does not hold; nothing is armed', async () => {
    const org = 'sched-5';
    const id = await run(
      org,
      { flow_name: 'before', schedules: [oneDay], conditions: [condition('BEFORE_SCHEDULE')], actions: [email('welcome', 'before-order@example.com', { condition_id: 'is-active' })] },
      { _id: 'c-5', status: 'draft' },
    );
    const d = await doc(org, id);
    expect(d.execution_status).toBe('success');
    expect(d.actions[0].execution_status).toBe('skipped');
    expect(await stack.advanceClock(clock.now() + 2 * DAY)).toMatchObject({ fired: 0 });
  });

  it('BEFORE_SCHEDULE: arms when the condition holds and does not check it again when it fires', async () => {
    const org = 'sched-6';
    await stack.stores.entities.create(org, { _id: 'c-6', _schema: 'contract', status: 'active' });
    await stack.idle();
    const id = await run(
      org,
      { flow_name: 'before-holds', schedules: [oneDay], conditions: [condition('BEFORE_SCHEDULE')], actions: [email('welcome', 'before-holds@example.com', { condition_id: 'is-active' })] },
      { _id: 'c-6', status: 'active' },
    );
    expect((await doc(org, id)).actions[0].execution_status).toBe('scheduled');
    await stack.stores.entities.update(org, 'c-6', { status: 'draft' });
    await stack.idle();
    await stack.advanceClock(clock.now() + DAY);
    expect((await doc(org, id)).actions[0].execution_status).toBe('success');
  });

  const onDate = { id: 'on-date', numberOfUnits: 1, timePeriod: 'days', timeRelation: 'after', source: { id: 'trigger', origin: 'trigger', attribute: 'due_date' } };

  it('fails the execution with INVALID_SCHEDULE_CONFIG when the date is missing', async () => {
    const org = 'sched-7';
    const id = await run(org, { flow_name: 'missing', schedules: [onDate], actions: [email('reminder', 'x7@example.com', { schedule_id: 'on-date' }), email('after', 'x7@example.com')] }, { _id: 'c-7' });
    const d = await doc(org, id);
    expect(d.execution_status).toBe('failed');
    expect(d.actions[0]).toMatchObject({ execution_status: 'failed', error_output: { error_code: 'INVALID_SCHEDULE_CONFIG' } });
    expect(d.actions[0].error_output.error_reason).toMatch(/due_date/);
    expect(d.actions[1].execution_status).toBe('skipped');
  });

  it('fails the action but goes on when its fire time has passed and the action allows failure', async () => {
    const org = 'sched-8';
    const id = await run(
      org,
      { flow_name: 'past', schedules: [onDate], actions: [email('reminder', 'x8@example.com', { schedule_id: 'on-date', allow_failure: true }), email('after', 'x8@example.com')] },
      { _id: 'c-8', due_date: iso(clock.now() - 2 * DAY).slice(0, 10) },
    );
    const d = await doc(org, id);
    expect(d.execution_status).toBe('success');
    expect(d.actions[0]).toMatchObject({ execution_status: 'failed', error_output: { error_code: 'INVALID_SCHEDULE_CONFIG' } });
    expect(d.actions[0].error_output.error_reason).toMatch(/has passed/);
    expect(d.actions[1].execution_status).toBe('success');
  });

  it("cancels a condition block whose schedule cannot be computed when the condition allows failure, and records it on the condition", async () => {
    const org = 'sched-9';
    const id = await run(
      org,
      {
        flow_name: 'block',
        schedules: [onDate],
        conditions: [{ id: 'block', schedule_id: 'on-date', allow_failure: true, statements: [] }],
        actions: [email('in-block', 'x9@example.com', { condition_id: 'block' }), email('in-block-too', 'x9@example.com', { condition_id: 'block' }), email('after', 'x9@example.com')],
      },
      { _id: 'c-9', due_date: 'not a date' },
    );
    const d = await doc(org, id);
    expect(d.execution_status).toBe('success');
    expect(d.actions.map((a: any) => a.execution_status)).toEqual(['cancelled', 'cancelled', 'success']);
    expect(d.conditions[0].error_output).toMatchObject({ error_code: 'INVALID_SCHEDULE_CONFIG' });
  });

  it('cancelSchedule skips the waiting actions and goes on (200), then is 404; the timer that fires later does nothing', async () => {
    const org = 'sched-10';
    const to = 'cancel-schedule@example.com';
    const id = await run(
      org,
      { flow_name: 'cancel schedule', schedules: [oneDay], actions: [email('later', to, { schedule_id: 'in-1-day' }), email('after', to)] },
      { _id: 'c-10' },
    );
    const services = api();
    const caller = { org_id: org };
    expect(await services.executions.cancelSchedule(caller, id, 'in-1-day')).toMatchObject({ id: 'in-1-day', numberOfUnits: 1 });
    await stack.idle();
    const d = await doc(org, id);
    expect(d.execution_status).toBe('success');
    expect(d.actions[0]).toMatchObject({ execution_status: 'skipped', reason: { message: expect.stringMatching(/cancelled/) } });
    expect(d.actions[1].execution_status).toBe('success');
    await expect(services.executions.cancelSchedule(caller, id, 'in-1-day')).rejects.toThrow(/no pending schedule/);
    await stack.advanceClock(clock.now() + 2 * DAY);
    expect(await mailTo(to)).toHaveLength(1);
  });

  it('cancelling the execution deletes its pending timer: advancing past the fire time sends nothing, and a late firing does nothing', async () => {
    const org = 'sched-11';
    const to = 'cancel-exec@example.com';
    const id = await run(org, { flow_name: 'cancel execution', schedules: [oneDay], actions: [email('later', to, { schedule_id: 'in-1-day' })] }, { _id: 'c-11' });
    const state = await stack.stores.executions.getState(org, id);
    const slot = state!.acts[0]!;
    await api().executions.cancel({ org_id: org }, id);
    await stack.idle();
    expect(await stack.advanceClock(clock.now() + 2 * DAY)).toMatchObject({ fired: 0 });
    // The same timer delivered anyway (a queue that cannot take it back) is fenced off.
    const timer = { org_id: org, execution_id: id, index: 0, seq: slot.ts!, due_at: slot.sa!, kind: 'delay' as const };
    expect(await stack.dispatcher.onTimer(timer)).toBe('none');
    expect((await doc(org, id)).execution_status).toBe('cancelled');
    expect(await mailTo(to)).toHaveLength(0);
  });

  it('a timer delivered twice runs its action once', async () => {
    const org = 'sched-12';
    const to = 'twice@example.com';
    const id = await run(org, { flow_name: 'twice', schedules: [oneDay], actions: [email('later', to, { schedule_id: 'in-1-day' })] }, { _id: 'c-12' });
    const slot = (await stack.stores.executions.getState(org, id))!.acts[0]!;
    const timer = { org_id: org, execution_id: id, index: 0, seq: slot.ts!, due_at: slot.sa!, kind: 'delay' as const };
    expect(await stack.dispatcher.onTimer(timer)).toBe('early');
    await stack.advanceClock(slot.sa!);
    expect(await stack.dispatcher.onTimer(timer)).toBe('none');
    await stack.idle();
    expect((await doc(org, id)).execution_status).toBe('success');
    expect(await mailTo(to)).toHaveLength(1);
  });

  it("send_window: an action outside its window waits for the next allowed minute in the recipient's time zone", async () => {
    const org = 'sched-13';
    const to = 'window@example.com';
    clock.set(Date.parse('2027-06-05T12:00:00.000Z')); // a Saturday
    const window = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00', time_zone: 'Europe/Berlin', time_zone_attribute: 'tz' };
    const id = await run(org, { flow_name: 'office hours', actions: [email('hello', to, { send_window: window })] }, { _id: 'c-13', tz: 'America/New_York' });
    // Monday 09:00 in New York (EDT, UTC-4).
    expect((await doc(org, id)).actions[0]).toMatchObject({ execution_status: 'scheduled', waiting_for: 'window', scheduled_at: '2027-06-07T13:00:00.000Z' });
    await stack.advanceClock(Date.parse('2027-06-07T12:59:00.000Z'));
    expect(await mailTo(to)).toHaveLength(0);
    await stack.advanceClock(Date.parse('2027-06-07T13:00:00.000Z'));
    expect((await doc(org, id)).actions[0]).toMatchObject({ execution_status: 'success', started_at: '2027-06-07T13:00:00.000Z' });
    expect(await mailTo(to)).toHaveLength(1);
  });
});
