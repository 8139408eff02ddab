import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../../test/support/waitFor';
import { useCliApi } from './support/cliHarness';

async function file(name: string, content: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'autoflow-events-')), name);
  await writeFile(path, content);
  return path;
}

describe('autoflow events publish', () => {
  const env = useCliApi();
  const org = 'cli-events';
  let flowId = '';

  beforeAll(async () => {
    const flow = await env.call(org, 'POST', '/v1/automation/flows', {
      flow_name: 'on journey submissions',
      triggers: [{ type: 'journey_submission', configuration: { source_id: 'journey-7' } }],
      actions: [{ id: 'call', type: 'trigger-webhook', config: { url: `${env.hooks.url}/submitted` } }],
    });
    expect(flow.status).toBe(201);
    flowId = flow.body.id;
  });

  it('publishes one event from a file as the token\'s org, and the flows it matches run', async () => {
    const path = await file('event.json', JSON.stringify({ event_id: 'sub-1', type: 'journey_submission', source_id: 'journey-7', payload: { email: 'a@example.com' } }));
    const run = await env.run(org, ['events', 'publish', path]);
    expect(run).toMatchObject({ code: 0, stdout: 'accepted 1 event(s): sub-1' });
    const delivered = await waitFor('the webhook of the matched flow', () => env.hooks.received('/submitted').find((r) => (r.json as any)?.trigger?.payload?.email === 'a@example.com'));
    expect(delivered.json).toMatchObject({ org_id: org, flow_id: flowId });
  });

  it('publishes an array read from stdin with "-", and answers the accepted ids as JSON with --json', async () => {
    const events = [
      { event_id: 'sub-2', type: 'journey_submission', source_id: 'journey-7', payload: { email: 'b@example.com' } },
      { event_id: 'call-1', type: 'activity', activity: { type: 'CallLogged' }, entity: { _id: 'c-1', _schema: 'contact' } },
    ];
    const run = await env.run(org, ['events', 'publish', '-', '--json'], { stdin: JSON.stringify(events) });
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({ event_ids: ['sub-2', 'call-1'] });
  });

  it('exits 1 listing every problem with its path when the API refuses the events', async () => {
    const events = [
      { event_id: 'fine-1', type: 'journey_submission', source_id: 'journey-7', payload: { email: 'never@example.com' } },
      { event_id: 'bad-1', type: 'activity', orgId: org, activity: { type: 'X' } },
    ];
    const path = await file('events.json', JSON.stringify(events));
    const run = await env.run(org, ['events', 'publish', path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: POST /v1/automation/events: 400');
    expect(run.stderr).toContain('    [1].orgId: is not a known field (did you mean "org_id"?)');
    const json = await env.run(org, ['events', 'publish', path, '--json']);
    expect(json.code).toBe(1);
    expect(json.json()).toEqual({
      error: { message: expect.stringContaining('400'), exit_code: 1, status: 400, problems: expect.arrayContaining([{ path: '[1].orgId', message: 'is not a known field (did you mean "org_id"?)' }]) },
    });
  });

  it('exits 3 when an event names another org (403), 1 for a file that is not JSON and 2 for one that does not exist', async () => {
    const other = await file('other.json', JSON.stringify({ event_id: 'x-1', org_id: 'someone-else', type: 'activity', activity: { type: 'X' } }));
    const forbidden = await env.run(org, ['events', 'publish', other]);
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toContain('403');
    const broken = await env.run(org, ['events', 'publish', await file('broken.json', '{"event_id": ')]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json is not valid JSON/);
    const missing = await env.run(org, ['events', 'publish', '/nonexistent/events.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/events.json: no such file');
  });
});
