import { createClient } from '@epilot/automation-client';
import { waitFor } from '../../../test/support/waitFor';
import { useApi } from './support/apiHarness';
import { fulfilOrderFlow, noopFlow, noopHandler } from './support/flows';

/**
 * openapi-client-axios is the library epilot's client is generated with. It builds a client from
 * any OpenAPI document, here autoflow's own GET /openapi.json, for the operations epilot's
 * client does not have (searchExecutions). Loaded with require: it is only needed at run time.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { OpenAPIClientAxios } = require('openapi-client-axios') as {
  OpenAPIClientAxios: new (options: { definition: string; axiosConfigDefaults?: Record<string, unknown> }) => { init<T>(): Promise<T> };
};

/** The operations used here, loosely typed: autoflow's flows carry extension fields epilot's types lack. */
type Call = (...args: any[]) => Promise<{ status: number; data: any }>;
interface EpilotOperations {
  defaults: any;
  searchFlows: Call;
  createFlow: Call;
  batchGetFlows: Call;
  getFlow: Call;
  putFlow: Call;
  deleteFlow: Call;
  getExecutions: Call;
  startExecution: Call;
  getExecution: Call;
  cancelExecution: Call;
  retriggerAction: Call;
  bulkTriggerExecutions: Call;
  getBulkJob: Call;
  patchBulkJob: Call;
}

