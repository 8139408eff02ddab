import { waitFor } from '../../../test/support/waitFor';
import { useApi } from './support/apiHarness';
import { fulfilOrderFlow } from './support/flows';

const BULK = '/v1/automation/executions/bulk-jobs';

/**
 * Org B holds a valid token for itself and knows every id of org A (and the task token of A's
 * bulk job). For each route it gets a 404 (or an empty list, or a 403 when it names org A
 * outright), never A's data; afterwards A's flow, entity, execution and bulk job are exactly as
 * they were.
 */
describe('tenant isolation', () => {
  const env = useApi();
  const A = 'org-a';
  const B = 'org-b';
  const a = { flowId: '', entityId: '', executionId: '', cursor: '', jobId: '', taskToken: '' };
  let before: { flow: unknown; entity: unknown; execution: unknown; job: unknown };

  beforeAll(async () => {
    env.hooks.respond('/fulfil', () => ({ status: 400, body: { error: 'refused' } }));
    const flow = await env.call(A, 'POST', '/v1/automation/flows', fulfilOrderFlow(env.hooks.url));
    a.flowId = flow.body.id;
    const order = await env.call(A, 'POST', '/v1/entities/order', { status: 'open' });
    a.entityId = order.body._id;
    await env.call(A, 'PATCH', `/v1/entities/order/${a.entityId}`, { status: 'placed' });
    const execution = await waitFor('org A\'s execution to fail', async () => {
      const list = await env.call(A, 'GET', `/v1/automation/executions?entity_id=${a.entityId}`);
      return list.body.results?.[0]?.execution_status === 'failed' ? list.body.results[0] : undefined;
    });
    a.executionId = execution.id;
    a.cursor = (await env.call(A, 'POST', '/v1/automation/executions:search', { size: 1 })).body.next_cursor;
    const job = await env.call(A, 'POST', BULK, { flow_id: a.flowId, entities_refs: [{ entity_id: a.entityId, entity_schema: 'order' }] });
    expect(job.body.status).toBe('approval');
    a.jobId = job.body.job_id;
    a.taskToken = job.body.task_token;
    before = await snapshotOfA();
  });

  async function snapshotOfA() {
    return {
      flow: (await env.call(A, 'GET', `/v1/automation/flows/${a.flowId}`)).body,
      entity: (await env.call(A, 'GET', `/v1/entities/order/${a.entityId}`)).body,
      execution: (await env.call(A, 'GET', `/v1/automation/executions/${a.executionId}`)).body,
      job: (await env.call(A, 'GET', `${BULK}/${a.jobId}`)).body,
    };
  }

  const notFound = (status: number, body: any) => {
    expect(status).toBe(404);
    expect(body).toEqual({ status: 404, error: expect.any(String) });
    expect(JSON.stringify(body)).not.toContain(A);
  };

  const cases: Array<[string, () => [string, string, unknown?], (status: number, body: any) => void]> = [
    ['read A\'s flow', () => ['GET', `/v1/automation/flows/${a.flowId}`], notFound],
    ['overwrite A\'s flow', () => ['PUT', `/v1/automation/flows/${a.flowId}`, { ...fulfilOrderFlow('http://127.0.0.1:9'), flow_name: 'hijacked' }], notFound],
    ['delete A\'s flow', () => ['DELETE', `/v1/automation/flows/${a.flowId}`], notFound],
    ['batch-get A\'s flow', () => ['POST', '/v1/automation/flows:batchGet', { ids: [a.flowId] }], (s, b) => expect([s, b]).toEqual([200, { total: 0, results: [] }])],
    ['search flows', () => ['GET', '/v1/automation/flows?schema=order'], (s, b) => expect([s, b]).toEqual([200, { total: 0, results: [] }])],
    ['create a flow in A\'s name', () => ['POST', '/v1/automation/flows', { ...fulfilOrderFlow('http://127.0.0.1:9'), org_id: A }], (s, b) => expect([s, b.status]).toEqual([403, 403])],
    ['list executions of A\'s entity', () => ['GET', `/v1/automation/executions?entity_id=${a.entityId}`], (s, b) => expect([s, b]).toEqual([200, { total: 0, results: [] }])],
    ['search executions', () => ['POST', '/v1/automation/executions:search', {}], (s, b) => expect([s, b.results]).toEqual([200, []])],
    ['page with A\'s search cursor', () => ['POST', '/v1/automation/executions:search', { cursor: a.cursor }], (s, b) => expect([s, b.problems]).toEqual([400, [{ in: 'body', path: 'cursor', message: expect.any(String) }]])],
    ['read A\'s execution', () => ['GET', `/v1/automation/executions/${a.executionId}`], notFound],
    ['cancel A\'s execution', () => ['DELETE', `/v1/automation/executions/${a.executionId}`], notFound],
    ['retrigger an action of A\'s execution', () => ['POST', `/v1/automation/executions/${a.executionId}/fulfil/retrigger`, { retry_strategy: 'RETRY_AND_RESUME' }], notFound],
    ['retry A\'s execution', () => ['POST', `/v1/automation/executions/${a.executionId}:retry`], notFound],
    ['cancel a schedule of A\'s execution', () => ['DELETE', `/v1/automation/executions/${a.executionId}/schedules/s-1`], notFound],
    ['start A\'s flow for A\'s entity', () => ['POST', '/v1/automation/executions', { flow_id: a.flowId, entity_id: a.entityId }], notFound],
    ['publish an event for A', () => ['POST', '/v1/automation/events', { event_id: 'evil-1', org_id: A, type: 'manual', flow_id: a.flowId, entity: { _id: a.entityId, _schema: 'order' } }], (s, b) => expect([s, b.problems?.[0]?.path]).toEqual([403, 'org_id'])],
    ['read A\'s entity', () => ['GET', `/v1/entities/order/${a.entityId}`], notFound],
    ['change A\'s entity', () => ['PATCH', `/v1/entities/order/${a.entityId}`, { status: 'cancelled' }], notFound],
    ['delete A\'s entity', () => ['DELETE', `/v1/entities/order/${a.entityId}`], notFound],
    ['read A\'s bulk job', () => ['GET', `${BULK}/${a.jobId}`], notFound],
    ['approve A\'s bulk job with its task token', () => ['PATCH', `${BULK}/${a.jobId}`, { action: 'APPROVE', task_token: a.taskToken }], notFound],
    ['cancel A\'s bulk job with its task token', () => ['PATCH', `${BULK}/${a.jobId}`, { action: 'CANCEL', task_token: a.taskToken }], notFound],
    ['run A\'s flow in bulk for A\'s entity', () => ['POST', BULK, { flow_id: a.flowId, entities_refs: [{ entity_id: a.entityId, entity_schema: 'order' }] }], notFound],
    ['create an entity in A\'s name', () => ['POST', '/v1/entities/order', { _org: A, status: 'open' }], (s, b) => expect([s, b.problems?.[0]?.path]).toEqual([403, '_org'])],
  ];

  it.each(cases)('org B cannot %s', async (_what, request, expectation) => {
    const [method, path, body] = request();
    const res = await env.call(B, method, path, body);
    expectation(res.status, res.body);
  });

  it('org B may use the same flow id for a flow of its own, which leaves A\'s flow alone', async () => {
    const own = await env.call(B, 'POST', '/v1/automation/flows', { ...fulfilOrderFlow('http://127.0.0.1:9'), id: a.flowId, flow_name: 'B\'s own' });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ id: a.flowId, org_id: B, flow_name: 'B\'s own' });
    expect((await env.call(A, 'GET', `/v1/automation/flows/${a.flowId}`)).body).toEqual(before.flow);
  });

  it('rejects a token naming org A that the API did not sign', async () => {
    const forged = await import('@autoflow/api').then((m) => m.signDevToken('another-secret-of-at-least-32-bytes!!', A));
    const res = await env.call(null, 'GET', `/v1/automation/flows/${a.flowId}`, undefined, { authorization: `Bearer ${forged}` });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ status: 401, error: 'the token\'s signature does not verify' });
  });

  it('leaves org A\'s flow, entity, execution and bulk job as they were', async () => {
    expect(await snapshotOfA()).toEqual(before);
    expect(before.job).toMatchObject({ status: 'approval', task_token: a.taskToken, execution_summary: [] });
    const list = await env.call(A, 'GET', `/v1/automation/executions?entity_id=${a.entityId}`);
    expect(list.body.total).toBe(1);
  });
});
