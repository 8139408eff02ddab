import { type BulkJobDocument, type BulkPreview, type BulkReport, FINAL_BULK_STATUSES } from '@autoflow/engine';
import { EXIT } from './errors';
import { formatDuration } from './formatTimeline';

/** A bulk job as `GET …/bulk-jobs/{job_id}` returns it (docs/api.md). */
export type BulkJobView = BulkJobDocument;

/** Whether nothing more happens to the job: finished, failed or cancelled. */
export const isBulkJobFinal = (job: Pick<BulkJobView, 'status'>): boolean => FINAL_BULK_STATUSES.includes(job.status);

/** `status` and `--watch` end with 0 when the job finished, 1 when it failed or was cancelled, 0 while it runs. */
export const bulkExitCode = (job: Pick<BulkJobView, 'status'>): number => (job.status === 'failed' || job.status === 'cancelled' ? EXIT.failed : EXIT.ok);

/** `{success: 47, failed: 1}` → `success 47 · failed 1`; nothing → `none`. */
export function formatCounts(counts: Readonly<Record<string, number | undefined>> | undefined): string {
  const entries = Object.entries(counts ?? {}).filter(([, n]) => (n ?? 0) > 0);
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${k} ${n}`).join(' · ');
}

/**
 * How many entities the job goes through: those the preview matched plus the listed refs it will
 * visit and find missing, as `total_processed` counts them (an entity listed twice is dropped
 * when the job is created, so it is not visited).
 */
export function entitiesTotal(job: Pick<BulkJobView, 'preview' | 'pagination_state'>): number {
  const p = job.preview;
  return Math.max(p.entities_matched + (p.suppressed.not_found ?? 0), job.pagination_state.total_processed);
}

/** `25/50`, or `25/50+` while an incomplete preview's count is only a lower bound. */
function processedOfTotal(job: BulkJobView): string {
  const total = entitiesTotal(job);
  const open = !job.preview.complete && job.pagination_state.has_more;
  return `${job.pagination_state.total_processed}/${total}${open ? '+' : ''}`;
}

/** `12.5` entities per second (one decimal below 100). */
export const formatRate = (perSecond: number): string => (perSecond >= 100 ? String(Math.round(perSecond)) : perSecond.toFixed(1));

/** The dry run made at creation, as `bulk start` prints it. */
export function formatPreview(preview: BulkPreview): string[] {
  return [
    'preview',
    `  entities matched     ${preview.entities_matched}`,
    `  executions to start  ${preview.executions_to_start}`,
    `  suppressed           ${formatCounts(preview.suppressed)}`,
    `  estimated actions    ${preview.estimated_actions} (at most: conditions may skip some)`,
    `  complete             ${preview.complete ? 'yes' : 'no: the preview stopped at its time budget, so the counts are lower bounds'}`,
  ];
}

/** Entities per second since the job was approved, until it finished (or `now`). */
export function rateSinceApproval(job: BulkJobView, now: number): number | undefined {
  if (!job.approved_at) return undefined;
  const end = job.finished_at && isBulkJobFinal(job) ? Date.parse(job.finished_at) : now;
  const seconds = (end - Date.parse(job.approved_at)) / 1000;
  return seconds > 0 ? job.pagination_state.total_processed / seconds : undefined;
}

/** Executions by final status: the report's once finished, else the monitoring step's running counts. */
const executionsByStatus = (job: BulkJobView): Record<string, number | undefined> | undefined => job.report?.executions_by_status ?? job.execution_counts?.by_status;

/** `bulk status`: the job's state, counts and rate, then its report once it has one. */
export function formatBulkStatus(job: BulkJobView, now: number): string[] {
  const lines = [`bulk job ${job.job_id}  ${job.status}`, `  flow        ${job.flow_id}`, `  created     ${job.created_at} by ${job.created_by}`];
  if (job.approved_at) lines.push(`  approved    ${job.approved_at}`);
  if (job.finished_at) lines.push(`  ended       ${job.finished_at}${job.approved_at ? ` · took ${formatDuration(Date.parse(job.finished_at) - Date.parse(job.approved_at))}` : ''}`);
  const p = job.preview;
  lines.push(`  preview     ${p.entities_matched} matched · ${p.executions_to_start} to start · ${p.estimated_actions} actions at most${p.complete ? '' : ' (lower bounds)'}`);
  if (job.status === 'approval') {
    lines.push(`  waiting for approval: autoflow bulk approve ${job.job_id}${job.task_token ? ` --task-token ${job.task_token}` : ''}`);
  } else {
    lines.push(`  entities    ${processedOfTotal(job)} processed`);
    const final = executionsByStatus(job);
    lines.push(`  executions  ${job.progress.started} started${final ? ` · final: ${formatCounts(final)}` : ''}`);
    if (Object.keys(job.progress.suppressed).length > 0) lines.push(`  suppressed  ${formatCounts(job.progress.suppressed)}`);
    const rate = rateSinceApproval(job, now);
    if (rate !== undefined) lines.push(`  rate        ${formatRate(rate)} entities/s since approval`);
  }
  if (job.error) lines.push(`  error       ${job.error}`);
  if (job.report) lines.push('', ...formatReport(job.report));
  return lines;
}

/** The report of a finished job: counts by final status, suppressions, failures with reasons. */
export function formatReport(report: BulkReport): string[] {
  const lines = [
    `report (${report.created_at})`,
    `  entities            ${report.entities}`,
    `  executions started  ${report.executions_started}`,
    `  by final status     ${formatCounts(report.executions_by_status)}`,
    `  suppressed          ${formatCounts(report.suppressed)}`,
    `  failures            ${report.failures.length}${report.failures_truncated ? '+ (truncated: the report keeps the first 100)' : ''}`,
  ];
  for (const f of report.failures) lines.push(`    ✗ entity ${f.entity_id} · execution ${f.execution_id} ${f.execution_status}: ${f.error}`);
  return lines;
}

/** `[██████░░░░░░]`: `fraction` (0..1) of `width` cells filled. */
export const progressBar = (fraction: number, width = 24): string => {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
};

/** What a watched job's progress counts: entities while it starts executions, final executions while it monitors them. */
export function progressCount(job: BulkJobView): { done: number; total: number; unit: 'entities' | 'executions' } {
  if (job.status === 'monitoring' || job.status === 'send_report' || (job.status === 'finished' && job.report)) {
    const done = job.report ? Object.values(job.report.executions_by_status).reduce<number>((sum, n) => sum + (n ?? 0), 0) : (job.execution_counts?.final ?? 0);
    return { done, total: job.progress.started, unit: 'executions' };
  }
  return { done: job.pagination_state.total_processed, total: entitiesTotal(job), unit: 'entities' };
}

/**
 * One line of `--watch`, short enough for an 80-column terminal: the status, a bar when `bar`
 * is set, what is done out of what, and while entities are being processed their rate between
 * polls (`perSecond`). `key` leaves the rate out, to tell whether anything moved.
 */
export function progressLine(job: BulkJobView, perSecond: number | undefined, bar: boolean): { line: string; key: string } {
  const status = job.status.padEnd(12);
  if (job.status === 'approval') {
    const line = `${status} waiting for approval (autoflow bulk approve ${job.job_id})`;
    return { line, key: line };
  }
  const { done, total, unit } = progressCount(job);
  const fraction = total > 0 ? done / total : isBulkJobFinal(job) ? 1 : 0;
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`;
  const byStatus = executionsByStatus(job);
  const counts =
    unit === 'entities'
      ? `${processedOfTotal(job)} entities · ${job.progress.started} started`
      : `${done}/${total} executions final${byStatus ? ` (${formatCounts(byStatus)})` : ''}`;
  const key = `${status} ${bar ? `${progressBar(fraction, 20)} ` : ''}${percent}  ${counts}`;
  const rate = unit === 'entities' && perSecond !== undefined && !isBulkJobFinal(job) ? ` · ${formatRate(perSecond)}/s` : '';
  return { line: `${key}${rate}`, key };
}
