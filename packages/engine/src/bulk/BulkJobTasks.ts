import { ConflictError, type ExecutionState, NonRetryableError, type Status, flowRateLimit, guardCounterKey, isFinal, windowOf } from '@autoflow/core';
import { ORG_QUEUE } from '../dispatcher/Admission';
import type { AdmissionStore, BulkJobMachine, BulkJobStore, Clock, EntitySource, ExecutionStore, FlowStore, GuardStore, Logger, StoredFlow } from '../ports';
import { silentLogger } from '../ports';
import { type BulkJob, type BulkReport, STARTING_BULK_STATUSES } from './BulkJob';
import { addCounts, bulkEntries, failureReason, selectionOf, suppressionCounts } from './bulkEntry';

export interface BulkJobTasksDeps {
  jobs: BulkJobStore;
  flows: FlowStore;
  executions: ExecutionStore;
  entities: EntitySource;
  guards: GuardStore;
  machine: BulkJobMachine;
  clock: Clock;
  logger?: Logger;
  /** how long one batch or monitoring step may run before it hands its cursor back (default 60 s; up to 12 min on Lambda) */
  batchBudgetMs?: number;
  /** entities written in one atomic step (default 25) */
  chunkSize?: number;
  /**
   * The org's admission queues: a job starts no new page while this many of the org's
   * executions already wait for a slot (default 100), or while the dispatcher has not yet seen
   * the page it started last, so a large job feeds the org's executions as they can run instead
   * of queueing all of them at once.
   */
  admission?: AdmissionStore;
  maxWaiting?: number;
  /** test seam: called before each chunk is written; throwing simulates a crash of the step */
  beforeChunk?: (job: BulkJob, chunkIndex: number) => void | Promise<void>;
}

export interface JobRef {
  org_id: string;
  job_id: string;
}

/** What a batch step tells the state machine: go on, wait (rate limit), or stop. */
export interface BatchOutcome {
  next: 'more' | 'done' | 'wait' | 'cancelled';
  cursor: string | null;
  /** pages recorded so far (a retried step compares it with the job's own record) */
  pages: number;
  wait_seconds: number;
}

/** Final statuses and failures counted so far by the monitoring step (carried by the state machine). */
export interface Tally {
  by_status: Partial<Record<Status, number>>;
  failures: BulkReport['failures'];
  failures_truncated: boolean;
}

export interface MonitorOutcome {
  next: 'done' | 'wait' | 'cancelled';
  cursor: string | null;
  tally: Tally;
}

const MAX_FAILURES_IN_REPORT = 100;
/** How long a job waits while its org's queue is full before it looks again. */
const BACKLOG_WAIT_SECONDS = 2;
/** How often a batch looks whether the dispatcher has seen the executions it started last. */
const UNSEEN_POLL_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The bulk job state machine's tasks. Each is idempotent: a retried or repeated step re-reads
 * the job and the per-entity progress rows, and an entity's execution id is derived from the
 * job and the entity, so no entity is ever started twice.
 */
export class BulkJobTasks {
  private readonly logger: Logger;

