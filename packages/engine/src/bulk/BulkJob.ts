import type { Status } from '@autoflow/core';

/** epilot's bulk job statuses, in the order a job normally goes through them. */
export const BulkJobStatus = {
  approval: 'approval',
  querying_entities: 'querying_entities',
  entities_loaded: 'entities_loaded',
  executing: 'executing',
  monitoring: 'monitoring',
  send_report: 'send_report',
  finished: 'finished',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;
export type BulkJobStatus = (typeof BulkJobStatus)[keyof typeof BulkJobStatus];

export const FINAL_BULK_STATUSES: readonly BulkJobStatus[] = ['finished', 'failed', 'cancelled'];
/** While a job is in one of these, its runner may start executions. */
export const STARTING_BULK_STATUSES: readonly BulkJobStatus[] = ['querying_entities', 'executing'];
/** A job can be cancelled until it is final. */
export const CANCELLABLE_BULK_STATUSES: readonly BulkJobStatus[] = ['approval', 'querying_entities', 'entities_loaded', 'executing', 'monitoring', 'send_report'];

export interface EntityRef {
  entity_id: string;
  entity_schema: string;
}

/** What the job runs over, as the request gave it (`query` is kept as text, and its parsed filter beside it). */
export type BulkEntityQuery =
  | { type: 'refs'; data: EntityRef[] }
  | { type: 'query'; data: string; filter: unknown[] }
  | { type: 'filter'; data: unknown[] };

export interface BulkPaginationState {
  page_size: number;
  pages_processed: number;
  total_processed: number;
  has_more: boolean;
  /** the cursor after the last entity handed to the runner (opaque) */
  search_after?: string[];
}

/** The dry run computed when the job is created (autoflow extension `preview`). */
export interface BulkPreview {
  /** entities the query selects */
  entities_matched: number;
  /** executions the job would start: matched entities minus the suppressed ones */
  executions_to_start: number;
  /** entities that would not start, by reason (not found, listed twice, not accepted by the flow's trigger) */
  suppressed: Record<string, number>;
  /** executions_to_start × the flow's actions (an upper bound: conditions may skip some) */
  estimated_actions: number;
  /** false when the preview stopped at its time budget; the counts are then lower bounds */
  complete: boolean;
}

export interface BulkReport {
  /** entities handed to the runner */
  entities: number;
  executions_started: number;
  /** executions by final status */
  executions_by_status: Partial<Record<Status, number>>;
  /** entities that got no execution, by reason */
  suppressed: Record<string, number>;
  /** failed executions with their reasons (the first 100) */
  failures: Array<{ entity_id: string; execution_id: string; execution_status: Status; error: string }>;
  failures_truncated: boolean;
  created_at: string;
}

export interface BulkJob {
  job_id: string;
  org_id: string;
  flow_id: string;
  status: BulkJobStatus;
  created_by: string;
  created_at: string;
  updated_at: string;
  approved_at?: string;
  finished_at?: string;
  trigger_context?: Record<string, string>;
  /** the approval token the creator must present to APPROVE or CANCEL */
  task_token: string;
  entity_query: BulkEntityQuery;
  pagination_state: BulkPaginationState;
  preview: BulkPreview;
  /** running totals while the job starts executions */
  progress: { started: number; suppressed: Record<string, number> };
  /** executions seen final so far by the monitoring step, by status (kept up to date while it runs) */
  execution_counts?: { final: number; by_status: Partial<Record<Status, number>> };
  report?: BulkReport;
  error?: string;
}

/** One entity of a job: what it got (the row behind epilot's `execution_summary`). */
export interface BulkEntityProgress {
  entity_id: string;
  entity_schema?: string;
  execution_id?: string;
  /** `starting` when the execution was started, `skipped` when it was suppressed */
  execution_status: Status;
  timestamp: string;
  error?: string;
}
