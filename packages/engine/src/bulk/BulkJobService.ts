import { randomUUID } from 'node:crypto';
import { ConflictError, ValidationError, parseBulkTriggerRequest, parseEntitiesQuery } from '@autoflow/core';
import type { ApiCaller } from '../api/ApiCaller';
import { ForbiddenError, InvalidStateError, NotFoundError } from '../api/errors';
import type { BulkJobMachine, BulkJobStore, Clock, EntitySource, ExecutionStore, FlowStore } from '../ports';
import { type BulkEntityQuery, type BulkJob, type BulkPreview, CANCELLABLE_BULK_STATUSES, type BulkEntityProgress, type EntityRef } from './BulkJob';
import { SuppressionReason, addCounts, bulkEntries, failureReason, selectionOf } from './bulkEntry';

export interface BulkJobServiceDeps {
  jobs: BulkJobStore;
  flows: FlowStore;
  executions: ExecutionStore;
  entities: EntitySource;
  machine: BulkJobMachine;
  clock: Clock;
  /** entities per page when runners page through a selection (default 100) */
  pageSize?: number;
  /** how long the dry run at creation may take before it reports lower bounds (default 5 s) */
  previewBudgetMs?: number;
  newJobId?: () => string;
  newToken?: () => string;
}

/** A bulk job as the API returns it, with one page of its per-entity summary. */
export type BulkJobDocument = Omit<BulkJob, 'task_token'> & {
  task_token?: string;
  execution_summary: BulkEntityProgress[];
  /** where the next page of `execution_summary` starts (autoflow extension) */
  next_cursor?: string;
};

/**
 * epilot's bulk jobs: create one (a dry run, then a job waiting in `approval` with its task
 * token), read it with a page of its per-entity summary, approve or cancel it. The state
 * machine does the work; this service only changes the job's status, conditionally.
 */
export class BulkJobService {
  constructor(private readonly deps: BulkJobServiceDeps) {}

  async create(caller: ApiCaller, body: unknown): Promise<BulkJobDocument> {
    const parsed = parseBulkTriggerRequest(body);
    if (!parsed.ok) throw new ValidationError('invalid bulk job request', parsed.problems);
    const request = parsed.request;
    let entity_query: BulkEntityQuery;
    // An entity listed again is counted, not kept: the job's entities are a set, so neither the
    // dry run nor the runner reads it twice (DynamoDB refuses a batch naming one key twice).
    const repeated: Record<string, number> = {};
    if (request.entities_refs) {
      const refs = uniqueRefs(request.entities_refs);
      entity_query = { type: 'refs', data: refs };
      if (refs.length < request.entities_refs.length) repeated[SuppressionReason.listed_twice] = request.entities_refs.length - refs.length;
    } else if (request.entities_filter) entity_query = { type: 'filter', data: request.entities_filter };
    else {
      const query = parseEntitiesQuery(request.entities_query!);
      if (!query.ok) throw new ValidationError('invalid bulk job request', query.problems);
      entity_query = { type: 'query', data: request.entities_query!, filter: query.filter };
    }
    const org = caller.org_id;
    const flow = await this.deps.flows.get(org, request.flow_id);
    if (!flow) throw new NotFoundError(`flow ${request.flow_id} not found`);
    if (flow.enabled === false) throw new InvalidStateError(`flow ${flow.id} is disabled; enable it before running it in bulk`);
    const now = new Date(this.deps.clock.now()).toISOString();
    const pageSize = this.deps.pageSize ?? 100;
    const job: BulkJob = {
      job_id: this.deps.newJobId?.() ?? randomUUID(),
      org_id: org,
      flow_id: flow.id,
      status: 'approval',
      created_by: caller.subject ?? 'api',
      created_at: now,
      updated_at: now,
      ...(request.trigger_context ? { trigger_context: request.trigger_context } : {}),
      task_token: this.deps.newToken?.() ?? randomUUID(),
      entity_query,
      pagination_state: { page_size: pageSize, pages_processed: 0, total_processed: 0, has_more: true },
      preview: { entities_matched: 0, executions_to_start: 0, suppressed: {}, estimated_actions: 0, complete: false },
      progress: { started: 0, suppressed: { ...repeated } },
    };
    job.preview = await this.preview(job, flow, repeated);
    await this.deps.jobs.create(job);
    await this.deps.machine.start(job);
    return { ...job, execution_summary: [] };
  }

