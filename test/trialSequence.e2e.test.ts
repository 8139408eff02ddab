import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { executionIdFor } from '@autoflow/engine';
import { EmbeddedStack, ManualClock } from '@autoflow/local';
import { saveFlow } from './support/flows';

/**
 * The example flow `flows/trial-sequence.json`, as docs/flows.md describes it: created contact →
 * welcome, tips 3 days later in office hours, a wait of up to 4 days for a reply, a nudge only on
 * timeout, a reminder the day before `trial_end`; an "unsubscribe" email ends it. On a manual
 * clock, with a contact created on Wednesday 2027-01-06 at 20:00 in Berlin.
 */
describe('flows/trial-sequence.json', () => {
  const T0 = Date.parse('2027-01-06T19:00:00.000Z');
  const WEEK = 7 * 86_400_000;
  const clock = new ManualClock(T0);
  let stack: EmbeddedStack;
  let flow: Record<string, unknown>;

  beforeAll(async () => {
    flow = JSON.parse(await readFile(join(__dirname, '..', 'flows', 'trial-sequence.json'), 'utf8'));
    stack = await EmbeddedStack.start({ clock, sweepIntervalMs: 0, pollIntervalMs: 10 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const iso = (ms: number) => new Date(ms).toISOString();
  const subjectsTo = async (to: string) =>
    (await stack.listMail()).filter((m: any) => JSON.stringify(m.destination ?? m).includes(to)).map((m: any) => m.subject);
  const doc = async (org: string, id: string) => (await stack.getExecution(org, id)) as Record<string, any>;
  const action = async (org: string, id: string, actionId: string) => (await doc(org, id)).actions.find((a: any) => a.id === actionId);

  /** Saves the example flow for the org and creates a trial contact; `offset` moves the whole scenario by whole weeks. */
  async function startTrial(org: string, email: string, offset: number): Promise<string> {
    await stack.advanceClock(T0 + offset);
    await saveFlow(stack, org, flow);
    await stack.stores.entities.create(org, {
      _id: 'trial-1',
      _schema: 'contact',
      email,
      first_name: 'Ada',
      time_zone: 'Europe/Berlin',
      trial_end: new Date(Date.parse('2027-01-20T00:00:00Z') + offset).toISOString().slice(0, 10),
    });
    await stack.idle();
    return executionIdFor(org, 'ent-trial-1-v1', 'trial-sequence');
  }

  const reply = (org: string, eventId: string, subject: string) =>
    stack.publishEvents([{ event_id: eventId, org_id: org, type: 'received_email', source_id: 'trial@example.com', entity: { _id: 'trial-1', _schema: 'contact' }, payload: { subject } }]);

  it('without a reply: tips wait for Monday 09:00 in Berlin, the wait times out, the nudge and the reminder follow', async () => {
    const org = 'trial-quiet';
    const to = 'quiet@example.com';
    const id = await startTrial(org, to, 0);
    expect(await subjectsTo(to)).toEqual(['Welcome to your trial, Ada']);
    expect(await action(org, id, 'tips')).toMatchObject({ execution_status: 'scheduled', waiting_for: 'delay', scheduled_at: iso(T0 + 3 * 86_400_000) });
    expect((await doc(org, id)).execution_status).toBe('scheduled');

    // Saturday 20:00 in Berlin is outside the weekday window: the tips wait for Monday 09:00 (08:00 UTC).
    await stack.advanceClock(Date.parse('2027-01-09T19:00:00Z'));
    expect(await action(org, id, 'tips')).toMatchObject({ execution_status: 'scheduled', waiting_for: 'window', scheduled_at: '2027-01-11T08:00:00.000Z' });
    await stack.advanceClock(Date.parse('2027-01-11T08:00:00Z'));
    expect(await action(org, id, 'wait-for-reply')).toMatchObject({ execution_status: 'scheduled', waiting_for: 'wait', wait_until: '2027-01-15T08:00:00.000Z' });

    await stack.advanceClock(Date.parse('2027-01-15T08:00:00Z'));
    expect(await action(org, id, 'wait-for-reply')).toMatchObject({ execution_status: 'success', outputs: { outcome: 'timeout' } });
    expect(await action(org, id, 'nudge')).toMatchObject({ execution_status: 'success', started_at: '2027-01-15T08:00:00.000Z' });

    // One day before trial_end (2027-01-20) is 2027-01-19T00:00Z; the window opens at 09:00 in Berlin.
    await stack.advanceClock(Date.parse('2027-01-19T08:00:00Z'));
    const done = await doc(org, id);
    expect(done.execution_status).toBe('success');
    expect(done.actions.find((a: any) => a.id === 'trial-ends-tomorrow')).toMatchObject({ execution_status: 'success', started_at: '2027-01-19T08:00:00.000Z' });
    expect(await subjectsTo(to)).toEqual(['Welcome to your trial, Ada', 'Three tips for your trial', 'How is your trial going?', 'Your trial ends tomorrow']);
  });

  it('a reply during the wait skips the nudge; the reminder still goes out', async () => {
    const org = 'trial-reply';
    const to = 'reply@example.com';
    const id = await startTrial(org, to, 2 * WEEK);
    await stack.advanceClock(Date.parse('2027-01-25T08:00:00Z'));
    expect(await action(org, id, 'wait-for-reply')).toMatchObject({ execution_status: 'scheduled', waiting_for: 'wait' });

    await reply(org, 'reply-1', 'Re: Three tips for your trial');
    await stack.idle();
    expect(await action(org, id, 'wait-for-reply')).toMatchObject({ execution_status: 'success', outputs: { outcome: 'event', event: { event_id: 'reply-1', type: 'received_email', entity_id: 'trial-1' } } });
    expect(await action(org, id, 'nudge')).toMatchObject({ execution_status: 'skipped' });

    await stack.advanceClock(Date.parse('2027-02-02T08:00:00Z'));
    expect((await doc(org, id)).execution_status).toBe('success');
    expect(await subjectsTo(to)).toEqual(['Welcome to your trial, Ada', 'Three tips for your trial', 'Your trial ends tomorrow']);
  });

  it('an "Unsubscribe" email ends the sequence while it waits; moving the clock sends nothing more', async () => {
    const org = 'trial-unsubscribe';
    const to = 'unsubscribe@example.com';
    const id = await startTrial(org, to, 4 * WEEK);
    await reply(org, 'unsubscribe-1', 'UNSUBSCRIBE me please');
    await stack.idle();
    const d = await doc(org, id);
    expect(d).toMatchObject({ execution_status: 'cancelled', reason: 'the contact asked to unsubscribe' });
    expect(d.actions.find((a: any) => a.id === 'tips')).toMatchObject({ execution_status: 'cancelled', reason: { message: 'the contact asked to unsubscribe' } });
    expect(await stack.advanceClock(T0 + 6 * WEEK)).toMatchObject({ fired: 0 });
    expect(await subjectsTo(to)).toEqual(['Welcome to your trial, Ada']);
  });
});