  constructor(private readonly deps: BulkJobTasksDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  /** The approval step: keeps the callback token, and answers at once if the job was already decided. */
  async awaitApproval(input: JobRef & { callback_token: string }): Promise<void> {
    const job = await this.deps.jobs.setCallbackToken(input.org_id, input.job_id, input.callback_token);
    if (job.status === 'approval') return;
    if (job.status === 'cancelled' || job.status === 'failed') await this.deps.machine.cancel(input.callback_token, `job is ${job.status}`);
    else await this.deps.machine.approve(input.callback_token);
  }

  /**
   * One time-bounded batch: pages through the job's entities from `cursor`, starts an execution
   * for each (a chunk at a time, atomically with its progress rows and only while the job may
   * start executions), and hands the cursor back. Each page: the flow as it is now, back-pressure
   * from the org's queue, the entities, pacing by the flow's own limit, the starts, the record.
   */
  async processBatch(input: JobRef & { cursor?: string | null; pages?: number | null }): Promise<BatchOutcome> {
    const { org_id: org, job_id: jobId } = input;
    const job = await this.deps.jobs.get(org, jobId);
    if (!job) throw new NonRetryableError('BULK_JOB_NOT_FOUND', `bulk job ${jobId} not found`);
    let { cursor, pages_processed, total_processed } = resumePoint(job, input);
    const stop = (next: BatchOutcome['next'], wait_seconds = 0): BatchOutcome => ({ next, cursor: cursor ?? null, pages: pages_processed, wait_seconds });
    if (job.status === 'entities_loaded') return stop('done');
    if (!STARTING_BULK_STATUSES.includes(job.status)) return stop('cancelled');
    const deadline = this.deps.clock.now() + (this.deps.batchBudgetMs ?? 60_000);
    const chunks = { next: 0 };
    let lastPage: string[] = [];
    do {
      const flow = await this.flowToRun(job);
      if (await this.backlogged(org, lastPage, deadline)) return stop('wait', BACKLOG_WAIT_SECONDS);
      const pacing = this.pacingOf(flow);
      const pageSize = Math.min(job.pagination_state.page_size, pacing?.count ?? Infinity);
      const page = await this.deps.entities.page(org, selectionOf(job.entity_query), { size: pageSize, ...(cursor ? { cursor } : {}) });
      // A job's entities are a set (listed refs are deduplicated when the job is created) and the
      // runner resumes from the last recorded page, so rows that exist for this page were written
      // by a crashed attempt at it: they are not counted yet.
      const entries = bulkEntries(job, flow, page, this.deps.clock.now());
      const done = await this.deps.jobs.existingProgress(org, jobId, entries.map((e) => e.progress.entity_id));
      const fresh = entries.filter((e) => !done.has(e.progress.entity_id));
      const resumed = entries.filter((e) => done.has(e.progress.entity_id));
      const waitSeconds = await this.pace(org, pacing, fresh.filter((e) => e.execution).length);
      if (waitSeconds !== undefined) return stop('wait', waitSeconds);
      const started = await this.startInChunks(job, fresh, chunks);
      if (!started) return stop('cancelled');
      lastPage = fresh.filter((e) => e.execution && started.has(e.progress.entity_id)).map((e) => e.execution!.state.execution_id);
      const startedExecutions = lastPage.length + resumed.filter((e) => e.execution).length;
      if (startedExecutions > 0) await this.deps.flows.incrementRuns(org, flow.id, startedExecutions);
      cursor = page.cursor;
      pages_processed += 1;
      total_processed += entries.length;
      const recorded = await this.deps.jobs.recordPage(org, jobId, {
        pagination_state: { ...job.pagination_state, pages_processed, total_processed, has_more: cursor !== undefined, ...(cursor ? { search_after: [cursor] } : {}) },
        started: startedExecutions,
        suppressed: addCounts(suppressionCounts(fresh, started), suppressionCounts(resumed)),
        status: cursor ? 'executing' : 'entities_loaded',
      });
      if (!recorded) return stop('cancelled');
    } while (cursor && this.deps.clock.now() < deadline);
    return stop(cursor ? 'more' : 'done');
  }

  /** The job's flow, read per page: a flow disabled or edited while the job runs takes effect at the next page. */
  private async flowToRun(job: BulkJob): Promise<StoredFlow> {
    const flow = await this.deps.flows.get(job.org_id, job.flow_id);
    if (!flow || flow.enabled === false) throw new NonRetryableError('BULK_FLOW_DISABLED', `flow ${job.flow_id} was disabled or deleted while the job ran`);
    return flow;
  }

  /** Takes `toStart` from the flow's own rate limit; the seconds to wait when the window is full. */
  private async pace(org: string, pacing: ReturnType<BulkJobTasks['pacingOf']>, toStart: number): Promise<number | undefined> {
    if (!pacing || toStart === 0) return undefined;
    const now = this.deps.clock.now();
    const window = windowOf(now, pacing.windowMs);
    if (await this.deps.guards.tryAdd(org, pacing.key, window.start, window.end + pacing.windowMs, toStart, pacing.count)) return undefined;
    return Math.max(1, Math.ceil((window.end - now) / 1000));
  }

  /** Starts the entries a chunk at a time; the entities started, or undefined once the job halted. */
  private async startInChunks(job: BulkJob, entries: ReturnType<typeof bulkEntries>, chunks: { next: number }): Promise<Set<string> | undefined> {
    const started = new Set<string>();
    const size = this.deps.chunkSize ?? 25;
    for (let i = 0; i < entries.length; i += size) {
      await this.deps.beforeChunk?.(job, chunks.next++);
      const result = await this.deps.jobs.startEntities(job.org_id, job.job_id, entries.slice(i, i + size));
      if (result.halted) return undefined;
      for (const id of result.started) started.add(id);
    }
    return started;
  }

  /**
   * Whether the org's admission queue is full. Executions the runner wrote join that queue only
   * once the dispatcher has seen them (their first transition), so first the runner waits,
   * within its budget, until it has seen every execution of the page it started last: the queue
   * then never holds more than `maxWaiting` and about two pages of the job's executions.
   */
  private async backlogged(org: string, lastPage: readonly string[], deadline: number): Promise<boolean> {
    const admission = this.deps.admission;
    if (!admission) return false;
    while (lastPage.length > 0) {
      const states = await this.deps.executions.getStates(org, lastPage);
      if (!states.some((s) => s.seq === 0)) break;
      if (this.deps.clock.now() >= deadline) return true;
      await sleep(UNSEEN_POLL_MS);
    }
    const maxWaiting = this.deps.maxWaiting ?? 100;
    return (await admission.waiting(org, ORG_QUEUE, maxWaiting)) >= maxWaiting;
  }

  /**
   * One time-bounded monitoring pass: walks the progress rows from `cursor` a page at a time and
   * counts a page once all its executions are final; at the first page still running it hands
   * the cursor back so the state machine waits and looks again.
   */
  async monitor(input: JobRef & { cursor?: string | null; tally?: Tally | null }): Promise<MonitorOutcome> {
    const { org_id: org, job_id: jobId } = input;
    let cursor = input.cursor ?? undefined;
    const tally: Tally = input.tally ?? { by_status: {}, failures: [], failures_truncated: false };
    const job = await this.deps.jobs.get(org, jobId);
    if (!job) throw new NonRetryableError('BULK_JOB_NOT_FOUND', `bulk job ${jobId} not found`);
    if (job.status === 'cancelled') return { next: 'cancelled', cursor: cursor ?? null, tally };
    if (job.status !== 'monitoring') await this.move(job, ['entities_loaded', 'executing'], 'monitoring');
    const deadline = this.deps.clock.now() + (this.deps.batchBudgetMs ?? 60_000);
    do {
      const rows = await this.deps.jobs.pageProgress(org, jobId, { size: 100, ...(cursor ? { cursor } : {}) });
      const ids = rows.items.filter((r) => r.execution_id).map((r) => r.execution_id!);
      const states = new Map((await this.deps.executions.getStates(org, ids)).map((s) => [s.execution_id, s]));
      const running = rows.items.some((r) => {
        const state = r.execution_id ? states.get(r.execution_id) : undefined;
        return state !== undefined && !isFinal(state.status);
      });
      if (running) return this.monitored(job, { next: 'wait', cursor: cursor ?? null, tally });
      for (const row of rows.items) {
        if (!row.execution_id) continue;
        const state = states.get(row.execution_id);
        const status: Status = state?.status ?? 'failed';
        tally.by_status[status] = (tally.by_status[status] ?? 0) + 1;
        if (status === 'failed' || status === 'hot') {
          if (tally.failures.length >= MAX_FAILURES_IN_REPORT) tally.failures_truncated = true;
          else tally.failures.push({ entity_id: row.entity_id, execution_id: row.execution_id, execution_status: status, error: await this.failureOf(org, row.execution_id, state) });
        }
      }
      cursor = rows.cursor;
    } while (cursor && this.deps.clock.now() < deadline);
    return this.monitored(job, { next: cursor ? 'wait' : 'done', cursor: cursor ?? null, tally });
  }

  /** The failed action's error, as the execution document shows it (read only for the failures a report lists). */
  private async failureOf(org: string, executionId: string, state: ExecutionState | undefined): Promise<string> {
    if (!state) return 'execution not found';
    const record = await this.deps.executions.load(org, executionId);
    const failed = record?.results.filter((r) => r.status === 'failed').sort((a, b) => b.ended_at - a.ended_at)[0];
    return failed?.error ? `${failed.error.code}: ${failed.error.reason}` : failureReason(state);
  }

  /** Keeps the job's counts of final executions current, for whoever watches it. */
  private async monitored(job: BulkJob, outcome: MonitorOutcome): Promise<MonitorOutcome> {
    const by_status = outcome.tally.by_status;
    const final = Object.values(by_status).reduce((sum, n) => sum + (n ?? 0), 0);
    if (final !== (job.execution_counts?.final ?? 0)) await this.move(job, ['monitoring'], 'monitoring', { execution_counts: { final, by_status } });
    return outcome;
  }

  /** Stores the report and finishes the job. */
  async sendReport(input: JobRef & { tally: Tally }): Promise<BulkReport | undefined> {
    const job = await this.deps.jobs.get(input.org_id, input.job_id);
    if (!job || job.status === 'cancelled' || job.status === 'finished') return job?.report;
    const moved = await this.move(job, ['monitoring'], 'send_report');
    if (!moved) return undefined;
    const at = new Date(this.deps.clock.now()).toISOString();
    const report: BulkReport = {
      entities: job.pagination_state.total_processed,
      executions_started: job.progress.started,
      executions_by_status: input.tally.by_status,
      suppressed: job.progress.suppressed,
      failures: input.tally.failures,
      failures_truncated: input.tally.failures_truncated,
      created_at: at,
    };
    await this.move(moved, ['send_report'], 'finished', { report, finished_at: at });
    this.logger.info('bulk job finished', { org_id: job.org_id, job_id: job.job_id, started: report.executions_started });
    return report;
  }

  /** The catch-all of the state machine: the job failed, with the step's error. */
  async recordFailure(input: JobRef & { error?: { Error?: string; Cause?: string } | null }): Promise<void> {
    const job = await this.deps.jobs.get(input.org_id, input.job_id);
    if (!job) return;
    const error = describeStepError(input.error);
    const at = new Date(this.deps.clock.now()).toISOString();
    await this.move(job, ['approval', 'querying_entities', 'entities_loaded', 'executing', 'monitoring', 'send_report'], 'failed', { error, finished_at: at });
    this.logger.warn('bulk job failed', { org_id: job.org_id, job_id: job.job_id, error });
  }

  private async move(job: BulkJob, from: readonly BulkJob['status'][], status: BulkJob['status'], extra: Partial<BulkJob> = {}): Promise<BulkJob | undefined> {
    try {
      const at = new Date(this.deps.clock.now()).toISOString();
      return (await this.deps.jobs.transition(job.org_id, job.job_id, { from, set: { status, updated_at: at, ...extra } })).after;
    } catch (err) {
      if (err instanceof ConflictError) return undefined;
      throw err;
    }
  }

  /** A flow's own `max_executions` paces the job (the default runaway limits do not apply to an approved bulk run). */
  private pacingOf(flow: StoredFlow): { key: string; count: number; windowMs: number } | undefined {
    const limit = flowRateLimit(flow);
    return limit ? { key: guardCounterKey(flow, limit), count: limit.count, windowMs: limit.windowMs } : undefined;
  }
}

/** Step Functions hands a caught error over as `{Error, Cause}`; Cause is often JSON from Lambda. */
/**
 * Where a batch starts: from the cursor it was given, unless a step that crashed after recording
 * a page is being retried with that older cursor; the job's own record is then ahead, and the
 * runner goes on from there.
 */
function resumePoint(job: BulkJob, input: { cursor?: string | null; pages?: number | null }): { cursor: string | undefined; pages_processed: number; total_processed: number } {
  const { pages_processed, total_processed } = job.pagination_state;
  const recordedAhead = pages_processed > (input.pages ?? 0);
  const cursor = recordedAhead ? job.pagination_state.search_after?.[0] : (input.cursor ?? undefined);
  return { cursor, pages_processed, total_processed };
}

function describeStepError(error: { Error?: string; Cause?: string } | null | undefined): string {
  if (!error) return 'the bulk job failed';
  let cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string };
    if (parsed.errorMessage) cause = parsed.errorMessage;
  } catch {
    // a plain message
  }
  return [error.Error, cause].filter(Boolean).join(': ') || 'the bulk job failed';
}
