import { waitFor } from '../../../test/support/waitFor';
import { useCliApi } from './support/cliHarness';

describe('autoflow executions', () => {
  const env = useCliApi();
  const org = 'cli-executions';
  const flowIds: Record<string, string> = {};
  let receiverUp = false;

  /** A flow started by hand: `first` calls the receiver's `path`, then `second` always succeeds. */
  const saveFlow = async (path: string, retry?: Record<string, number>): Promise<string> => {
    const res = await env.call(org, 'POST', '/v1/automation/flows', {
      flow_name: `manual ${path}`,
      triggers: [{ type: 'entity_manual', configuration: {} }],
      actions: [
        { id: 'first', name: 'Call the receiver', type: 'trigger-webhook', config: { url: `${env.hooks.url}${path}` }, ...(retry ? { retry_policy: retry } : {}) },
        { id: 'second', type: 'trigger-webhook', config: { url: `${env.hooks.url}/always-ok` } },
      ],
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const start = async (flow: string, entity: string): Promise<string> => {
    const res = await env.call(org, 'POST', '/v1/automation/executions', { flow_id: flowIds[flow], entity_id: entity });
    expect([201, 202]).toContain(res.status);
    return res.body.id;
  };
  const finished = (id: string) =>
    waitFor(`execution ${id} to finish`, async () => {
      const res = await env.call(org, 'GET', `/v1/automation/executions/${id}`);
      return ['success', 'failed', 'cancelled'].includes(res.body.execution_status) ? res.body : undefined;
    });

  beforeAll(async () => {
    env.hooks.respond('/flaky', () => (receiverUp ? { status: 200 } : { status: 422, body: { error: 'rejected' } }));
    env.hooks.respond('/down', () => ({ status: 503 }));
    flowIds.ok = await saveFlow('/ok');
    flowIds.flaky = await saveFlow('/flaky');
    flowIds.slow = await saveFlow('/down', { max_attempts: 5, initial_delay_ms: 600_000 });
    for (const schema of ['account']) for (const id of ['acct-1', 'acct-2', 'acct-3', 'acct-4']) await env.call(org, 'POST', `/v1/entities/${schema}`, { _id: id });
  });

  describe('list --entity', () => {
    it("lists an entity's executions newest first as a table, as ids with --quiet and as the API's page with --json", async () => {
      const older = await start('ok', 'acct-1');
      await finished(older);
      const newer = await start('ok', 'acct-1');
      await finished(newer);

      const table = await env.run(org, ['executions', 'list', '--entity', 'acct-1']);
      expect(table.code).toBe(0);
      const lines = table.stdout.split('\n');
      expect(lines[0]).toMatch(/^ID +STATUS +STARTED +TOOK +FLOW$/);
      expect(lines.slice(1).map((l) => l.split(/ +/)[0])).toEqual([newer, older]);
      expect(lines[1]).toMatch(/ success +\S+Z +\d+(\.\d+)? m?s +manual \/ok$/);

      expect((await env.run(org, ['executions', 'list', '--entity', 'acct-1', '-q'])).stdout).toBe(`${newer}\n${older}`);
      const json = await env.run(org, ['executions', 'list', '--entity', 'acct-1', '--json']);
      expect(json.json()).toMatchObject({ total: 2, results: [{ id: newer, execution_status: 'success', entity_id: 'acct-1' }, { id: older }] });
    });

    it('says so, and exits 0, when the entity has no executions', async () => {
      expect(await env.run(org, ['executions', 'list', '--entity', 'nobody'])).toMatchObject({ code: 0, stdout: 'no executions of entity nobody' });
      expect((await env.run(org, ['executions', 'list', '--entity', 'nobody', '--json'])).json()).toEqual({ total: 0, results: [] });
    });

    it('waits with --wait until the entity has an execution and all finished, and exits 1 when that takes longer than --timeout', async () => {
      const waiting = env.run(org, ['executions', 'list', '--entity', 'acct-2', '--wait', '-q']);
      const id = await start('ok', 'acct-2');
      expect(await waiting).toMatchObject({ code: 0, stdout: id });
      const nothing = await env.run(org, ['executions', 'list', '--entity', 'nobody', '--wait', '--timeout', '0.5']);
      expect(nothing.code).toBe(1);
      expect(nothing.stderr).toContain('timed out after 0.5 s: entity nobody has no execution');
    });

    it('exits 2 without --entity', async () => {
      const run = await env.run(org, ['executions', 'list']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("required option '--entity <id>' not specified");
    });
  });

  describe('show, retry', () => {
    let failedId = '';

    beforeAll(async () => {
      receiverUp = false;
      failedId = await start('flaky', 'acct-3');
      expect((await finished(failedId)).execution_status).toBe('failed');
    });

    it('shows an execution as a timeline: each action with its status, attempts and duration, and the error of the one that failed', async () => {
      const run = await env.run(org, ['executions', 'show', failedId]);
      expect(run.code).toBe(0);
      const lines = run.stdout.split('\n');
      expect(lines[0]).toBe(`execution ${failedId}  failed`);
      expect(lines[1]).toBe(`  flow     manual /flaky (${flowIds.flaky}, version 1)`);
      expect(lines[2]).toBe('  entity   acct-3');
      expect(lines[3]).toMatch(/^ {2}started {2}\S+Z · took \d/);
      expect(lines.slice(5)).toEqual([
        expect.stringMatching(/^ {2}# +ACTION +TYPE +STATUS +ATTEMPTS +DURATION$/),
        expect.stringMatching(/^ {2}1 +first +trigger-webhook +failed +1 +\d+ ms$/),
        `       ✗ TRIGGER_WEBHOOK_ERROR: Webhook ${env.hooks.url} answered 422`,
        expect.stringMatching(/^ {2}2 +second +trigger-webhook +skipped +0 +-$/),
        '       – execution failed at first',
      ]);
      expect((await env.run(org, ['executions', 'show', failedId, '--json'])).json()).toMatchObject({ id: failedId, execution_status: 'failed', actions: [{ id: 'first', execution_status: 'failed' }, { id: 'second' }] });
    });

    it('retries a failed execution from the action that failed it and, with --wait, prints the finished timeline', async () => {
      receiverUp = true;
      const run = await env.run(org, ['executions', 'retry', failedId, '--wait']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`retrying execution ${failedId} from action "first"`);
      expect(run.stdout).toContain(`execution ${failedId}  success`);
      expect(run.stdout).toMatch(/1 +first +trigger-webhook +success +2 /);
      expect(run.stdout).toMatch(/2 +second +trigger-webhook +success +1 /);
    });

    it('exits 3 with the API\'s reason when the execution did not fail, or does not exist; --json gives the error as JSON', async () => {
      const again = await env.run(org, ['executions', 'retry', failedId]);
      expect(again.code).toBe(3);
      expect(again.stderr).toMatch(/^error: POST \/v1\/automation\/executions\/.*:retry: 409 .*only failed executions can be retried/);
      const missing = await env.run(org, ['executions', 'show', 'no-such-execution', '--json']);
      expect(missing.code).toBe(3);
      expect(missing.json()).toEqual({ error: { message: expect.stringContaining('404'), exit_code: 3, status: 404 } });
      const otherOrg = await env.run('someone-else', ['executions', 'show', failedId]);
      expect(otherOrg.code).toBe(3);
      expect(otherOrg.stderr).toContain('404');
    });
  });

  describe('cancel', () => {
    it('cancels an unfinished execution and prints it (again: same answer), and exits 3 for a finished one; --wait on it times out with 1 first', async () => {
      const id = await start('slow', 'acct-4');
      await waitFor('the first attempt to fail and a retry to be scheduled', async () => {
        const res = await env.call(org, 'GET', `/v1/automation/executions/${id}`);
        return res.body.actions?.[0]?.execution_status === 'scheduled' ? res.body : undefined;
      });
      const show = await env.run(org, ['executions', 'show', id, '--wait', '--timeout', '0.5']);
      expect(show.code).toBe(1);
      expect(show.stderr).toContain(`timed out after 0.5 s: execution ${id} is still in_progress`);

      const cancelled = await env.run(org, ['executions', 'cancel', id]);
      expect(cancelled.code).toBe(0);
      expect(cancelled.stdout.split('\n')[0]).toBe(`execution ${id}  cancelled`);
      const again = await env.run(org, ['executions', 'cancel', id, '--json']);
      expect(again.code).toBe(0);
      expect(again.json()).toMatchObject({ id, execution_status: 'cancelled', actions: [{ id: 'first', execution_status: 'cancelled' }, { id: 'second' }] });

      const done = await start('ok', 'acct-4');
      await finished(done);
      const refused = await env.run(org, ['executions', 'cancel', done, '--json']);
      expect(refused.code).toBe(3);
      expect(refused.json().error).toMatchObject({ status: 409, exit_code: 3, message: expect.stringContaining('only unfinished executions can be cancelled') });
    });
  });
});
