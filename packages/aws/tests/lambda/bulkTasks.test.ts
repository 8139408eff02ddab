import { BulkTasksEnvSchema, DynamoBulkJobStore, ENV, LambdaConfigError, createDocumentClient, loadLambdaConfig, stepFunctionsBulkJobMachine } from '@autoflow/aws';
import { type BulkJob, type StoredFlow, bulkExecutionId } from '@autoflow/engine';
import { localAwsClientConfig } from '@autoflow/local';
import { createBulkTasksLambda } from '../../src/lambda/bulkTasks';
import { LambdaTestBed } from './support/LambdaTestBed';

describe('bulk tasks Lambda (every step of the bulk job state machine)', () => {
  let bed: LambdaTestBed;
  let jobs: DynamoBulkJobStore;
  let handler: ReturnType<typeof createBulkTasksLambda>;
  let db: ReturnType<typeof createDocumentClient>;

  beforeAll(async () => {
    bed = await LambdaTestBed.start('bulk-tasks');
    db = createDocumentClient(localAwsClientConfig(bed.dynamodbEndpoint));
    jobs = new DynamoBulkJobStore(db, { control: bed.tables.control, executions: bed.tables.executions }, bed.stores().executions);
    handler = createBulkTasksLambda({
      env: bed.env({ [ENV.executionsTable]: bed.tables.executions, [ENV.controlTable]: bed.tables.control, [ENV.entitiesTable]: bed.tables.entities }),
    });
  });
  afterAll(async () => {
    db?.destroy();
    await bed?.stop();
  });

  /** A job as the API creates it, in the status the test needs. */
  async function createJob(org: string, jobId: string, flow: StoredFlow, status: BulkJob['status'], refs: string[]): Promise<void> {
    const at = new Date().toISOString();
    await jobs.create({
      job_id: jobId,
      org_id: org,
      flow_id: flow.id,
      status,
      created_by: 'user-1',
      created_at: at,
      updated_at: at,
      task_token: 'approval-token',
      entity_query: { type: 'refs', data: refs.map((entity_id) => ({ entity_id, entity_schema: 'contract' })) },
      pagination_state: { page_size: 100, pages_processed: 0, total_processed: 0, has_more: true },
      preview: { entities_matched: refs.length, executions_to_start: refs.length, suppressed: {}, estimated_actions: refs.length, complete: true },
      progress: { started: 0, suppressed: {} },
    });
  }

  const manualFlow = (org: string) =>
    bed.saveFlow(org, { flow_name: 'reprice', triggers: [{ type: 'entity_manual', configuration: { schema: 'contract' } }], actions: [{ id: 'a1', type: 'custom-step' }] });

  it('marks the job failed with the step error Step Functions caught (RecordFailure)', async () => {
    const flow = await manualFlow('org-f');
    await createJob('org-f', 'job-f', flow, 'executing', []);

    const output = await handler({
      task: 'record_failure',
      org_id: 'org-f',
      job_id: 'job-f',
      error: { Error: 'NonRetryableError', Cause: JSON.stringify({ errorType: 'NonRetryableError', errorMessage: 'flow flow-1 was disabled or deleted while the job ran' }) },
    });

    expect(output).toBeUndefined();
    const job = await jobs.get('org-f', 'job-f');
    expect(job).toMatchObject({ status: 'failed', error: 'NonRetryableError: flow flow-1 was disabled or deleted while the job ran', finished_at: expect.any(String) });
  });

  it('runs a batch: one execution per entity the flow accepts, a progress row for every entity, and the cursor handed back', async () => {
    const flow = await manualFlow('org-b');
    await bed.stores().entities.create('org-b', { _id: 'c-1', _schema: 'contract', price: 10 });
    await createJob('org-b', 'job-b', flow, 'querying_entities', ['c-1', 'c-missing']);

    const outcome = await handler({ task: 'process_batch', org_id: 'org-b', job_id: 'job-b', cursor: null });

    expect(outcome).toMatchObject({ next: 'done', cursor: null });
    const job = await jobs.get('org-b', 'job-b');
    expect(job).toMatchObject({ status: 'entities_loaded', progress: { started: 1, suppressed: { not_found: 1 } }, pagination_state: { pages_processed: 1, total_processed: 2, has_more: false } });
    const started = await bed.stores().executions.getState('org-b', bulkExecutionId(job!, 'c-1'));
    expect(started).toMatchObject({ flow_id: flow.id, status: 'starting' });
    const rows = await jobs.pageProgress('org-b', 'job-b', { size: 10 });
    expect(rows.items.map((r) => [r.entity_id, r.execution_status])).toEqual([
      ['c-1', 'starting'],
      ['c-missing', 'skipped'],
    ]);
  });

  it('rejects an input no step takes as ValidationError, which the state machine does not retry', async () => {
    await expect(handler({ task: 'record_failure', org_id: 'org-f' })).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(handler({ task: 'start_everything', org_id: 'org-f', job_id: 'job-f' })).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('defaults the batch budget to 10 minutes and refuses more than 12, so a step ends inside its 15-minute timeout', () => {
    const env = { [ENV.stage]: 'test', [ENV.executionsTable]: 'autoflow-test-executions', [ENV.controlTable]: 'autoflow-test-control', [ENV.entitiesTable]: 'autoflow-test-entities' };
    expect(loadLambdaConfig(BulkTasksEnvSchema, env).batchBudgetMs).toBe(600_000);
    expect(loadLambdaConfig(BulkTasksEnvSchema, { ...env, [ENV.bulkBatchBudgetMs]: '720000' }).batchBudgetMs).toBe(720_000);
    for (const bad of ['720001', '0', 'ten minutes']) {
      const load = () => loadLambdaConfig(BulkTasksEnvSchema, { ...env, [ENV.bulkBatchBudgetMs]: bad });
      expect(load).toThrow(LambdaConfigError);
      expect(load).toThrow(ENV.bulkBatchBudgetMs);
    }
    expect(() => loadLambdaConfig(BulkTasksEnvSchema, { ...env, [ENV.bulkStateMachineArn]: 'arn:aws:states:eu-central-1:123456789012:stateMachine:x' })).toThrow(ENV.bulkStateMachineArn);
  });

  it('builds its state machine port without an ARN: answering the approval step only, never starting a job', async () => {
    await expect(stepFunctionsBulkJobMachine().start({ org_id: 'org-f', job_id: 'job-x' })).rejects.toMatchObject({ name: 'NonRetryableError', code: 'BAD_CONFIG' });
  });
});
