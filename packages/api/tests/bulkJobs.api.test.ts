import { waitFor } from '../../../test/support/waitFor';
import { type ApiResponse, useApi } from './support/apiHarness';
import { noopFlow, noopHandler } from './support/flows';

const BULK = '/v1/automation/executions/bulk-jobs';
const FINAL = ['finished', 'failed', 'cancelled'];

/**
 * epilot's bulk jobs over HTTP, run by the local state machine on the deployed definition:
 * a job is created in `approval` with a dry run, starts nothing until it is approved with its
 * task token, starts each selected entity's execution exactly once, and ends with a report.
 * Every test has its own org, so the entities a filter selects are only its own.
 */
describe('bulk jobs over HTTP', () => {
  const env = useApi({ customHandlers: { noop: noopHandler } });
  let orgs = 0;

  /** `contracts` contracts (`c-00`…, price = index, every even one active) and 5 meters priced 100, and a noop flow on contracts. */
  async function arrange(contracts: number, actions = 1): Promise<{ org: string; flowId: string; contractIds: string[]; activeIds: string[] }> {
    const org = `bulk-org-${++orgs}`;
    const contractIds = Array.from({ length: contracts }, (_, i) => `c-${String(i).padStart(2, '0')}`);
    await env.stack.stores.entities.importMany(org, [
      ...contractIds.map((id, i) => ({ _id: id, _schema: 'contract', price: i, status: i % 2 === 0 ? 'active' : 'inactive' })),
      ...Array.from({ length: 5 }, (_, i) => ({ _id: `m-${i}`, _schema: 'meter', price: 100, status: 'active' })),
    ]);
    const flow = await env.call(org, 'POST', '/v1/automation/flows', noopFlow('contract', actions));
    expect(flow.status).toBe(201);
    return { org, flowId: flow.body.id, contractIds, activeIds: contractIds.filter((_, i) => i % 2 === 0) };
  }

  async function create(org: string, body: Record<string, unknown>): Promise<any> {
    const res = await env.call(org, 'POST', BULK, body);
    expect(res.status).toBe(202);
    return res.body;
  }

  const getJob = (org: string, jobId: string, query = ''): Promise<ApiResponse> => env.call(org, 'GET', `${BULK}/${jobId}${query}`);
  const patchJob = (org: string, jobId: string, action: string, task_token: string): Promise<ApiResponse> => env.call(org, 'PATCH', `${BULK}/${jobId}`, { action, task_token });

  const finished = (org: string, jobId: string): Promise<any> =>
    waitFor(`bulk job ${jobId} to end`, async () => {
      const job = (await getJob(org, jobId)).body;
      return FINAL.includes(job.status) ? job : undefined;
    });

  const executionsOf = async (org: string, entityId: string): Promise<any[]> => {
    const res = await env.call(org, 'GET', `/v1/automation/executions?entity_id=${entityId}`);
    expect(res.status).toBe(200);
    return res.body.results;
  };

  const expectNoExecutions = async (org: string, entityIds: readonly string[]) => {
    const counts = await Promise.all(entityIds.map(async (id) => [id, (await executionsOf(org, id)).length] as const));
    expect(counts.filter(([, n]) => n > 0)).toEqual([]);
  };

  /** Every row of the job's execution_summary, a page of `size` at a time, and the pages' sizes. */
  async function allRows(org: string, jobId: string, size: number): Promise<{ rows: any[]; pages: number[] }> {
    const rows: any[] = [];
    const pages: number[] = [];
    let cursor: string | undefined;
    do {
      const res = await getJob(org, jobId, `?size=${size}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      rows.push(...res.body.execution_summary);
      pages.push(res.body.execution_summary.length);
      cursor = res.body.next_cursor;
      expect(pages.length).toBeLessThan(100);
    } while (cursor);
    return { rows, pages };
  }

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  describe('creating a job', () => {
    it('answers 202 with a job in approval, its task token and a dry run counting exactly the entities the filter selects', async () => {
      const { org, flowId } = await arrange(30, 2);
      const filter = [{ term: { _schema: 'contract' } }, { range: { price: { gte: 10 } } }];

      const job = await create(org, { flow_id: flowId, entities_filter: filter });

      expect(job).toMatchObject({
        job_id: expect.any(String),
        org_id: org,
        flow_id: flowId,
        status: 'approval',
        task_token: expect.any(String),
        entity_query: { type: 'filter', data: filter },
        // contracts priced 10…29: the meters are priced 100 but are not contracts
        preview: { entities_matched: 20, executions_to_start: 20, suppressed: {}, estimated_actions: 40, complete: true },
        execution_summary: [],
      });
      const read = await getJob(org, job.job_id);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ status: 'approval', task_token: job.task_token, preview: job.preview });
    });

    it('counts the selected entities the flow\'s entity_manual trigger does not accept as suppressed', async () => {
      const { org, flowId } = await arrange(30, 2);

      const job = await create(org, { flow_id: flowId, entities_filter: [{ range: { price: { gte: 10 } } }] });

      expect(job.preview).toEqual({ entities_matched: 25, executions_to_start: 20, suppressed: { not_accepted_by_trigger: 5 }, estimated_actions: 40, complete: true });
    });
  });

  describe('entities_refs', () => {
    it('suppresses a missing entity and one listed twice, in the dry run and the report, and starts every other entity exactly once', async () => {
      const { org, flowId, contractIds } = await arrange(20);
      const refs = [
        ...contractIds.map((entity_id) => ({ entity_id, entity_schema: 'contract' })),
        { entity_id: 'c-missing', entity_schema: 'contract' },
        { entity_id: 'c-03', entity_schema: 'contract' },
      ];

      const job = await create(org, { flow_id: flowId, entities_refs: refs });
      expect(job.preview).toEqual({ entities_matched: 20, executions_to_start: 20, suppressed: { not_found: 1, listed_twice: 1 }, estimated_actions: 20, complete: true });
      expect((await patchJob(org, job.job_id, 'APPROVE', job.task_token)).status).toBe(200);
      const done = await finished(org, job.job_id);

      expect(done.status).toBe('finished');
      expect(done.report).toMatchObject({ executions_started: 20, executions_by_status: { success: 20 }, suppressed: { not_found: 1, listed_twice: 1 }, failures: [] });
      const executions = await Promise.all(contractIds.map((id) => executionsOf(org, id)));
      expect(executions.map((list) => list.length)).toEqual(contractIds.map(() => 1));
      expect(executions.flat().every((e) => e.execution_status === 'success' && e.flow_id === flowId)).toBe(true);
      expect(await executionsOf(org, 'c-missing')).toEqual([]);
      const { rows } = await allRows(org, job.job_id, 100);
      expect(rows.find((r) => r.entity_id === 'c-missing')).toMatchObject({ execution_status: 'skipped', error: 'not_found' });
      expect(rows.filter((r) => r.entity_id === 'c-03')).toHaveLength(1);
    });
  });

  describe('entities_query', () => {
    it('runs the flow for exactly the entities a Lucene query selects', async () => {
      const { org, flowId, contractIds, activeIds } = await arrange(30);

      const job = await create(org, { flow_id: flowId, entities_query: '_schema:contract AND status:active' });
      expect(job).toMatchObject({ entity_query: { type: 'query', data: '_schema:contract AND status:active' }, preview: { entities_matched: 15, executions_to_start: 15 } });
      expect((await patchJob(org, job.job_id, 'APPROVE', job.task_token)).status).toBe(200);
      const done = await finished(org, job.job_id);

      expect(done.report).toMatchObject({ executions_started: 15, executions_by_status: { success: 15 } });
      const { rows } = await allRows(org, job.job_id, 100);
      expect(rows.map((r) => r.entity_id).sort()).toEqual(activeIds);
      expect(rows.every((r) => r.execution_status === 'success')).toBe(true);
      await expectNoExecutions(org, [...contractIds.filter((id) => !activeIds.includes(id)), 'm-0']);
    });
  });

  describe('approval', () => {
    it('starts nothing before approval or with a wrong token, runs once approved, then refuses the used token with 409', async () => {
      const { org, flowId, contractIds } = await arrange(25);
      const job = await create(org, { flow_id: flowId, entities_filter: [{ term: { _schema: 'contract' } }] });

      // not approved: nothing starts
      await sleep(2_000);
      expect((await getJob(org, job.job_id)).body).toMatchObject({ status: 'approval', task_token: job.task_token, execution_summary: [] });
      await expectNoExecutions(org, contractIds);

      // a wrong token: refused, and still nothing starts
      const wrong = await patchJob(org, job.job_id, 'APPROVE', 'not-the-token');
      expect(wrong).toMatchObject({ status: 403, body: { status: 403, problems: [{ in: 'body', path: 'task_token', message: 'does not match the job' }] } });
      expect((await patchJob(org, job.job_id, 'CANCEL', 'not-the-token')).status).toBe(403);
      await sleep(500);
      expect((await getJob(org, job.job_id)).body.status).toBe('approval');
      await expectNoExecutions(org, contractIds);

      // the right token: the job runs to the end
      const approved = await patchJob(org, job.job_id, 'APPROVE', job.task_token);
      expect(approved.status).toBe(200);
      expect(approved.body.status).not.toBe('approval');
      expect(approved.body.approved_at).toEqual(expect.any(String));
      expect(approved.body).not.toHaveProperty('task_token');
      const done = await finished(org, job.job_id);
      expect(done).toMatchObject({
        status: 'finished',
        pagination_state: { total_processed: 25, has_more: false },
        report: { executions_started: 25, executions_by_status: { success: 25 }, failures: [] },
      });
      expect(done).not.toHaveProperty('task_token');

      // the token was used
      const again = await patchJob(org, job.job_id, 'APPROVE', job.task_token);
      expect(again).toMatchObject({ status: 409, body: { status: 409, error: expect.stringMatching(/is finished; only a job in approval can be approved/) } });
      expect(await patchJob(org, job.job_id, 'CANCEL', job.task_token)).toMatchObject({ status: 409 });
      const executions = await Promise.all(contractIds.map((id) => executionsOf(org, id)));
      expect(executions.map((list) => list.length)).toEqual(contractIds.map(() => 1));
    });
  });

  describe('cancelling', () => {
    it('cancels a job before approval, after which nothing starts and it cannot be approved', async () => {
      const { org, flowId, contractIds } = await arrange(20);
      const job = await create(org, { flow_id: flowId, entities_filter: [{ term: { _schema: 'contract' } }] });

      const cancelled = await patchJob(org, job.job_id, 'CANCEL', job.task_token);

      expect(cancelled).toMatchObject({ status: 200, body: { job_id: job.job_id, status: 'cancelled', execution_summary: [] } });
      expect(cancelled.body).not.toHaveProperty('task_token');
      await sleep(1_500);
      expect((await getJob(org, job.job_id)).body).toMatchObject({ status: 'cancelled', execution_summary: [] });
      await expectNoExecutions(org, contractIds);
      expect(await patchJob(org, job.job_id, 'APPROVE', job.task_token)).toMatchObject({ status: 409, body: { error: expect.stringMatching(/is cancelled/) } });
      // cancelling again changes nothing
      expect(await patchJob(org, job.job_id, 'CANCEL', job.task_token)).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    });
  });

  describe('reading a job', () => {
    it('pages through every row of execution_summary exactly once with size and next_cursor', async () => {
      const { org, flowId, contractIds } = await arrange(23);
      const job = await create(org, { flow_id: flowId, entities_filter: [{ term: { _schema: 'contract' } }] });
      await patchJob(org, job.job_id, 'APPROVE', job.task_token);
      await finished(org, job.job_id);

      const { rows, pages } = await allRows(org, job.job_id, 10);

      expect(pages.slice(0, 3)).toEqual([10, 10, 3]);
      expect(pages.slice(3).every((n) => n === 0)).toBe(true);
      expect(rows.map((r) => r.entity_id).sort()).toEqual(contractIds);
      expect(rows).toEqual(
        contractIds.map(() =>
          expect.objectContaining({ entity_schema: 'contract', execution_id: expect.any(String), execution_status: 'success', timestamp: expect.any(String) }),
        ),
      );
      expect(new Set(rows.map((r) => r.execution_id)).size).toBe(23);
      const whole = (await getJob(org, job.job_id)).body;
      expect(whole.execution_summary).toHaveLength(23);
      expect(whole).not.toHaveProperty('next_cursor');
    });

    it('answers 400 for a cursor that is not one of the job\'s', async () => {
      const { org, flowId } = await arrange(1);
      const job = await create(org, { flow_id: flowId, entities_filter: [{ term: { _schema: 'contract' } }] });

      const res = await getJob(org, job.job_id, '?cursor=not%20a%20cursor');

      expect(res).toMatchObject({ status: 400, body: { status: 400, error: expect.stringMatching(/^invalid query string: cursor: /), problems: [{ in: 'query', path: 'cursor', message: expect.any(String) }] } });
    });
  });
});
