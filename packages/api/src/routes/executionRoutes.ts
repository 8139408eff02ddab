import { ValidationError } from '@autoflow/core';
import type { ApiServices } from '@autoflow/engine';
import { z } from '@hono/zod-openapi';
import { describeProblems, errorBody } from '../http/ErrorBody';
import { type RouteKit, authenticated, errorResponses, publicRoute, requestSchemasOf } from '../http/routeKit';
import { validationHook } from '../http/validationHook';
import {
  BulkJobQuery,
  BulkJobSchema,
  ExecutionIdParams,
  ExecutionSchema,
  GetExecutionsQuery,
  GetExecutionsRespSchema,
  JobIdParams,
  PAGE_DEFAULT,
  PAGE_MAX,
  PatchBulkJobSchema,
  ResumeReqSchema,
  ResumeRespSchema,
  RetriggerParams,
  RetryReqSchema,
  ScheduleParams,
  SearchExecutionsBodySchema,
  SearchExecutionsRespSchema,
  StartExecutionBodySchema,
} from '../schemas/apiSchemas';
import { type BulkJobService, InvalidStateError, NotImplementedError } from '@autoflow/engine';

const json = <S>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <S>(schema: S, description: string, required = true) => ({ description, required, content: { 'application/json': { schema } } });
const EXTENSION = { 'x-autoflow-extension': true } as const;

