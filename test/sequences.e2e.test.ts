import { executionIdFor } from '@autoflow/engine';
import { EmbeddedStack, ManualClock } from '@autoflow/local';
import { saveFlow } from './support/flows';
import { waitFor } from './support/waitFor';

/**
 * Email sequences on the embedded stack with a manual clock: a 14-day, 5-email sequence runs to
 * its end in seconds of wall time; a reply ends a sequence while it sleeps (exit_on); a wait step
 * ends with the reply or its timeout; a reply that comes just before the wait registers counts.
 */
describe('sequences', () => {
  const T0 = Date.parse('2027-02-01T08:00:00.000Z');
  const DAY = 86_400_000;
  const clock = new ManualClock(T0);
  let stack: EmbeddedStack;
  let n = 0;
  let release: (() => void) | undefined;

  beforeAll(async () => {
    stack = await EmbeddedStack.start({
      clock,
      sweepIntervalMs: 0,
      pollIntervalMs: 10,
      customHandlers: {
        // Stands in for a send that takes a while; the test decides when it ends.
        'slow-send': () => new Promise((resolve) => (release = () => resolve({ outputs: { sent: true } }))),
      },
    });
  });
  afterAll(async () => {
    release?.();
    await stack?.stop();
  });

  const iso = (ms: number) => new Date(ms).toISOString();
  const mailTo = async (to: string) => (await stack.listMail()).filter((m: any) => JSON.stringify(m.destination ?? m).includes(to));
  const doc = async (org: string, id: string) => (await stack.getExecution(org, id)) as Record<string, any>;
  const email = (id: string, to: string, extra: Record<string, unknown> = {}) => ({ id, type: 'send-email', config: { to, subject: id, text: `${id} for {{first_name}}` }, ...extra });

  async function start(org: string, flowId: string, entity: Record<string, unknown>): Promise<string> {
    const eventId = `seq-${++n}`;
    await stack.publishEvents([{ event_id: eventId, org_id: org, type: 'manual', flow_id: flowId, entity: { _schema: 'contact', ...entity } }]);
    await stack.idle();
    return executionIdFor(org, eventId, flowId);
  }

  const reply = (org: string, entityId: string) =>
    stack.publishEvents([{ event_id: `reply-${++n}`, org_id: org, type: 'received_email', entity: { _id: entityId, _schema: 'contact' }, payload: { subject: 'Re: hello' } }]);

  it('runs a 14-day, 5-email sequence to its end; each email goes out at its simulated time', async () => {
    const org = 'seq-14';
    const to = 'trial@example.com';
    const flow = await saveFlow(stack, org, {
      flow_name: 'trial sequence',
      triggers: [{ type: 'entity_manual', configuration: {} }],
      schedules: [
        { id: 'three-days-after-welcome', numberOfUnits: 3, timePeriod: 'days', timeRelation: 'after', source: { id: 'welcome', origin: 'action' } },
        { id: 'day-before-trial-end', numberOfUnits: 1, timePeriod: 'days', timeRelation: 'before', source: { id: 'trigger', origin: 'trigger', attribute: 'trial_end' } },
        { id: 'trial-end-morning', numberOfUnits: 9, timePeriod: 'hours', timeRelation: 'after', source: { id: 'trigger', origin: 'trigger', attribute: 'trial_end' } },
      ],
      actions: [
        email('welcome', to),
        email('tips', to, { schedule_id: 'three-days-after-welcome' }),
        { id: 'pause', type: 'wait', config: { timeout: 'P4D' } },
        email('case-study', to),
        email('last-day', to, { schedule_id: 'day-before-trial-end' }),
        email('ended', to, { schedule_id: 'trial-end-morning' }),
      ],
    });
    const id = await start(org, flow.id, { _id: 'lead-1', first_name: 'Ada', trial_end: '2027-02-15' });

    const due = {
      tips: T0 + 3 * DAY,
      'case-study': T0 + 7 * DAY,
      'last-day': Date.parse('2027-02-14T00:00:00.000Z'),
      ended: Date.parse('2027-02-15T09:00:00.000Z'),
    };
    expect(await mailTo(to)).toHaveLength(1);
    let sent = 1;
    for (const [action, at] of Object.entries(due)) {
      // Just before its time the email has not gone out; at its time it has.
      await stack.advanceClock(at - 60_000);
      expect(await mailTo(to)).toHaveLength(sent);
      await stack.advanceClock(at);
      expect(await mailTo(to)).toHaveLength(++sent);
      const sentNow = (await doc(org, id)).actions.find((a: any) => a.id === action);
      expect(sentNow).toMatchObject({ execution_status: 'success', started_at: iso(at) });
    }

    const done = await doc(org, id);
    expect(done.execution_status).toBe('success');
    const byId = Object.fromEntries(done.actions.map((a: any) => [a.id, a]));
    expect(byId.welcome).toMatchObject({ started_at: iso(T0), updated_at: iso(T0) });
    expect(byId.tips).toMatchObject({ scheduled_at: iso(due.tips), started_at: iso(due.tips), updated_at: iso(due.tips) });
    expect(byId.pause).toMatchObject({ started_at: iso(due.tips), wait_until: iso(due['case-study']), outputs: { outcome: 'timeout' } });
    expect(byId['last-day']).toMatchObject({ scheduled_at: iso(due['last-day']), started_at: iso(due['last-day']) });
    expect(byId.ended).toMatchObject({ scheduled_at: iso(due.ended), started_at: iso(due.ended), updated_at: iso(due.ended) });
    expect((await mailTo(to)).map((m: any) => m.subject)).toEqual(['welcome', 'tips', 'case-study', 'last-day', 'ended']);
  });

  const followUp = (to: string, extra: Record<string, unknown> = {}) => ({
    flow_name: 'follow-up until they reply',
    triggers: [{ type: 'entity_manual', configuration: {} }],
    exit_on: [{ id: 'replied', event: { type: ['received_email'] }, reason: 'the contact replied' }],
    schedules: [{ id: 'in-3-days', numberOfUnits: 3, timePeriod: 'days', source: { id: 'trigger', origin: 'trigger' } }],
    actions: [email('first', to), email('second', to, { schedule_id: 'in-3-days' })],
    ...extra,
  });

  it('exit_on: a reply during a wait cancels the execution at once with the reason; advancing past the old due time sends nothing', async () => {
    const org = 'seq-exit';
    const to = 'exit@example.com';
    const flow = await saveFlow(stack, org, followUp(to));
    const id = await start(org, flow.id, { _id: 'lead-2' });
    expect((await doc(org, id)).execution_status).toBe('scheduled');

    await reply(org, 'lead-2');
    await stack.idle();
    const d = await doc(org, id);
    expect(d).toMatchObject({ execution_status: 'cancelled', reason: 'the contact replied' });
    expect(d.actions[1]).toMatchObject({ execution_status: 'cancelled', reason: { message: 'the contact replied' } });
    expect(await stack.advanceClock(clock.now() + 4 * DAY)).toMatchObject({ fired: 0 });
    expect(await mailTo(to)).toHaveLength(1);
  });

  it('exit_on leaves executions of other entities alone', async () => {
    const org = 'seq-exit-other';
    const to = 'other@example.com';
    const flow = await saveFlow(stack, org, followUp(to));
    const id = await start(org, flow.id, { _id: 'lead-3' });
    await reply(org, 'somebody-else');
    await stack.idle();
    expect((await doc(org, id)).execution_status).toBe('scheduled');
    await stack.advanceClock(clock.now() + 3 * DAY);
    expect((await doc(org, id)).execution_status).toBe('success');
    expect(await mailTo(to)).toHaveLength(2);
  });

  const waitForReply = (to: string, first: Record<string, unknown> = email('first', to)) => ({
    flow_name: 'wait for a reply',
    triggers: [{ type: 'entity_manual', configuration: {} }],
    conditions: [{ id: 'no-reply', statements: [{ source: { origin: 'action', id: 'wait-reply', attribute: 'outcome' }, operation: 'equals', values: ['timeout'] }] }],
    actions: [first, { id: 'wait-reply', type: 'wait', config: { event: { type: ['received_email'] }, timeout: 'P3D' } }, email('nudge', to, { condition_id: 'no-reply' })],
  });

  it('a wait step ends with the event it waits for, and a condition branches on its outcome', async () => {
    const org = 'seq-wait';
    const to = 'wait-event@example.com';
    const flow = await saveFlow(stack, org, waitForReply(to));
    const id = await start(org, flow.id, { _id: 'lead-4' });
    expect((await doc(org, id)).actions[1]).toMatchObject({ execution_status: 'scheduled', waiting_for: 'wait' });

    clock.advance(3_600_000);
    await reply(org, 'lead-4');
    await stack.idle();
    const d = await doc(org, id);
    expect(d.execution_status).toBe('success');
    expect(d.actions[1].outputs).toMatchObject({ outcome: 'event', waited_ms: 3_600_000, event: { type: 'received_email', entity_id: 'lead-4' } });
    expect(d.actions[2].execution_status).toBe('skipped');
    expect(await mailTo(to)).toHaveLength(1);
  });

  it('a wait step that sees no event ends after its timeout with outcome timeout', async () => {
    const org = 'seq-timeout';
    const to = 'wait-timeout@example.com';
    const flow = await saveFlow(stack, org, waitForReply(to));
    const id = await start(org, flow.id, { _id: 'lead-5' });
    const started = clock.now();
    await stack.advanceClock(started + 3 * DAY);
    const d = await doc(org, id);
    expect(d.execution_status).toBe('success');
    expect(d.actions[1].outputs).toEqual({ outcome: 'timeout', waited_ms: 3 * DAY });
    expect(d.actions[2]).toMatchObject({ execution_status: 'success', started_at: iso(started + 3 * DAY) });
    expect(await mailTo(to)).toHaveLength(2);
  });

  it('look-back: a reply published a second before the wait registers still ends the wait', async () => {
    const org = 'seq-lookback';
    const to = 'lookback@example.com';
    const flow = await saveFlow(stack, org, waitForReply(to, { id: 'first', type: 'slow-send', config: {} }));
    const eventId = `seq-${++n}`;
    await stack.publishEvents([{ event_id: eventId, org_id: org, type: 'manual', flow_id: flow.id, entity: { _id: 'lead-6', _schema: 'contact' } }]);
    const id = executionIdFor(org, eventId, flow.id);
    await waitFor('the first send to be under way', async () => ((await stack.stores.executions.getState(org, id))?.acts[0]?.s === 'in_progress' && release ? true : undefined));

    // The reply arrives while the previous send is still running: no wait is registered yet.
    await reply(org, 'lead-6');
    await waitFor('the listener to keep the reply', async () => ((await stack.stores.recentEvents.since(org, 'lead-6', 0, clock.now())).length > 0 ? true : undefined));
    expect((await doc(org, id)).actions[1].execution_status).toBe('pending');
    clock.advance(1_000);
    release!();
    await stack.idle();

    const d = await doc(org, id);
    expect(d.execution_status).toBe('success');
    expect(d.actions[1].outputs).toMatchObject({ outcome: 'event', event: { type: 'received_email' } });
    expect(d.actions[2].execution_status).toBe('skipped');
    expect(await stack.advanceClock(clock.now() + 4 * DAY)).toMatchObject({ fired: 0 });
  });

  it('look-back for exits: a reply while the previous email is still being sent ends the sequence before it sleeps', async () => {
    const org = 'seq-exit-race';
    const to = 'exit-race@example.com';
    release = undefined;
    const flow = await saveFlow(stack, org, followUp(to, { actions: [{ id: 'first', type: 'slow-send', config: {} }, email('second', to, { schedule_id: 'in-3-days' })] }));
    const eventId = `seq-${++n}`;
    await stack.publishEvents([{ event_id: eventId, org_id: org, type: 'manual', flow_id: flow.id, entity: { _id: 'lead-7', _schema: 'contact' } }]);
    const id = executionIdFor(org, eventId, flow.id);
    await waitFor('the first send to be under way', async () => ((await stack.stores.executions.getState(org, id))?.acts[0]?.s === 'in_progress' && release ? true : undefined));

    await reply(org, 'lead-7');
    await waitFor('the reply to end the execution', async () => ((await stack.stores.executions.getState(org, id))?.status === 'cancelled' ? true : undefined));
    clock.advance(1_000);
    release!();
    await stack.idle();
    expect(await doc(org, id)).toMatchObject({ execution_status: 'cancelled', reason: 'the contact replied' });
    expect(await stack.advanceClock(clock.now() + 4 * DAY)).toMatchObject({ fired: 0 });
    expect(await mailTo(to)).toHaveLength(0);
  });

  it('a timer that fires while the entity is locked by another execution runs its action once the lock is free', async () => {
    const org = 'seq-locked';
    const to = 'locked@example.com';
    release = undefined;
    const delayed = await saveFlow(stack, org, {
      flow_name: 'delayed',
      triggers: [{ type: 'entity_manual', configuration: {} }],
      // shorter than the entity lock's lease, which the clock must not outrun here
      schedules: [{ id: 'in-5-minutes', numberOfUnits: 5, timePeriod: 'minutes', source: { id: 'trigger', origin: 'trigger' } }],
      actions: [email('later', to, { schedule_id: 'in-5-minutes' })],
    });
    const holder = await saveFlow(stack, org, { flow_name: 'holder', triggers: [{ type: 'entity_manual', configuration: {} }], actions: [{ id: 'hold', type: 'slow-send', config: {} }] });
    const id = await start(org, delayed.id, { _id: 'lead-9' });
    const slot = (await stack.stores.executions.getState(org, id))!.acts[0]!;
    const eventId = `seq-${++n}`;
    await stack.publishEvents([{ event_id: eventId, org_id: org, type: 'manual', flow_id: holder.id, entity: { _id: 'lead-9', _schema: 'contact' } }]);
    await waitFor('the other execution to hold the entity', async () => ((await stack.stores.executions.getState(org, executionIdFor(org, eventId, holder.id)))?.held && release ? true : undefined));

    // The delay's timer fires while the entity is locked: the execution waits for the lock.
    clock.set(slot.sa!);
    expect(await stack.dispatcher.onTimer({ org_id: org, execution_id: id, index: 0, seq: slot.ts!, due_at: slot.sa!, kind: 'delay' })).toBe('waiting');
    expect(await stack.stores.executions.getState(org, id)).toMatchObject({ status: 'pending', acts: [{ s: 'pending', sd: 1 }] });

    release!();
    await waitFor('the delayed action to run once the lock is free', async () => ((await stack.stores.executions.getState(org, id))?.status === 'success' ? true : undefined));
    expect(await mailTo(to)).toHaveLength(1);
  });
});
