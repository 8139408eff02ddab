import { z } from 'zod';

/** Statuses shared by executions and their actions (epilot `ExecutionStatus`). */
export const ExecutionStatus = {
  pending: 'pending',
  starting: 'starting',
  in_progress: 'in_progress',
  paused: 'paused',
  scheduled: 'scheduled',
  success: 'success',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped',
  hot: 'hot',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

export const ExecutionStatusSchema = z.enum(ExecutionStatus);

/** Once reached, a status never changes again (short of a retrigger through the API). */
export const FINAL_STATUSES: ReadonlySet<ExecutionStatus> = new Set<ExecutionStatus>([
  ExecutionStatus.success,
  ExecutionStatus.failed,
  ExecutionStatus.cancelled,
  ExecutionStatus.skipped,
  ExecutionStatus.hot,
]);

export const isFinalStatus = (status: ExecutionStatus): boolean => FINAL_STATUSES.has(status);
