import { NonRetryableError } from '@autoflow/core';
import { type ApiServices, type BulkJob, type BulkJobDocument, bulkExecutionId, createApiServices } from '@autoflow/engine';
import type { EmbeddedStack } from '@autoflow/local';
import { saveFlow } from './support/flows';
import { bulkJobEnded, contracts, repriceFlow } from './support/bulkJobs';
import { useEmbeddedStack } from './support/useEmbeddedStack';
import { waitFor } from './support/waitFor';

/** Per-test fault injection: runs before every chunk a batch step writes. */
let beforeChunk: (job: BulkJob, chunk: number) => void | Promise<void> = () => undefined;

describe('bulk jobs on the embedded stack', () => {
  const env = useEmbeddedStack({
    customHandlers: {
      noop: async () => ({ outputs: { ok: true } }),
      // fails for every fifth contract, never retried
      picky: async ({ entity }) => {
        if (Number((entity as { price?: number } | undefined)?.price) % 5 === 0) throw new NonRetryableError('CUSTOM_ACTION_ERROR', 'price is a multiple of five');
        return { outputs: { ok: true } };
      },
    },
    bulk: { chunkSize: 10, batchBudgetMs: 2_000, beforeChunk: (job, chunk) => beforeChunk(job, chunk) },
  });
  let services: ApiServices;

  beforeAll(() => {
    services = createApiServices({ ...env.stack.stores, ingress: env.stack.ingress, clock: env.stack.clock, bulk: env.stack.bulk });
  });
  afterEach(() => {
    beforeChunk = () => undefined;
  });

  const finished = (caller: { org_id: string }, jobId: string): Promise<BulkJobDocument> => bulkJobEnded(services.bulkJobs!, caller, jobId);

  /** Every execution of the org (the tests give each org one job). */
  const executionsOf = async (stack: EmbeddedStack, org: string) => {
    const states = [];
    let cursor: string | undefined;
    do {
      const page = await stack.stores.executions.searchByOrg(org, { size: 100, ...(cursor ? { cursor } : {}) });
      states.push(...page.states);
      cursor = page.cursor;
    } while (cursor);
    return states;
  };

  it('starts no entity twice when a batch step crashes mid-batch and the state machine retries it', async () => {
    const { stack } = env;
    const org = 'bulk-crash';
    const caller = { org_id: org, subject: 'ops' };
    const entities = contracts(org, 250);
    await stack.stores.entities.importMany(org, entities);
    const flow = await saveFlow(stack, org, repriceFlow());
    let calls = 0;
    const crashes: number[] = [];
    // crash on the 3rd chunk (20 entities started, page half done) and on the 14th (second page)
    beforeChunk = () => {
      calls += 1;
      if (calls === 3 || calls === 14) {
        crashes.push(calls);
        throw new Error(`worker killed before chunk write ${calls}`);
      }
    };

    const job = await services.bulkJobs!.create(caller, { flow_id: flow.id, entities_filter: [{ term: { _schema: 'contract' } }] });
    await services.bulkJobs!.patch(caller, job.job_id, { action: 'APPROVE', task_token: job.task_token! });
    const done = await finished(caller, job.job_id);

    expect(crashes).toEqual([3, 14]);
    expect(done.status).toBe('finished');
    expect(done.report?.executions_started).toBe(250);
    expect(done.report?.executions_by_status).toEqual({ success: 250 });
    const executions = await executionsOf(stack, org);
    expect(executions).toHaveLength(250);
    const expected = new Set(entities.map((e) => bulkExecutionId({ org_id: org, job_id: job.job_id, flow_id: flow.id }, e._id)));
    expect(new Set(executions.map((s) => s.execution_id))).toEqual(expected);
    expect(new Set(executions.map((s) => s.entity_id)).size).toBe(250);
  });

  it('stops starting executions once cancelled mid-run, and leaves the started ones to finish', async () => {
    const { stack } = env;
    const org = 'bulk-cancel';
    const caller = { org_id: org, subject: 'ops' };
    await stack.stores.entities.importMany(org, contracts(org, 600));
    const flow = await saveFlow(stack, org, repriceFlow());
    // slow the runner down so there is a "mid-run" to cancel in
    beforeChunk = () => new Promise((resolve) => setTimeout(resolve, 40));

    const job = await services.bulkJobs!.create(caller, { flow_id: flow.id, entities_query: '_schema:contract' });
    await services.bulkJobs!.patch(caller, job.job_id, { action: 'APPROVE', task_token: job.task_token! });
    await waitFor('100 executions started', async () => ((await services.bulkJobs!.get(caller, job.job_id, { size: 1 })).progress.started >= 100 ? true : undefined), 90_000, 50);
    const cancelled = await services.bulkJobs!.patch(caller, job.job_id, { action: 'CANCEL', task_token: job.task_token! });
    const atCancel = (await executionsOf(stack, org)).length;

    expect(cancelled.status).toBe('cancelled');
    await env.stack.bulk.machine.settled(job.job_id);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const after = await executionsOf(stack, org);
    expect(after).toHaveLength(atCancel);
    expect(atCancel).toBeGreaterThanOrEqual(100);
    expect(atCancel).toBeLessThan(600);
    const final = await finished(caller, job.job_id);
    expect(final.status).toBe('cancelled');
    // started executions are left alone: they run to success
    await waitFor('started executions to finish', async () => ((await executionsOf(stack, org)).every((s) => s.status === 'success') ? true : undefined));
  });

  it('reports counts by final status and the failures with their reasons', async () => {
    const { stack } = env;
    const org = 'bulk-report';
    const caller = { org_id: org, subject: 'ops' };
    await stack.stores.entities.importMany(org, [...contracts(org, 20), { _id: `${org}-o-1`, _schema: 'order' }]);
    const flow = await saveFlow(stack, org, repriceFlow('picky'));
    const refs = [
      ...contracts(org, 20).map((e) => ({ entity_id: e._id, entity_schema: 'contract' })),
      { entity_id: `${org}-o-1`, entity_schema: 'order' },
      { entity_id: `${org}-missing`, entity_schema: 'contract' },
    ];

    const job = await services.bulkJobs!.create(caller, { flow_id: flow.id, entities_refs: refs, trigger_context: { campaign: 'spring' } });
    expect(job.preview).toEqual({
      entities_matched: 21,
      executions_to_start: 20,
      suppressed: { not_accepted_by_trigger: 1, not_found: 1 },
      estimated_actions: 20,
      complete: true,
    });
    await services.bulkJobs!.patch(caller, job.job_id, { action: 'APPROVE', task_token: job.task_token! });
    const done = await finished(caller, job.job_id);

    expect(done.status).toBe('finished');
    expect(done.report).toMatchObject({
      entities: 22,
      executions_started: 20,
      executions_by_status: { success: 16, failed: 4 },
      suppressed: { not_accepted_by_trigger: 1, not_found: 1 },
      failures_truncated: false,
    });
    expect(done.report!.failures.map((f) => f.entity_id).sort()).toEqual([0, 5, 10, 15].map((i) => `${org}-c-${String(i).padStart(4, '0')}`));
    expect(done.report!.failures.every((f) => /CUSTOM_ACTION_ERROR|multiple of five/.test(f.error))).toBe(true);
    const execution = await stack.getExecution(org, done.report!.failures[0]!.execution_id);
    expect(execution).toMatchObject({ execution_status: 'failed', trigger_event: expect.objectContaining({ trigger_context: { campaign: 'spring' }, bulk_job_id: job.job_id }) });
  });

  it("paces the job to the flow's own max_executions instead of letting the flow go hot", async () => {
    const { stack } = env;
    const org = 'bulk-paced';
    const caller = { org_id: org, subject: 'ops' };
    await stack.stores.entities.importMany(org, contracts(org, 12));
    const flow = await saveFlow(stack, org, repriceFlow('noop', { max_executions: { count: 5, window: 'PT2S' } }));

    const job = await services.bulkJobs!.create(caller, { flow_id: flow.id, entities_filter: [{ term: { _schema: 'contract' } }] });
    await services.bulkJobs!.patch(caller, job.job_id, { action: 'APPROVE', task_token: job.task_token! });
    const done = await finished(caller, job.job_id);

    expect(done.status).toBe('finished');
    expect(done.report?.executions_by_status).toEqual({ success: 12 });
    expect((await stack.stores.flows.get(org, flow.id))?.enabled).not.toBe(false);
    const perWindow = new Map<number, number>();
    for (const s of await executionsOf(stack, org)) {
      const window = Math.floor(s.created_at / 2_000);
      perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
    }
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(5);
    expect(perWindow.size).toBeGreaterThanOrEqual(3);
  });

  it('fails the job with the reason when its flow is disabled while it runs', async () => {
    const { stack } = env;
    const org = 'bulk-disabled';
    const caller = { org_id: org, subject: 'ops' };
    await stack.stores.entities.importMany(org, contracts(org, 300));
    const flow = await saveFlow(stack, org, repriceFlow());
    beforeChunk = () => new Promise((resolve) => setTimeout(resolve, 40));

    const job = await services.bulkJobs!.create(caller, { flow_id: flow.id, entities_filter: [{ term: { _schema: 'contract' } }] });
    await services.bulkJobs!.patch(caller, job.job_id, { action: 'APPROVE', task_token: job.task_token! });
    await waitFor('50 executions started', async () => ((await services.bulkJobs!.get(caller, job.job_id, { size: 1 })).progress.started >= 50 ? true : undefined), 90_000, 50);
    await stack.stores.flows.put({ ...(await stack.stores.flows.get(org, flow.id))!, enabled: false });
    const done = await finished(caller, job.job_id);

    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/flow .* was disabled/);
    expect((await executionsOf(stack, org)).length).toBeLessThan(300);
  });

  it('never starts a job that is not approved, and refuses a wrong or used task token', async () => {
    const { stack } = env;
    const org = 'bulk-approval';
    const caller = { org_id: org, subject: 'ops' };
    await stack.stores.entities.importMany(org, contracts(org, 5));
    const flow = await saveFlow(stack, org, repriceFlow());
    const job = await services.bulkJobs!.create(caller, { flow_id: flow.id, entities_filter: [{ term: { _schema: 'contract' } }] });

    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await executionsOf(stack, org)).toHaveLength(0);
    await expect(services.bulkJobs!.patch(caller, job.job_id, { action: 'APPROVE', task_token: 'not-the-token' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await services.bulkJobs!.get(caller, job.job_id)).status).toBe('approval');

    await services.bulkJobs!.patch(caller, job.job_id, { action: 'APPROVE', task_token: job.task_token! });
    await expect(services.bulkJobs!.patch(caller, job.job_id, { action: 'APPROVE', task_token: job.task_token! })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const done = await finished(caller, job.job_id);
    expect(done.report?.executions_by_status).toEqual({ success: 5 });
    expect(done.task_token).toBeUndefined();
  });
});
