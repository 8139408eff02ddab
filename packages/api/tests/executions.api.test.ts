import { waitFor } from '../../../test/support/waitFor';
import { useApi } from './support/apiHarness';
import { manualFlow } from './support/flows';

/** Reading, paging and changing executions over HTTP, and publishing events. */
describe('executions over HTTP', () => {
  const env = useApi();
  const org = 'paging-org';
  let flowId = '';
  const ids: string[] = [];

  const finished = (id: string) =>
    waitFor(`execution ${id} to finish`, async () => {
      const res = await env.call(org, 'GET', `/v1/automation/executions/${id}`);
      return ['success', 'failed', 'cancelled'].includes(res.body.execution_status) ? res.body : undefined;
    });

  beforeAll(async () => {
    flowId = (await env.call(org, 'POST', '/v1/automation/flows', manualFlow(env.hooks.url, '/paging'))).body.id;
    await env.call(org, 'POST', '/v1/entities/account', { _id: 'acct-1' });
    for (let i = 0; i < 3; i++) {
      const started = await env.call(org, 'POST', '/v1/automation/executions', { flow_id: flowId, entity_id: 'acct-1', trigger_context: { run: String(i) } });
      expect(started.status).toBe(201);
      ids.push(started.body.id);
      await finished(started.body.id);
    }
  });

  it('lists an entity\'s executions newest first, with offset paging and the total', async () => {
    const first = await env.call(org, 'GET', '/v1/automation/executions?entity_id=acct-1&size=2');
    expect(first.body.total).toBe(3);
    expect(first.body.results.map((e: any) => e.id)).toEqual([ids[2], ids[1]]);
    const second = await env.call(org, 'GET', '/v1/automation/executions?entity_id=acct-1&size=2&from=2');
    expect(second.body).toMatchObject({ total: 3, results: [{ id: ids[0], trigger_context: { run: '0' } }] });
  });

  it('pages through all executions of the org with an opaque cursor, newest first', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await env.call(org, 'POST', '/v1/automation/executions:search', { size: 2, ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      seen.push(...page.body.results.map((e: any) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await env.call(org, 'POST', '/v1/automation/executions:search', { cursor: 'bm90IGEgY3Vyc29y' })).status).toBe(400);
  });

  it('retries a failed execution from its failed action (:retry), and refuses to retry one that did not fail', async () => {
    let up = false;
    env.hooks.respond('/flaky', () => (up ? { status: 200 } : { status: 422 }));
    const flow = (await env.call(org, 'POST', '/v1/automation/flows', manualFlow(env.hooks.url, '/flaky'))).body;
    const started = (await env.call(org, 'POST', '/v1/automation/executions', { flow_id: flow.id, entity_id: 'acct-1' })).body;
    expect((await finished(started.id)).execution_status).toBe('failed');

    up = true;
    const retried = await env.call(org, 'POST', `/v1/automation/executions/${started.id}:retry`);
    expect(retried.status).toBe(200);
    expect((await finished(started.id)).execution_status).toBe('success');

    const again = await env.call(org, 'POST', `/v1/automation/executions/${started.id}:retry`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/only failed executions can be retried/);
  });

  it('refuses with 409 to cancel a finished execution or to retrigger an action that succeeded, and 404 for an unknown action', async () => {
    expect(await env.call(org, 'DELETE', `/v1/automation/executions/${ids[0]}`)).toMatchObject({ status: 409, body: { error: expect.stringMatching(/already success/) } });
    expect(await env.call(org, 'POST', `/v1/automation/executions/${ids[0]}/call/retrigger`, {})).toMatchObject({ status: 409, body: { error: expect.stringMatching(/already succeeded/) } });
    expect(await env.call(org, 'POST', `/v1/automation/executions/${ids[0]}/nope/retrigger`, {})).toMatchObject({ status: 404, body: { error: expect.stringMatching(/has no action nope/) } });
  });

  it('cancels a pending schedule with 200 and the schedule, skips its action and goes on; a second cancel is 404', async () => {
    const flow = (
      await env.call(org, 'POST', '/v1/automation/flows', {
        ...manualFlow(env.hooks.url, '/after-delay'),
        flow_name: 'delayed call',
        schedules: [{ id: 'tomorrow', numberOfUnits: 1, timePeriod: 'days', timeRelation: 'after', source: { id: 'trigger', origin: 'trigger' } }],
        actions: [
          { id: 'later', type: 'trigger-webhook', schedule_id: 'tomorrow', config: { url: `${env.hooks.url}/later` } },
          { id: 'now', type: 'trigger-webhook', config: { url: `${env.hooks.url}/now` } },
        ],
      })
    ).body;
    const started = await env.call(org, 'POST', '/v1/automation/executions', { flow_id: flow.id, entity_id: 'acct-1' });
    const id = started.body.id;
    await waitFor('the execution to wait for its schedule', async () => {
      const res = await env.call(org, 'GET', `/v1/automation/executions/${id}`);
      return res.body.execution_status === 'scheduled' ? res.body : undefined;
    });

    const cancelled = await env.call(org, 'DELETE', `/v1/automation/executions/${id}/schedules/tomorrow`);
    expect(cancelled).toMatchObject({ status: 200, body: { id: 'tomorrow', numberOfUnits: 1, timePeriod: 'days', source: { origin: 'trigger' } } });
    const done = await finished(id);
    expect(done.execution_status).toBe('success');
    expect(done.actions[0]).toMatchObject({ id: 'later', execution_status: 'skipped', reason: { message: 'schedule tomorrow was cancelled through the API' } });
    expect(done.actions[1]).toMatchObject({ id: 'now', execution_status: 'success' });

    const again = await env.call(org, 'DELETE', `/v1/automation/executions/${id}/schedules/tomorrow`);
    expect(again).toMatchObject({ status: 404, body: { error: expect.stringMatching(/no pending schedule tomorrow/) } });
  });

  it('answers 404 with the reason for cancelling a schedule the execution does not have', async () => {
    const res = await env.call(org, 'DELETE', `/v1/automation/executions/${ids[0]}/schedules/delay-1`);
    expect(res).toMatchObject({ status: 404, body: { status: 404, error: expect.stringMatching(/has no schedule delay-1/) } });
  });

  it('accepts one event or a list, takes the org from the token and starts the flows they match', async () => {
    const one = await env.call(org, 'POST', '/v1/automation/events', { event_id: 'evt-1', type: 'manual', flow_id: flowId, entity: { _id: 'acct-2', _schema: 'account' } });
    expect(one).toMatchObject({ status: 202, body: { event_ids: ['evt-1'] } });
    const many = await env.call(org, 'POST', '/v1/automation/events', [
      { event_id: 'evt-2', org_id: org, type: 'activity', activity: { type: 'Called' } },
      { event_id: 'evt-3', type: 'manual', flow_id: flowId, entity: { _id: 'acct-2', _schema: 'account' } },
    ]);
    expect(many).toMatchObject({ status: 202, body: { event_ids: ['evt-2', 'evt-3'] } });
    const runs = await waitFor('both manual events to run', async () => {
      const list = await env.call(org, 'GET', '/v1/automation/executions?entity_id=acct-2');
      return list.body.total === 2 && list.body.results.every((e: any) => e.execution_status === 'success') ? list.body.results : undefined;
    });
    expect(runs.map((e: any) => e.trigger_event.event_id).sort()).toEqual(['evt-1', 'evt-3']);
  });

  it('turns entity writes into entity_operation events, deletes included', async () => {
    const flow = (
      await env.call(org, 'POST', '/v1/automation/flows', {
        flow_name: 'on delete',
        triggers: [{ type: 'entity_operation', configuration: { schema: 'ticket', operations: ['deleteEntity'] } }],
        actions: [{ id: 'call', type: 'trigger-webhook', config: { url: `${env.hooks.url}/deleted` } }],
      })
    ).body;
    await env.call(org, 'POST', '/v1/entities/ticket', { _id: 'ticket-1', title: 'broken' });
    expect(await env.call(org, 'GET', '/v1/entities/ticket/ticket-1')).toMatchObject({ status: 200, body: { _id: 'ticket-1', _schema: 'ticket', _org: org } });
    expect(await env.call(org, 'GET', '/v1/entities/account/ticket-1')).toMatchObject({ status: 404 });
    expect(await env.call(org, 'DELETE', '/v1/entities/ticket/ticket-1')).toMatchObject({ status: 200, body: { id: 'ticket-1', deleted: true } });
    expect(await env.call(org, 'GET', '/v1/entities/ticket/ticket-1')).toMatchObject({ status: 404 });
    const run = await waitFor('the delete flow to run', async () => {
      const list = await env.call(org, 'GET', '/v1/automation/executions?entity_id=ticket-1');
      return list.body.results?.[0]?.execution_status === 'success' ? list.body.results[0] : undefined;
    });
    expect(run).toMatchObject({ flow_id: flow.id, trigger_event: { operation_type: 'deleteEntity' } });
  });
});
