import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../../test/support/waitFor';
import { type CliIo, runCli } from '../src';
import { useCliApi } from './support/cliHarness';

describe('autoflow bulk', () => {
  const env = useCliApi();
  const org = 'cli-bulk';
  const CONTACTS = 30;
  const flowIds = { ok: '', slow: '', picky: '' };
  let dir = '';

  /** A flow for contacts started by hand: one webhook call to the receiver's `path`. */
  const saveFlow = async (path: string, retry?: Record<string, number>): Promise<string> => {
    const res = await env.call(org, 'POST', '/v1/automation/flows', {
      flow_name: `bulk ${path}`,
      triggers: [{ type: 'entity_manual', configuration: { schema: 'contact' } }],
      actions: [{ id: 'notify', type: 'trigger-webhook', config: { url: `${env.hooks.url}${path}` }, ...(retry ? { retry_policy: retry } : {}) }],
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  const jobOf = async (id: string): Promise<Record<string, any>> => (await env.call(org, 'GET', `/v1/automation/executions/bulk-jobs/${id}`)).body;
  /** The job id and task token `bulk start` printed. */
  const printedJob = (stdout: string): { id: string; token: string } => ({
    id: /^created bulk job (\S+) for flow /m.exec(stdout)![1]!,
    token: /^task token {2}(\S+)$/m.exec(stdout)![1]!,
  });

  beforeAll(async () => {
    env.hooks.respond('/bulk-down', () => ({ status: 503 }));
    // every third call is refused for good (4xx: no retries)
    env.hooks.respond('/bulk-picky', (n) => (n % 3 === 0 ? { status: 422, body: { error: 'rejected' } } : { status: 200 }));
    flowIds.ok = await saveFlow('/bulk-ok');
    flowIds.slow = await saveFlow('/bulk-down', { max_attempts: 5, initial_delay_ms: 600_000 });
    flowIds.picky = await saveFlow('/bulk-picky');
    const contacts = Array.from({ length: CONTACTS }, (_, i) => ({ _id: `contact-${i + 1}`, _schema: 'contact', _title: `Contact ${i + 1}`, status: 'active' }));
    await env.stack.stores.entities.importMany(org, [...contacts, { _id: 'contact-gone', _schema: 'contact', status: 'inactive' }, { _id: 'account-1', _schema: 'account', status: 'active' }]);
    dir = await mkdtemp(join(tmpdir(), 'autoflow-bulk-'));
  });

  describe('start, approve, status --watch', () => {
    it('prints the preview, the job id, its task token and the approve command; that command starts it and status --watch follows it to a report of every execution', async () => {
      const start = await env.run(org, ['bulk', 'start', '--flow', flowIds.ok, '--query', '_schema:contact AND status:active']);
      expect(start.code).toBe(0);
      const { id, token } = printedJob(start.stdout);
      expect(start.stdout.split('\n')).toEqual([
        `created bulk job ${id} for flow ${flowIds.ok}; it waits for approval`,
        'preview',
        `  entities matched     ${CONTACTS}`,
        `  executions to start  ${CONTACTS}`,
        '  suppressed           none',
        `  estimated actions    ${CONTACTS} (at most: conditions may skip some)`,
        '  complete             yes',
        `task token  ${token}`,
        '  (keep it: once the job runs, cancelling it needs this token)',
        '',
        'approve it with:',
        `  autoflow bulk approve ${id} --task-token ${token}`,
      ]);
      expect((await jobOf(id)).status).toBe('approval');
      expect(env.hooks.received('/bulk-ok')).toHaveLength(0);

      const printedCommand = start.stdout.split('\n').at(-1)!.trim().split(' ');
      const approve = await env.run(org, printedCommand.slice(1));
      expect(approve.code).toBe(0);
      expect(approve.stdout).toContain(`approved bulk job ${id}: `);
      expect(approve.stdout).toContain(`  cancel it with:  autoflow bulk cancel ${id} --task-token ${token}`);

      const watch = await env.run(org, ['bulk', 'status', id, '--watch', '--interval', '100']);
      expect(watch.code).toBe(0);
      const progress = watch.stdout.slice(0, watch.stdout.indexOf('\n\n'));
      const summary = watch.stdout.slice(progress.length + 2);
      const progressLines = progress.split('\n');
      for (const line of progressLines) expect(line).toMatch(/^(querying_entities|entities_loaded|executing|monitoring|send_report|finished) +\d+%  \d+\/\d+ (entities · \d+ started|executions final)/);
      expect(progressLines.at(-1)).toMatch(new RegExp(`^finished +100%  ${CONTACTS}/${CONTACTS} executions final \\(success ${CONTACTS}\\)$`));
      expect(summary).toContain(`bulk job ${id}  finished`);
      expect(summary).toContain(`  entities    ${CONTACTS}/${CONTACTS} processed`);
      expect(summary).toContain(`  executions  ${CONTACTS} started · final: success ${CONTACTS}`);
      expect(summary).toMatch(/ {2}rate {8}\d+(\.\d)? entities\/s since approval/);
      expect(summary).toMatch(
        new RegExp(
          [`report \\(\\S+Z\\)`, `  entities            ${CONTACTS}`, `  executions started  ${CONTACTS}`, `  by final status     success ${CONTACTS}`, '  suppressed          none', '  failures            0$'].join('\n'),
        ),
      );
      expect(env.hooks.received('/bulk-ok')).toHaveLength(CONTACTS);

      const json = await env.run(org, ['bulk', 'status', id, '--json']);
      expect(json.code).toBe(0);
      expect(json.json()).toMatchObject({ job_id: id, status: 'finished', report: { executions_started: CONTACTS, executions_by_status: { success: CONTACTS }, failures: [] } });
      expect(json.json().task_token).toBeUndefined();
    });

    it('approves at once with --approve and, with --watch --json, prints the finished job keeping its task token and trigger_context', async () => {
      const run = await env.run(org, ['bulk', 'start', '--flow', flowIds.ok, '--filter', '[{"ids":{"values":["contact-1","contact-2","contact-3"]}}]', '--context', 'campaign=spring', '--approve', '--watch', '--interval', '100', '--json']);
      expect(run.code).toBe(0);
      const job = run.json();
      expect(job).toMatchObject({
        status: 'finished',
        task_token: expect.any(String),
        trigger_context: { campaign: 'spring' },
        preview: { entities_matched: 3, executions_to_start: 3, complete: true },
        report: { executions_started: 3, executions_by_status: { success: 3 } },
      });
      expect(job.execution_summary.map((row: { entity_id: string }) => row.entity_id).sort()).toEqual(['contact-1', 'contact-2', 'contact-3']);
    });

    it('lists the failed executions with their reasons in the report; the job still finished (exit 0)', async () => {
      const run = await env.run(org, ['bulk', 'start', '--flow', flowIds.picky, '--query', '_id:(contact-10 OR contact-11 OR contact-12 OR contact-13 OR contact-14 OR contact-15)', '--approve', '--watch', '--interval', '100']);
      expect(run.code).toBe(0);
      const { id } = printedJob(run.stdout);
      expect(run.stdout).toContain(`bulk job ${id}  finished`);
      expect(run.stdout).toContain('  by final status     success 4 · failed 2');
      expect(run.stdout).toContain('  failures            2\n');
      const failures = run.stdout.split('\n').filter((line) => line.startsWith('    ✗ '));
      expect(failures).toHaveLength(2);
      for (const line of failures) expect(line).toMatch(/^ {4}✗ entity contact-1[0-5] · execution \S+ failed: \S/);
      const report = (await jobOf(id)).report;
      expect(failures).toEqual(report.failures.map((f: Record<string, string>) => `    ✗ entity ${f.entity_id} · execution ${f.execution_id} failed: ${f.error}`));
    });

    it('redraws one progress line in place on a terminal, then prints the report', async () => {
      const created = await env.call(org, 'POST', '/v1/automation/executions/bulk-jobs', { flow_id: flowIds.ok, entities_refs: [{ entity_id: 'contact-4', entity_schema: 'contact' }] });
      expect(created.status).toBe(202);
      const id = created.body.job_id;
      expect((await env.call(org, 'PATCH', `/v1/automation/executions/bulk-jobs/${id}`, { action: 'APPROVE', task_token: created.body.task_token })).status).toBe(200);
      const writes: string[] = [];
      const lines: string[] = [];
      const io: CliIo = {
        out: (line) => void lines.push(line),
        err: (line) => void lines.push(line),
        readStdin: async () => '',
        env: { AUTOFLOW_API_URL: env.url, AUTOFLOW_TOKEN: await env.token(org) },
        untilInterrupted: () => new Promise(() => {}),
        tty: { write: (text) => void writes.push(text), columns: () => 100 },
      };
      expect(await runCli(['bulk', 'status', id, '--watch', '--interval', '100'], io)).toBe(0);
      expect(writes.length).toBeGreaterThanOrEqual(2);
      for (const w of writes.slice(0, -1)) expect(w).toMatch(/^\r.{1,99}\x1b\[K$/);
      expect(writes.at(-2)).toMatch(/^\rfinished +\[█{20}\] 100%  1\/1 executions final \(success 1\)\x1b\[K$/);
      expect(writes.at(-1)).toBe('\n');
      expect(lines).toContain('  by final status     success 1');
    });
  });

  describe('approve and cancel with the task token', () => {
    it('lists suppressed entities by reason in the preview; cancel before approval reads the token from the job, and status then exits 1', async () => {
      const refs = join(dir, 'refs.json');
      const ref = (entity_id: string, entity_schema = 'contact') => ({ entity_id, entity_schema });
      await writeFile(refs, JSON.stringify([ref('contact-1'), ref('contact-2'), ref('nobody'), ref('account-1', 'account'), ref('contact-1')]));
      const start = await env.run(org, ['bulk', 'start', '--flow', flowIds.ok, '--refs', refs]);
      expect(start.code).toBe(0);
      expect(start.stdout).toContain('  entities matched     3');
      expect(start.stdout).toContain('  executions to start  2');
      expect(start.stdout).toMatch(/^ {2}suppressed {11}.*$/m);
      for (const reason of ['not_found 1', 'not_accepted_by_trigger 1', 'listed_twice 1']) expect(start.stdout).toMatch(new RegExp(`^ {2}suppressed .*${reason}`, 'm'));
      const { id } = printedJob(start.stdout);

      const cancel = await env.run(org, ['bulk', 'cancel', id]);
      expect(cancel.code).toBe(0);
      expect(cancel.stdout.split('\n').slice(0, 2)).toEqual([`cancelled bulk job ${id}; executions already started go on`, `bulk job ${id}  cancelled`]);
      const status = await env.run(org, ['bulk', 'status', id]);
      expect(status.code).toBe(1);
      expect(status.stdout.split('\n')[0]).toBe(`bulk job ${id}  cancelled`);
      expect(status.stdout).toContain('  executions  0 started');
      expect((await env.run(org, ['bulk', 'status', id, '--watch', '--json'])).code).toBe(1);
      expect((await env.run(org, ['bulk', 'cancel', id, '--json'])).json()).toMatchObject({ job_id: id, status: 'cancelled' });
      expect((await env.run(org, ['bulk', 'approve', id])).stderr).toBe(`error: bulk job ${id} is cancelled; only a job in approval can be approved`);
    });

    it("exits 3 with the API's message for a wrong task token, and when the token was used already", async () => {
      const start = await env.run(org, ['bulk', 'start', '--flow', flowIds.ok, '--query', '_id:contact-5']);
      const { id, token } = printedJob(start.stdout);
      const wrong = await env.run(org, ['bulk', 'approve', id, '--task-token', 'not-the-token']);
      expect(wrong.code).toBe(3);
      expect(wrong.stderr.split('\n')).toEqual([
        `error: PATCH /v1/automation/executions/bulk-jobs/${id}: 403 the task token does not belong to bulk job ${id}: task_token: does not match the job`,
        '    task_token: does not match the job',
      ]);
      const wrongJson = await env.run(org, ['bulk', 'cancel', id, '--task-token', 'not-the-token', '--json']);
      expect(wrongJson.json()).toEqual({ error: { message: expect.stringContaining('403 the task token does not belong'), exit_code: 3, status: 403, problems: [{ path: 'task_token', message: 'does not match the job' }] } });
      expect((await jobOf(id)).status).toBe('approval');

      expect((await env.run(org, ['bulk', 'approve', id, '--task-token', token])).code).toBe(0);
      const again = await env.run(org, ['bulk', 'approve', id, '--task-token', token]);
      expect(again.code).toBe(3);
      expect(again.stderr).toMatch(new RegExp(`^error: PATCH \\S+: 409 bulk job ${id} is \\w+; only a job in approval can be approved$`));
    });

    it('needs --task-token to cancel a running job, says so, and cancels it with the token start printed; --watch --timeout gives up with 1', async () => {
      const start = await env.run(org, ['bulk', 'start', '--flow', flowIds.slow, '--filter', '[{"ids":{"values":["contact-7","contact-8"]}}]', '--approve']);
      expect(start.code).toBe(0);
      const { id, token } = printedJob(start.stdout);
      expect(start.stdout).toContain(`  follow it with:  autoflow bulk status ${id} --watch`);
      await waitFor('both executions to have started', async () => ((await jobOf(id)).progress.started === 2 ? true : undefined));

      const timedOut = await env.run(org, ['bulk', 'status', id, '--watch', '--interval', '100', '--timeout', '0.5']);
      expect(timedOut.code).toBe(1);
      expect(timedOut.stderr).toMatch(new RegExp(`^error: timed out after 0.5 s: bulk job ${id} is still (executing|entities_loaded|monitoring)$`));

      const tokenless = await env.run(org, ['bulk', 'cancel', id]);
      expect(tokenless.code).toBe(2);
      expect(tokenless.stderr).toContain(`bulk job ${id} is `);
      expect(tokenless.stderr).toContain('the API shows a job\'s task token only while it waits for approval, so pass --task-token <token> (the one `autoflow bulk start` printed)');
      const cancelled = await env.run(org, ['bulk', 'cancel', id, '--task-token', token]);
      expect(cancelled.code).toBe(0);
      expect(cancelled.stdout).toContain(`bulk job ${id}  cancelled`);
      expect(cancelled.stdout).toContain('  executions  2 started');
      const status = await env.run(org, ['bulk', 'status', id, '--json']);
      expect(status.code).toBe(1);
      expect(status.json()).toMatchObject({ status: 'cancelled', progress: { started: 2 } });
    });
  });

  describe('usage and invalid input', () => {
    it.each([
      ['no selection', ['--flow', 'f'], 'pass exactly one of --refs <file>, --query <lucene>, --filter <json|file>'],
      ['two selections', ['--flow', 'f', '--query', 'a:1', '--filter', '[]'], '(got --query and --filter)'],
      ['a refs file that does not exist', ['--flow', 'f', '--refs', '/nonexistent/refs.json'], '--refs: /nonexistent/refs.json: no such file'],
      ['a context without =', ['--flow', 'f', '--query', 'a:1', '--context', 'campaign'], 'must be KEY=VALUE'],
      ['no --flow', ['--query', 'a:1'], "required option '--flow <id>' not specified"],
    ])('exits 2 for %s', async (_what, args, message) => {
      const run = await env.run(org, ['bulk', 'start', ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    });

    it("exits 1 with the API's problems for an invalid query or filter, and 3 for a flow that does not exist", async () => {
      const query = await env.run(org, ['bulk', 'start', '--flow', flowIds.ok, '--query', 'status:active AND']);
      expect(query.code).toBe(1);
      expect(query.stderr).toMatch(/^error: POST \/v1\/automation\/executions\/bulk-jobs: 400 .*\n {4}entities_query: ends with "AND"/);
      const filter = await env.run(org, ['bulk', 'start', '--flow', flowIds.ok, '--filter', '[{"term":{"a":1},"exists":{"field":"b"}}]']);
      expect(filter.code).toBe(1);
      expect(filter.stderr).toContain('entities_filter[0]');
      const notJson = await env.run(org, ['bulk', 'start', '--flow', flowIds.ok, '--filter', '[{']);
      expect(notJson.code).toBe(1);
      expect(notJson.stderr).toContain('error: --filter is not valid JSON');
      const missing = await env.run(org, ['bulk', 'start', '--flow', 'no-such-flow', '--query', '_schema:contact']);
      expect(missing.code).toBe(3);
      expect(missing.stderr).toContain('404 flow no-such-flow not found');
      expect((await env.run(org, ['bulk', 'status', 'no-such-job'])).code).toBe(3);
    });
  });
});
