/** The ports bulk jobs use besides the engine's: the entities they page through, their store and state machine. */
import type { Entity, NewExecution } from '../ports/model';
import type { BulkEntityProgress, BulkJob, BulkJobStatus, EntityRef } from './BulkJob';

/** Which entities a bulk job runs over: listed refs, or a filter over the entity store. */
export type EntitySelection = { refs: EntityRef[] } | { filter: unknown[] };

export interface EntityPage {
  entities: Entity[];
  /** listed refs that do not exist */
  missing: EntityRef[];
  /** where the next page starts; absent on the last page */
  cursor?: string;
}

/** Pages through the entities a selection names, lazily, with an opaque cursor. */
export interface EntitySource {
  page(orgId: string, selection: EntitySelection, page: { size: number; cursor?: string }): Promise<EntityPage>;
}

/** One entity a bulk runner hands over: its progress row, and the execution to start with it. */
export interface BulkStartEntry {
  progress: BulkEntityProgress;
  execution?: NewExecution;
}

export interface BulkJobChange {
  /** the job must be in one of these */
  from: readonly BulkJobStatus[];
  /** and, when given, carry this approval token */
  token?: string;
  set: Partial<Omit<BulkJob, 'job_id' | 'org_id'>>;
}

/** Counts a page of a bulk job adds to its running totals. */
export interface BulkPageRecord {
  pagination_state: BulkJob['pagination_state'];
  started: number;
  suppressed: Record<string, number>;
  status: BulkJobStatus;
}

/** Bulk jobs and their per-entity progress. Every change is conditional on the job's status. */
export interface BulkJobStore {
  create(job: BulkJob): Promise<void>;
  get(orgId: string, jobId: string): Promise<BulkJob | undefined>;
  /** Applies the change; throws ConflictError carrying the current job when its condition fails. */
  transition(orgId: string, jobId: string, change: BulkJobChange): Promise<{ before: BulkJob; after: BulkJob; callbackToken?: string }>;
  /** Records the state machine's callback token of the approval step (once) and returns the job as it is. */
  setCallbackToken(orgId: string, jobId: string, callbackToken: string): Promise<BulkJob>;
  /** Adds a processed page to the job's totals while it may start executions; false when it no longer may. */
  recordPage(orgId: string, jobId: string, page: BulkPageRecord): Promise<boolean>;
  /** Which of these entities already have a progress row. */
  existingProgress(orgId: string, jobId: string, entityIds: readonly string[]): Promise<Set<string>>;
  /**
   * Writes the progress rows and starts the executions in one atomic step that holds only while
   * the job may start executions. Rows that exist already are left out (their entities were
   * handed over before). `halted`: the job was cancelled or stopped, nothing was written.
   */
  startEntities(orgId: string, jobId: string, entries: readonly BulkStartEntry[]): Promise<{ started: string[]; existing: string[]; halted: boolean }>;
  /** The job's progress rows in entity order, a page at a time. */
  pageProgress(orgId: string, jobId: string, page: { size: number; cursor?: string }): Promise<{ items: BulkEntityProgress[]; cursor?: string }>;
}

/** The state machine that runs bulk jobs (Step Functions on AWS, the local interpreter on the embedded stack). */
export interface BulkJobMachine {
  /** Starts the job's run; starting a job that runs already changes nothing. */
  start(job: { org_id: string; job_id: string }): Promise<void>;
  /** Completes the approval step: the run goes on. */
  approve(callbackToken: string): Promise<void>;
  /** Fails the approval step with `BulkJobCancelled`: the run ends without starting anything. */
  cancel(callbackToken: string, reason: string): Promise<void>;
}
