import type { BulkJobDocument, BulkJobService } from '@autoflow/engine';
import { waitFor } from './waitFor';

/** `n` contracts of the org (`<org>-c-0000` …), with `price` = index and any extra fields. */
export const contracts = (org: string, n: number, extra: (i: number) => Record<string, unknown> = () => ({})) =>
  Array.from({ length: n }, (_, i) => ({ _id: `${org}-c-${String(i).padStart(4, '0')}`, _schema: 'contract', price: i, ...extra(i) }));

/** A flow run by hand over contracts, with one action of the given type. */
export const repriceFlow = (actionType = 'noop', extra: Record<string, unknown> = {}) => ({
  flow_name: 'reprice contracts',
  triggers: [{ id: 'manual', type: 'entity_manual', configuration: { schema: 'contract' } }],
  actions: [{ id: 'a1', type: actionType, name: 'reprice', config: {} }],
  ...extra,
});

const FINAL_JOB = ['finished', 'failed', 'cancelled'];

/** Waits until the job is finished, failed or cancelled; returns it. */
export const bulkJobEnded = (jobs: BulkJobService, caller: { org_id: string }, jobId: string, timeoutMs = 150_000): Promise<BulkJobDocument> =>
  waitFor(
    `bulk job ${jobId} to end`,
    async () => {
      const job = await jobs.get(caller, jobId, { size: 1 });
      return FINAL_JOB.includes(job.status) ? job : undefined;
    },
    timeoutMs,
    200,
  );