/** The unmodified epilot automation client drives autoflow; only its base URL and token change. */
describe('the epilot automation client against autoflow', () => {
  const resumeTokens: string[] = [];
  const env = useApi({
    customHandlers: {
      'await-approval': async (ctx) => {
        resumeTokens.push(ctx.resume_token);
        return { outputs: { requested: true }, effect: 'pause' };
      },
      noop: noopHandler,
    },
  });
  const org = 'acme';
  let epilot: EpilotOperations;
  let generated: { searchExecutions: Call };

  beforeAll(async () => {
    const token = await env.token(org);
    epilot = createClient() as unknown as EpilotOperations;
    epilot.defaults.baseURL = env.url;
    epilot.defaults.headers.common.Authorization = `Bearer ${token}`;
    generated = await new OpenAPIClientAxios({
      definition: `${env.url}/openapi.json`,
      axiosConfigDefaults: { baseURL: env.url, headers: { Authorization: `Bearer ${token}` } },
    }).init<{ searchExecutions: Call }>();
  });

  it('runs a flow, shows its failure, and finishes it after the cause is fixed and the action retriggered', async () => {
    // Arrange: the warehouse answers 400 until it is fixed.
    let warehouseFixed = false;
    env.hooks.respond('/fulfil', () => (warehouseFixed ? { status: 200, body: { ok: true } } : { status: 400, body: { error: 'unknown sku' } }));
    const created = await epilot.createFlow(null, fulfilOrderFlow(env.hooks.url));
    expect(created.status).toBe(201);
    const flow = created.data;
    expect(flow).toMatchObject({ org_id: org, enabled: true, version: 1, flow_name: 'Fulfil placed orders' });
    expect((await epilot.searchFlows({ schema: 'order' })).data.results.map((f: any) => f.id)).toContain(flow.id);
    expect((await epilot.getFlow({ flow_id: flow.id })).data).toEqual(flow);

    // Act: an order is placed through the entity API, which publishes the entity_operation event.
    const order = await env.call(org, 'POST', '/v1/entities/order', { status: 'open', sku: 'B-42' });
    expect(order.status).toBe(201);
    expect((await env.call(org, 'PATCH', `/v1/entities/order/${order.body._id}`, { status: 'placed' })).status).toBe(200);

    // Assert: the execution fails at the warehouse and skips the notification.
    const failed = await waitFor('the execution to fail', async () => {
      const { data } = await epilot.getExecutions({ entity_id: order.body._id });
      return data.total === 1 && data.results[0].execution_status === 'failed' ? data.results[0] : undefined;
    });
    expect(failed).toMatchObject({ flow_id: flow.id, entity_id: order.body._id, org_id: org });
    expect(failed.actions.map((a: any) => [a.id, a.execution_status])).toEqual([
      ['fulfil', 'failed'],
      ['notify', 'skipped'],
    ]);
    expect(failed.actions[0].error_output.error_reason).toMatch(/400/);
    expect(failed.entity_snapshot).toMatchObject({ _id: order.body._id, status: 'placed' });

    const page = await generated.searchExecutions(null, { size: 10 });
    expect(page.data.results.map((e: any) => e.id)).toContain(failed.id);
    expect(page.data.results[0].id).toBe(failed.id);

    // Act: fix the cause and retrigger the failed action.
    warehouseFixed = true;
    const retriggered = await epilot.retriggerAction({ execution_id: failed.id, action_id: 'fulfil' }, { retry_strategy: 'RETRY_AND_RESUME' });
    expect(retriggered.status).toBe(200);

    // Assert: the execution resumes from the warehouse and succeeds.
    const done = await waitFor('the execution to succeed', async () => {
      const { data } = await epilot.getExecution({ execution_id: failed.id });
      return data.execution_status === 'success' ? data : undefined;
    });
    expect(done.actions.map((a: any) => a.execution_status)).toEqual(['success', 'success']);
    expect(env.hooks.received('/fulfil')).toHaveLength(2);
    expect(env.hooks.received('/notify')).toHaveLength(1);
  });

  it('starts a flow by hand and cancels an execution, answering with the cancelled execution', async () => {
    const flow = (
      await epilot.createFlow(null, {
        flow_name: 'Wait for approval',
        triggers: [{ type: 'entity_manual', configuration: {} }],
        actions: [{ id: 'approve', type: 'await-approval', config: {} }],
      })
    ).data;
    const entity = (await env.call(org, 'POST', '/v1/entities/contract', { _id: 'contract-7', title: 'Solar' })).body;

    const started = await epilot.startExecution(null, { flow_id: flow.id, entity_id: entity._id });
    expect(started.status).toBe(201);
    expect(started.data).toMatchObject({ flow_id: flow.id, entity_id: 'contract-7', trigger_event: { type: 'manual' } });

    const paused = await waitFor('the execution to wait', async () => {
      const { data } = await epilot.getExecution({ execution_id: started.data.id });
      return data.execution_status === 'paused' ? data : undefined;
    });
    const cancelled = await epilot.cancelExecution({ execution_id: paused.id });
    expect(cancelled.status).toBe(200);
    expect(cancelled.data).toMatchObject({ id: paused.id, execution_status: 'cancelled' });
    expect(cancelled.data.actions[0].execution_status).toBe('cancelled');
  });

  it('resumes a paused execution with its single-use token, without a bearer token', async () => {
    const flow = (
      await epilot.createFlow(null, {
        flow_name: 'Approve, then notify',
        triggers: [{ type: 'entity_manual', configuration: {} }],
        actions: [
          { id: 'approve', type: 'await-approval', config: {} },
          { id: 'notify', type: 'trigger-webhook', config: { url: `${env.hooks.url}/approved` } },
        ],
      })
    ).data;
    await env.call(org, 'POST', '/v1/entities/contract', { _id: 'contract-8' });
    const started = (await epilot.startExecution(null, { flow_id: flow.id, entity_id: 'contract-8' })).data;
    await waitFor('the execution to wait', async () => ((await epilot.getExecution({ execution_id: started.id })).data.execution_status === 'paused' ? true : undefined));
    const token = resumeTokens.at(-1)!;

    const resumed = await env.call(null, 'POST', '/v1/automation/public/executions:resume', { resume_token: token });
    expect(resumed.status).toBe(200);
    expect(resumed.body.resumedAction).toMatchObject({ id: 'approve', execution_status: 'success' });
    expect(resumed.body.execution.id).toBe(started.id);

    const again = await env.call(null, 'POST', '/v1/automation/public/executions:resume', { resume_token: token });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatch(/not waiting/);
    const done = await waitFor('the execution to finish', async () => {
      const { data } = await epilot.getExecution({ execution_id: started.id });
      return data.execution_status === 'success' ? data : undefined;
    });
    expect(done.actions.map((a: any) => a.execution_status)).toEqual(['success', 'success']);
  });

  it('runs a bulk job: created in approval, approved with its task token, read once finished', async () => {
    const flow = (await epilot.createFlow(null, noopFlow('meter'))).data;
    const ids = Array.from({ length: 5 }, (_, i) => `meter-${i}`);
    await env.stack.stores.entities.importMany(org, ids.map((_id) => ({ _id, _schema: 'meter' })));

    const created = await epilot.bulkTriggerExecutions(null, {
      flow_id: flow.id,
      entities_refs: ids.map((entity_id) => ({ entity_id, entity_schema: 'meter' })),
      trigger_context: { campaign: 'spring' },
    });
    expect(created.status).toBe(202);
    expect(created.data).toMatchObject({ org_id: org, flow_id: flow.id, status: 'approval', task_token: expect.any(String), entity_query: { type: 'refs' }, trigger_context: { campaign: 'spring' } });
    const { job_id, task_token } = created.data;
    expect((await epilot.getBulkJob({ job_id })).data).toMatchObject({ job_id, status: 'approval', task_token });

    const approved = await epilot.patchBulkJob({ job_id }, { action: 'APPROVE', task_token });
    expect(approved.status).toBe(200);
    expect(approved.data.approved_at).toEqual(expect.any(String));

    const done = await waitFor('the bulk job to finish', async () => {
      const { data } = await epilot.getBulkJob({ job_id });
      return data.status === 'finished' ? data : undefined;
    });
    expect(done.execution_summary.map((row: any) => [row.entity_id, row.execution_status]).sort()).toEqual(ids.map((id) => [id, 'success']));
    const execution = (await epilot.getExecutions({ entity_id: 'meter-0' })).data.results[0];
    expect(execution).toMatchObject({ id: done.execution_summary.find((row: any) => row.entity_id === 'meter-0').execution_id, flow_id: flow.id, trigger_context: { campaign: 'spring' } });
    await expect(epilot.patchBulkJob({ job_id }, { action: 'APPROVE', task_token })).rejects.toMatchObject({ response: { status: 409 } });
  });

  it('keeps flows with put, batchGet and delete as epilot does', async () => {
    const flow = (await epilot.createFlow(null, fulfilOrderFlow(env.hooks.url, 'v1'))).data;
    const put = await epilot.putFlow({ flow_id: flow.id }, { ...flow, flow_name: 'v2', enabled: false });
    expect(put.data).toMatchObject({ id: flow.id, flow_name: 'v2', enabled: false, version: 2, created_at: flow.created_at });

    const batch = await epilot.batchGetFlows(null, { ids: [flow.id, 'no-such-flow'] });
    expect(batch.data).toEqual({ total: 1, results: [put.data] });

    expect((await epilot.deleteFlow({ flow_id: flow.id })).status).toBe(200);
    await expect(epilot.getFlow({ flow_id: flow.id })).rejects.toMatchObject({
      response: { status: 404, data: { status: 404, error: `flow ${flow.id} not found` } },
    });
  });
});