  async get(caller: ApiCaller, jobId: string, page: { size: number; cursor?: string } = { size: 100 }): Promise<BulkJobDocument> {
    const job = await this.deps.jobs.get(caller.org_id, jobId);
    if (!job) throw new NotFoundError(`bulk job ${jobId} not found`);
    const rows = await this.deps.jobs.pageProgress(caller.org_id, jobId, page);
    const ids = rows.items.filter((r) => r.execution_id).map((r) => r.execution_id!);
    const states = new Map((await this.deps.executions.getStates(caller.org_id, ids)).map((s) => [s.execution_id, s]));
    const execution_summary = rows.items.map((row) => {
      const state = row.execution_id ? states.get(row.execution_id) : undefined;
      if (!state) return row;
      const error = state.status === 'failed' || state.status === 'hot' ? failureReason(state) : undefined;
      return { ...row, execution_status: state.status, timestamp: new Date(state.updated_at).toISOString(), ...(error ? { error } : {}) };
    });
    const { task_token: _hidden, ...visible } = job;
    return {
      ...visible,
      // the token is shown while it can still be used
      ...(job.status === 'approval' ? { task_token: job.task_token } : {}),
      execution_summary,
      ...(rows.cursor ? { next_cursor: rows.cursor } : {}),
    };
  }

  /** epilot `patchBulkJob`: APPROVE starts the job, CANCEL stops it; both need the job's task token. */
  async patch(caller: ApiCaller, jobId: string, request: { action: 'APPROVE' | 'CANCEL'; task_token: string }): Promise<BulkJobDocument> {
    const org = caller.org_id;
    const at = new Date(this.deps.clock.now()).toISOString();
    const change =
      request.action === 'APPROVE'
        ? { from: ['approval'] as const, token: request.task_token, set: { status: 'querying_entities' as const, approved_at: at, updated_at: at } }
        : { from: CANCELLABLE_BULK_STATUSES, token: request.task_token, set: { status: 'cancelled' as const, finished_at: at, updated_at: at } };
    let outcome: Awaited<ReturnType<BulkJobStore['transition']>>;
    try {
      outcome = await this.deps.jobs.transition(org, jobId, change);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const current = err.current as BulkJob | undefined;
      if (!current) throw new NotFoundError(`bulk job ${jobId} not found`);
      if (current.task_token !== request.task_token) {
        throw new ForbiddenError(`the task token does not belong to bulk job ${jobId}`, [{ path: 'task_token', message: 'does not match the job' }]);
      }
      if (request.action === 'CANCEL' && current.status === 'cancelled') return this.get(caller, jobId);
      const allowed = request.action === 'APPROVE' ? 'in approval' : 'not yet finished';
      throw new InvalidStateError(`bulk job ${jobId} is ${current.status}; only a job ${allowed} can be ${request.action === 'APPROVE' ? 'approved' : 'cancelled'}`);
    }
    if (outcome.callbackToken) {
      if (request.action === 'APPROVE') await this.deps.machine.approve(outcome.callbackToken);
      else if (outcome.before.status === 'approval') await this.deps.machine.cancel(outcome.callbackToken, 'cancelled before approval');
    }
    return this.get(caller, jobId);
  }

  /** The dry run: pages through the selection like the runner will, within a time budget. */
  private async preview(job: BulkJob, flow: Awaited<ReturnType<FlowStore['get']>> & object, repeated: Record<string, number>): Promise<BulkPreview> {
    const deadline = this.deps.clock.now() + (this.deps.previewBudgetMs ?? 5_000);
    const selection = selectionOf(job.entity_query);
    let matched = 0;
    let toStart = 0;
    const suppressed: Record<string, number> = { ...repeated };
    let cursor: string | undefined;
    let complete = false;
    for (;;) {
      const page = await this.deps.entities.page(job.org_id, selection, { size: Math.max(job.pagination_state.page_size, 100), ...(cursor ? { cursor } : {}) });
      const entries = bulkEntries(job, flow, page, this.deps.clock.now());
      for (const entry of entries) {
        if (entry.progress.error !== SuppressionReason.not_found) matched++;
        if (entry.execution) toStart++;
        else addCounts(suppressed, { [entry.progress.error ?? 'suppressed']: 1 });
      }
      cursor = page.cursor;
      if (!cursor) {
        complete = true;
        break;
      }
      if (this.deps.clock.now() >= deadline) break;
    }
    return { entities_matched: matched, executions_to_start: toStart, suppressed, estimated_actions: toStart * flow.actions.length, complete };
  }
}

/** The refs in the order given, each entity once (by id: an id names one entity of the org). */
function uniqueRefs(refs: readonly EntityRef[]): EntityRef[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    if (seen.has(ref.entity_id)) return false;
    seen.add(ref.entity_id);
    return true;
  });
}
