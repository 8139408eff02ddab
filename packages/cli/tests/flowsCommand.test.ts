import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_TEST_SECRET, runAutoflow, useCliApi } from './support/cliHarness';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLE_FLOWS = join(ROOT, 'flows');

const goodFlow = (id: string | undefined, name: string, url = 'https://erp.example/orders') => ({
  ...(id !== undefined ? { id } : {}),
  flow_name: name,
  triggers: [{ type: 'entity_operation', configuration: { schema: 'order', operations: ['createEntity'] } }],
  actions: [{ id: 'call', type: 'trigger-webhook', config: { url } }],
});

async function dirWith(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'autoflow-flows-'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return dir;
}

const offline = (argv: string[]) => runAutoflow(argv, {});

describe('autoflow flows validate', () => {
  it('exits 0 and names every flow when all files of the directory are valid (the example flows)', async () => {
    const run = await offline(['flows', 'validate', EXAMPLE_FLOWS]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✓ ');
    expect(run.stdout).toContain('"Order placed: notify ERP, tag the order, email the customer" (order-placed)');
    expect(run.stdout).toContain('"Welcome new contacts who opted in" (contact-welcome)');
    expect(run.stdout).toContain('"Trial sequence: welcome, tips, a nudge if no reply, a reminder the day before the trial ends" (trial-sequence)');
    expect(run.stdout).toContain('3 flow file(s): 3 valid, 0 invalid');
    expect(run.stdout).not.toContain('flow.schema.json');
  });

  it('exits 1 and lists every problem of every invalid file with its path', async () => {
    const bad = { ...goodFlow('bad', 'Bad'), max_execution: 3, actions: [{ id: 'call', type: 'trigger-webhook', alow_failure: true, config: { url: 'https://x.example' } }] };
    const dir = await dirWith({ 'a-good.json': goodFlow('good', 'Good'), 'b-bad.json': bad, 'c-broken.json': '{ "flow_name": ' });
    const run = await offline(['flows', 'validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`✓ ${join(dir, 'a-good.json')}`);
    expect(run.stdout).toContain(`✗ ${join(dir, 'b-bad.json')}`);
    expect(run.stdout).toContain('    actions[0].alow_failure: is not a known field (did you mean "allow_failure"?)');
    expect(run.stdout).toContain('    max_execution: is not a known field (did you mean "max_executions"?)');
    expect(run.stdout).toMatch(/✗ .*c-broken\.json\n {4}\(root\): not valid JSON/);
    expect(run.stdout).toContain('3 flow file(s): 1 valid, 2 invalid');
  });

  it('gives every file with its validity and problems as one JSON document with --json', async () => {
    const dir = await dirWith({ 'good.json': goodFlow(undefined, 'Good'), 'bad.json': { flow_name: 'no triggers', actions: [] } });
    const run = await offline(['flows', 'validate', join(dir, 'good.json'), join(dir, 'bad.json'), '--json']);
    expect(run.code).toBe(1);
    expect(run.json()).toEqual({
      valid: false,
      files: [
        { file: join(dir, 'bad.json'), valid: false, problems: expect.arrayContaining([{ path: 'triggers', message: expect.any(String) }]) },
        { file: join(dir, 'good.json'), valid: true, flow_name: 'Good' },
      ],
    });
  });

  it('reports two files with the same id, which would overwrite each other', async () => {
    const dir = await dirWith({ 'one.json': goodFlow('same', 'One'), 'two.json': goodFlow('same', 'Two') });
    const run = await offline(['flows', 'validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`    id: "same" is also the id of the flow in ${join(dir, 'one.json')}`);
  });

  it('replaces {{DEV_URL}} with the dev server URL, and other placeholders given with --var', async () => {
    const dir = await dirWith({ 'hook.json': goodFlow('hook', 'Hook', '{{HOOK_URL}}/orders'), 'dev.json': goodFlow('dev', 'Dev', '{{DEV_URL}}/dev/webhook-echo') });
    const without = await offline(['flows', 'validate', dir]);
    expect(without.code).toBe(1);
    expect(without.stdout).toContain('actions[0].config.url: must be an absolute URL');
    expect(without.stdout).toContain(`✓ ${join(dir, 'dev.json')}`);
    expect((await offline(['flows', 'validate', dir, '--var', 'HOOK_URL=https://erp.example'])).code).toBe(0);
  });

  it('exits 2 for a path that does not exist and for a malformed --var', async () => {
    const missing = await offline(['flows', 'validate', '/nonexistent/flows']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/flows: no such file or directory');
    expect((await offline(['flows', 'validate', EXAMPLE_FLOWS, '--var', 'no-equals-sign'])).code).toBe(2);
  });
});

describe('autoflow flows push', () => {
  const env = useCliApi();
  const org = 'cli-flows';

  it('creates a flow with the id of its file the first time, replaces it on the next push, and lets {{DEV_URL}} stand for the API', async () => {
    const file = join(EXAMPLE_FLOWS, 'order-placed.json');
    const first = await env.run(org, ['flows', 'push', file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`✓ created flow "Order placed: notify ERP, tag the order, email the customer" (order-placed) version 1 from ${file}`);
    const second = await env.run(org, ['flows', 'push', file, '--json']);
    expect(second.code).toBe(0);
    expect(second.json()).toEqual({
      pushed: [{ file, id: 'order-placed', flow_name: 'Order placed: notify ERP, tag the order, email the customer', version: 2, action: 'updated' }],
      failed: [],
    });
    const saved = await env.call(org, 'GET', '/v1/automation/flows/order-placed');
    expect(saved.body).toMatchObject({ id: 'order-placed', org_id: org, version: 2 });
    expect(saved.body.actions[0]).toMatchObject({ id: 'notify-erp', config: { url: `${env.url}/dev/webhook-echo` } });
    expect(JSON.parse(await readFile(file, 'utf8')).actions[0].config.url).toBe('{{DEV_URL}}/dev/webhook-echo');
  });

  it('creates another flow on every push of a file without id, and says how to avoid it', async () => {
    const dir = await dirWith({ 'anon.json': goodFlow(undefined, 'Anonymous') });
    const runs = [await env.run(org, ['flows', 'push', dir, '--json']), await env.run(org, ['flows', 'push', dir])];
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const firstId = runs[0]!.json().pushed[0].id as string;
    expect(runs[1]!.stdout).toMatch(/✓ created flow "Anonymous" \(([0-9a-f-]{36})\) version 1/);
    expect(runs[1]!.stdout).not.toContain(firstId);
    expect(runs[1]!.stdout).toContain('has no "id": every push creates another flow; add "id"');
  });

  it('pushes nothing and exits 1 when any file is invalid', async () => {
    const dir = await dirWith({ 'ok.json': goodFlow('pushed-never', 'Fine'), 'wrong.json': { ...goodFlow('wrong', 'Wrong'), enabld: true } });
    const run = await env.run(org, ['flows', 'push', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('    enabld: is not a known field (did you mean "enabled"?)');
    expect(run.stdout).toContain('nothing pushed: 1 of 2 flow file(s) invalid');
    expect((await env.call(org, 'GET', '/v1/automation/flows/pushed-never')).status).toBe(404);
  });

  it('exits 3 when the API refuses the token, and 2 when there is no token at all', async () => {
    const file = join(EXAMPLE_FLOWS, 'contact-welcome.json');
    const refused = await env.run(org, ['flows', 'push', file, '--token', 'not.a.jwt', '--json']);
    expect(refused.code).toBe(3);
    expect(refused.json()).toEqual({ pushed: [], failed: [{ file, status: 401, error: expect.stringMatching(/401 the token is not a valid JWT/), problems: [] }] });
    const noToken = await env.run(org, ['flows', 'push', file], { env: { AUTOFLOW_API_URL: env.url, AUTOFLOW_DEV_SECRET: CLI_TEST_SECRET } });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('no API token: pass --token or set AUTOFLOW_TOKEN');
  });
});
