import { readFileSync } from 'node:fs';
import { createApp, hs256Authenticator } from '@autoflow/api';
import type { ApiServices } from '@autoflow/engine';

const epilot = JSON.parse(readFileSync(require.resolve('@epilot/automation-client/dist/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
};

/** The document is generated from the routes alone; no use case runs to serve it. */
const app = createApp({ services: {} as ApiServices, authenticate: hs256Authenticator('s'.repeat(32)) });

async function served(): Promise<{ paths: Record<string, Record<string, any>>; components: { schemas: Record<string, unknown> } }> {
  const res = await app.request('/openapi.json');
  expect(res.status).toBe(200);
  return (await res.json()) as never;
}

const operations = (paths: Record<string, Record<string, any>>) =>
  Object.entries(paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));

describe('GET /openapi.json', () => {
  it('has every operation of epilot\'s automation API, at the same path and method, with the same operationId', async () => {
    const ours = await served();
    const missing = operations(epilot.paths).filter(({ path, method, op }) => ours.paths[path]?.[method]?.operationId !== op.operationId);
    expect(missing.map(({ method, path }) => `${method} ${path}`)).toEqual([]);
  });

  it('declares epilot\'s success status of every operation', async () => {
    const ours = await served();
    const differing = operations(epilot.paths)
      .flatMap(({ path, method, op }) => {
        const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
        const declared = Object.keys(ours.paths[path]![method]!.responses);
        return success.filter((s) => !declared.includes(s)).map((s) => `${method} ${path} ${s}`);
      });
    expect(differing).toEqual([]);
  });

  it('declares the bulk job operations with epilot\'s success statuses and the errors of the approval handshake', async () => {
    const ours = await served();
    const bulk = ours.paths['/v1/automation/executions/bulk-jobs/{job_id}']!;
    expect(Object.keys(ours.paths['/v1/automation/executions/bulk-jobs']!.post.responses)).toEqual(expect.arrayContaining(['202', '400', '404', '409', '501']));
    expect(Object.keys(bulk.get.responses)).toEqual(expect.arrayContaining(['200', '404']));
    expect(Object.keys(bulk.patch.responses)).toEqual(expect.arrayContaining(['200', '403', '404', '409']));
    expect(bulk.patch.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/PatchBulkJobRequest' });
    expect(ours.components.schemas.PatchBulkJobRequest).toMatchObject({ properties: { action: { enum: ['APPROVE', 'CANCEL'] } }, required: ['action', 'task_token'] });
  });

  it('marks exactly the routes epilot does not have as autoflow extensions', async () => {
    const ours = await served();
    const epilotOps = new Set(operations(epilot.paths).map(({ path, method }) => `${method} ${path}`));
    const extensions = operations(ours.paths).filter(({ op }) => op['x-autoflow-extension'] === true).map(({ path, method }) => `${method} ${path}`);
    const unmarked = operations(ours.paths).filter(({ path, method, op }) => !epilotOps.has(`${method} ${path}`) && op['x-autoflow-extension'] !== true);
    expect(unmarked).toEqual([]);
    expect(extensions.sort()).toEqual(
      [
        'post /v1/automation/events',
        'post /v1/automation/executions:search',
        'post /v1/automation/executions/{execution_id}:retry',
        'post /v1/entities/{schema}',
        'get /v1/entities/{schema}/{id}',
        'patch /v1/entities/{schema}/{id}',
        'delete /v1/entities/{schema}/{id}',
      ].sort(),
    );
  });

  it('needs a bearer token everywhere but the public resume endpoint', async () => {
    const ours = await served();
    const open = operations(ours.paths).filter(({ op }) => JSON.stringify(op.security) !== JSON.stringify([{ bearerAuth: [] }]));
    expect(open.map(({ op }) => [op.operationId, op.security])).toEqual([['resumeExecutionWithToken', []]]);
  });

  it('describes the documents with the schemas the handlers validate with', async () => {
    const ours = await served();
    expect(Object.keys(ours.components.schemas)).toEqual(expect.arrayContaining(['AutomationFlow', 'AutomationExecution', 'ErrorObject', 'AnyTrigger', 'TriggerWebhookConfig', 'AutomationEventInput']));
    expect(ours.paths['/v1/automation/flows']!.post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/AutomationFlow' });
    expect(ours.components.schemas.AutomationFlow).toMatchObject({ additionalProperties: false, required: expect.arrayContaining(['flow_name', 'triggers', 'actions']) });
  });
});