/** epilot's execution operations, the public resume endpoint, bulk jobs and autoflow's search and retry. */
export function registerExecutionRoutes(kit: RouteKit, services: ApiServices): void {
  const { app } = kit;
  const executions = services.executions;

  const getExecutions = authenticated(kit, {
    method: 'get',
    path: '/v1/automation/executions',
    operationId: 'getExecutions',
    summary: 'getExecutions',
    description: 'The executions of one entity, newest first, offset paging (`from`, `size`) with the total count.',
    tags: ['executions'],
    request: { query: GetExecutionsQuery },
    responses: { 200: json(GetExecutionsRespSchema, 'List of automation executions'), ...errorResponses(400, 401) },
  });
  app.openapi(
    getExecutions,
    async (c) => {
      const q = c.req.valid('query');
      const page = await executions.listByEntity(c.get('caller'), { entity_id: q.entity_id, from: q.from ?? 0, size: q.size ?? PAGE_DEFAULT });
      return c.json(page as never, 200);
    },
    validationHook(requestSchemasOf(getExecutions)),
  );

  const startExecution = authenticated(kit, {
    method: 'post',
    path: '/v1/automation/executions',
    operationId: 'startExecution',
    summary: 'startExecution',
    description:
      'Start a flow by hand for an entity of the built-in entity store. Answers 201 with the execution as it is once it exists (usually `starting` or `in_progress`), or 202 with a `pending` document if it did not appear within a few seconds.',
    tags: ['executions'],
    request: { body: body(StartExecutionBodySchema, 'Execution parameters') },
    responses: {
      201: json(ExecutionSchema, 'The created execution'),
      202: json(ExecutionSchema, 'autoflow: the start was accepted; the execution did not exist yet when the answer was sent'),
      ...errorResponses(400, 401, 404, 409, 413, 415),
    },
  });
  app.openapi(
    startExecution,
    async (c) => {
      const b = c.req.valid('json');
      const started = await executions.start(c.get('caller'), {
        flow_id: b.flow_id,
        entity_id: b.entity_id,
        ...(b.trigger_context ? { trigger_context: b.trigger_context } : {}),
      });
      return started.created ? c.json(started.execution as never, 201) : c.json(started.execution as never, 202);
    },
    validationHook(requestSchemasOf(startExecution)),
  );

  const searchExecutions = authenticated(kit, {
    method: 'post',
    path: '/v1/automation/executions:search',
    operationId: 'searchExecutions',
    summary: 'searchExecutions (autoflow extension)',
    description:
      'autoflow extension (not in epilot 1.4.1): all executions of the organisation, newest first, a page at a time. Pass `next_cursor` of a page as `cursor` to get the next one.',
    tags: ['executions', 'autoflow extensions'],
    ...EXTENSION,
    request: { body: body(SearchExecutionsBodySchema, 'Page size and cursor', false) },
    responses: { 200: json(SearchExecutionsRespSchema, 'One page of executions'), ...errorResponses(400, 401, 415) },
  });
  app.openapi(
    searchExecutions,
    async (c) => {
      const b = c.req.valid('json');
      const page = await executions.search(c.get('caller'), { size: b.size ?? PAGE_DEFAULT, ...(b.cursor !== undefined ? { cursor: b.cursor } : {}) });
      return c.json(page as never, 200);
    },
    validationHook(requestSchemasOf(searchExecutions)),
  );

  // Bulk jobs come before /executions/{execution_id}: `bulk-jobs` is not an execution id.
  const bulk = (): BulkJobService => {
    if (!services.bulkJobs) throw new NotImplementedError('this deployment has no bulk runner; start executions one by one with POST /v1/automation/executions');
    return services.bulkJobs;
  };
  const bulkTrigger = authenticated(kit, {
    method: 'post',
    path: '/v1/automation/executions/bulk-jobs',
    operationId: 'bulkTriggerExecutions',
    summary: 'bulkTriggerExecutions',
    description:
      'Creates a bulk job over the entities named by exactly one of `entities_refs`, `entities_query` (Lucene syntax) or `entities_filter`. ' +
      'The job waits in `approval` with its `task_token` and a dry-run `preview` (autoflow extension) until it is approved with PATCH.',
    tags: ['bulk'],
    request: { body: body(z.looseObject({}).openapi('BulkTriggerRequest'), 'Execution parameters') },
    responses: { 202: json(BulkJobSchema, 'Trigger Executions Job Info'), ...errorResponses(400, 401, 404, 409, 501) },
  });
  app.openapi(
    bulkTrigger,
    async (c) => c.json((await bulk().create(c.get('caller'), c.req.valid('json'))) as never, 202),
    validationHook(requestSchemasOf(bulkTrigger)),
  );
  const getBulkJob = authenticated(kit, {
    method: 'get',
    path: '/v1/automation/executions/bulk-jobs/{job_id}',
    operationId: 'getBulkJob',
    summary: 'getBulkJob',
    description: 'The job, its `pagination_state`, and one page of its per-entity `execution_summary` (`size`, `cursor`; the next page\'s cursor is `next_cursor`).',
    tags: ['bulk'],
    request: { params: JobIdParams, query: BulkJobQuery },
    responses: { 200: json(BulkJobSchema, 'Bulk Job Info'), ...errorResponses(400, 401, 404, 501) },
  });
  app.openapi(
    getBulkJob,
    async (c) => {
      const q = c.req.valid('query');
      const page = { size: q.size ?? PAGE_MAX, ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) };
      try {
        return c.json((await bulk().get(c.get('caller'), c.req.valid('param').job_id, page)) as never, 200);
      } catch (err) {
        // only the job store can tell that a cursor is not one of the job's; it came in the query string
        if (!(err instanceof ValidationError)) throw err;
        const problems = err.problems.map((p) => ({ in: 'query' as const, ...p }));
        return c.json(errorBody(400, `invalid query string: ${describeProblems(err.problems)}`, problems), 400) as never;
      }
    },
    validationHook(requestSchemasOf(getBulkJob)),
  );
  const patchBulkJob = authenticated(kit, {
    method: 'patch',
    path: '/v1/automation/executions/bulk-jobs/{job_id}',
    operationId: 'patchBulkJob',
    summary: 'patchBulkJob',
    description: '`APPROVE` starts a job in `approval`; `CANCEL` stops a job that has not finished (started executions go on, no new ones start). Both need the job\'s `task_token`: a wrong one is refused with 403, a used one with 409.',
    tags: ['bulk'],
    request: { params: JobIdParams, body: body(PatchBulkJobSchema, 'Approve or cancel') },
    responses: { 200: json(BulkJobSchema, 'Bulk Job Info'), ...errorResponses(400, 401, 403, 404, 409, 501) },
  });
  app.openapi(
    patchBulkJob,
    async (c) => c.json((await bulk().patch(c.get('caller'), c.req.valid('param').job_id, c.req.valid('json'))) as never, 200),
    validationHook(requestSchemasOf(patchBulkJob)),
  );

  // POST /executions/{id}:retry — hono cannot route a parameter followed by a literal in one
  // segment, so the handler is registered with a pattern and the route is only documented.
  const retryDoc = {
    method: 'post' as const,
    path: '/v1/automation/executions/{execution_id}:retry',
    operationId: 'retryExecution',
    summary: 'retryExecution (autoflow extension)',
    description: 'autoflow extension: retry a failed execution from the action that failed it (RETRY_AND_RESUME on that action). 409 unless the execution failed.',
    tags: ['executions', 'autoflow extensions'],
    ...EXTENSION,
    security: [{ bearerAuth: [] }],
    request: { params: ExecutionIdParams },
    responses: { 200: json(ExecutionSchema, 'The execution, running again'), ...errorResponses(400, 401, 404, 409) },
  };
  app.openAPIRegistry.registerPath(retryDoc);
  const retryHook = validationHook({ param: ExecutionIdParams });
  app.post('/v1/automation/executions/:ref{[^/]+:retry}', kit.auth, async (c) => {
    const raw = { execution_id: c.req.param('ref').slice(0, -':retry'.length) };
    const params = ExecutionIdParams.safeParse(raw);
    if (!params.success) return retryHook({ target: 'param', success: false, error: params.error, data: raw }, c)!;
    return c.json(await executions.retry(c.get('caller'), params.data.execution_id), 200);
  });

  const getExecution = authenticated(kit, {
    method: 'get',
    path: '/v1/automation/executions/{execution_id}',
    operationId: 'getExecution',
    summary: 'getExecution',
    description: 'Get one execution.',
    tags: ['executions'],
    request: { params: ExecutionIdParams },
    responses: { 200: json(ExecutionSchema, 'The returned execution'), ...errorResponses(400, 401, 404) },
  });
  app.openapi(
    getExecution,
    async (c) => c.json((await executions.get(c.get('caller'), c.req.valid('param').execution_id)) as never, 200),
    validationHook(requestSchemasOf(getExecution)),
  );

  const cancelExecution = authenticated(kit, {
    method: 'delete',
    path: '/v1/automation/executions/{execution_id}',
    operationId: 'cancelExecution',
    summary: 'cancelExecution',
    description: 'Cancel an unfinished execution; answers with the cancelled execution. 409 if it already finished otherwise.',
    tags: ['executions'],
    request: { params: ExecutionIdParams },
    responses: { 200: json(ExecutionSchema, 'The cancelled execution'), ...errorResponses(400, 401, 404, 409) },
  });
  app.openapi(
    cancelExecution,
    async (c) => c.json((await executions.cancel(c.get('caller'), c.req.valid('param').execution_id)) as never, 200),
    validationHook(requestSchemasOf(cancelExecution)),
  );

  const retriggerAction = authenticated(kit, {
    method: 'post',
    path: '/v1/automation/executions/{execution_id}/{action_id}/retrigger',
    operationId: 'retriggerAction',
    summary: 'retriggerAction',
    description:
      'Run an action that failed (or is stuck) again. RETRY_AND_RESUME (default) goes on with the actions after it; RETRY_AND_STOP stops after it; RETRY_ALL_PARENT_CONDITION_ACTIONS reruns every action of its condition. autoflow answers with the execution.',
    tags: ['executions'],
    request: { params: RetriggerParams, body: body(RetryReqSchema, 'Retry request details.', false) },
    responses: { 200: json(ExecutionSchema, 'action re-triggered with success'), ...errorResponses(400, 401, 404, 409, 415) },
  });
  app.openapi(
    retriggerAction,
    async (c) => {
      const { execution_id, action_id } = c.req.valid('param');
      const b = c.req.valid('json');
      const doc = await executions.retriggerAction(c.get('caller'), execution_id, action_id, {
        ...(b.retry_strategy ? { retry_strategy: b.retry_strategy } : {}),
        ...(b.condition_id ? { condition_id: b.condition_id } : {}),
      });
      return c.json(doc as never, 200);
    },
    validationHook(requestSchemasOf(retriggerAction)),
  );

  const resume = publicRoute({
    method: 'post',
    path: '/v1/automation/public/executions:resume',
    operationId: 'resumeExecutionWithToken',
    summary: 'resumeExecutionWithToken',
    description: 'Resume a paused execution with its single-use resume token. Public: the token is the credential.',
    tags: ['executions'],
    request: { body: body(ResumeReqSchema, 'The resume token') },
    responses: {
      200: json(ResumeRespSchema, 'execution resumed with success'),
      ...errorResponses(400, 404, 415),
    },
  });
  app.openapi(
    resume,
    async (c) => {
      try {
        return c.json((await executions.resume(c.req.valid('json').resume_token)) as never, 200);
      } catch (err) {
        // epilot: 400 "execution could not be resumed" (the token was used, or the execution moved on)
        if (err instanceof InvalidStateError) return c.json(errorBody(400, err.message), 400) as never;
        throw err;
      }
    },
    validationHook(requestSchemasOf(resume)),
  );

  const cancelSchedule = authenticated(kit, {
    method: 'delete',
    path: '/v1/automation/executions/{execution_id}/schedules/{schedule_id}',
    operationId: 'cancelSchedule',
    summary: 'cancelSchedule',
    description:
      'Cancel a pending schedule: the actions waiting for it are skipped with the reason and the execution goes on with the next action. Answers the schedule. 404 when nothing waits for it (it fired already, or was cancelled before).',
    tags: ['executions'],
    request: { params: ScheduleParams },
    responses: { 200: json(z.looseObject({}).openapi('ActionSchedule'), 'The schedule was successfully cancelled'), ...errorResponses(400, 401, 404) },
  });
  app.openapi(
    cancelSchedule,
    async (c) => {
      const { execution_id, schedule_id } = c.req.valid('param');
      return c.json((await executions.cancelSchedule(c.get('caller'), execution_id, schedule_id)) as never, 200);
    },
    validationHook(requestSchemasOf(cancelSchedule)),
  );
}
