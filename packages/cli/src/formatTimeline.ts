import { type Status, isFinal } from '@autoflow/core';
import { table } from './output';

/** The parts of an `AutomationExecution` document (docs/api.md) a timeline shows. */
export interface ExecutionDocument {
  id: string;
  flow_id: string;
  flow_name?: string;
  version?: number;
  execution_status: string;
  entity_id?: string;
  created_at?: string;
  updated_at?: string;
  reason?: unknown;
  actions?: ActionDocument[];
}

export interface ActionDocument {
  id?: string;
  name?: string;
  type?: string;
  execution_status?: string;
  started_at?: string;
  updated_at?: string;
  attempts?: number;
  next_retry_at?: string;
  error_output?: { error_code?: string; error_reason?: string };
  reason?: { message?: string };
}

/** Whether an execution status is final: nothing more happens to it unless someone retries it. */
export const isFinished = (status: string | undefined): boolean => status !== undefined && isFinal(status as Status);

/** 45 ms, 1.23 s, 2 min 03 s. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

const between = (from: string | undefined, to: string | undefined): number | undefined =>
  from === undefined || to === undefined ? undefined : Date.parse(to) - Date.parse(from);

function actionDuration(a: ActionDocument, now: Date): string {
  if (a.started_at === undefined) return '-';
  if (a.execution_status === 'in_progress') return `${formatDuration(now.getTime() - Date.parse(a.started_at))} so far`;
  if (a.execution_status === 'scheduled' && a.next_retry_at !== undefined) return `retry at ${a.next_retry_at.slice(11, 19)}`;
  const ms = between(a.started_at, a.updated_at);
  return ms === undefined ? '-' : formatDuration(ms);
}

/**
 * An execution as a timeline: a header (flow, entity, status, how long it took) and one row per
 * action in order (status, attempts, duration), with the error of a failed action or the reason
 * of a skipped one on the line below it.
 */
export function formatTimeline(doc: ExecutionDocument, now: Date = new Date()): string[] {
  const took = between(doc.created_at, doc.updated_at);
  const running = !isFinished(doc.execution_status);
  const lines = [
    `execution ${doc.id}  ${doc.execution_status}`,
    `  flow     ${doc.flow_name ?? '(unnamed)'} (${doc.flow_id}${doc.version !== undefined ? `, version ${doc.version}` : ''})`,
    ...(doc.entity_id !== undefined ? [`  entity   ${doc.entity_id}`] : []),
    ...(doc.created_at !== undefined
      ? [
          `  started  ${doc.created_at}${
            running ? ` · running for ${formatDuration(now.getTime() - Date.parse(doc.created_at))}` : took !== undefined ? ` · took ${formatDuration(took)}` : ''
          }`,
        ]
      : []),
    ...(doc.reason !== undefined ? [`  reason   ${typeof doc.reason === 'string' ? doc.reason : JSON.stringify(doc.reason)}`] : []),
    '',
  ];
  const actions = doc.actions ?? [];
  if (actions.length === 0) return [...lines, '  (no actions)'];
  const rows = actions.map((a, i) => [String(i + 1), a.id ?? '?', a.type ?? '?', a.execution_status ?? '?', String(a.attempts ?? 0), actionDuration(a, now)]);
  const [header, ...body] = table(['#', 'ACTION', 'TYPE', 'STATUS', 'ATTEMPTS', 'DURATION'], rows);
  lines.push(`  ${header}`);
  body.forEach((row, i) => {
    lines.push(`  ${row}`);
    const a = actions[i]!;
    if (a.error_output) lines.push(`       ✗ ${[a.error_output.error_code, a.error_output.error_reason].filter(Boolean).join(': ')}`);
    else if (a.reason?.message && (a.execution_status === 'skipped' || a.execution_status === 'cancelled')) lines.push(`       – ${a.reason.message}`);
  });
  return lines;
}
