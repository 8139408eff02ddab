import { type ApiClient, segment } from './ApiClient';
import type { CliIo } from './CliIo';
import { FailedError } from './errors';
import { type BulkJobView, isBulkJobFinal, progressCount, progressLine } from './formatBulkJob';

export interface WatchOptions {
  /** pause between polls */
  intervalMs: number;
  /** give up (exit 1) after this many seconds; unset: wait until the job is final */
  timeoutSeconds?: number;
  /** print no progress (for `--json`, whose stdout is one document) */
  quiet?: boolean;
}

/** The rate is measured over the polls of the last few seconds, so it follows changes in pace. */
const RATE_WINDOW_MS = 5_000;
/** Without a terminal, a line is printed at least this often, so a log shows the watch is alive. */
const HEARTBEAT_MS = 15_000;

export const bulkJobPath = (jobId: string): string => `/v1/automation/executions/bulk-jobs/${segment(jobId)}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls a bulk job until it is final and resolves with its last state. On a terminal, one
 * progress line is redrawn in place; elsewhere (pipes, CI, tests) a plain line is printed each
 * time the progress moved, and every 15 s while it does not, so logs stay short but alive.
 */
export async function watchBulkJob(api: ApiClient, jobId: string, io: CliIo, opts: WatchOptions): Promise<BulkJobView> {
  const deadline = opts.timeoutSeconds !== undefined ? Date.now() + opts.timeoutSeconds * 1000 : Number.POSITIVE_INFINITY;
  const tty = opts.quiet ? undefined : io.tty;
  const samples: Array<{ at: number; done: number; unit: string }> = [];
  let lastKey: string | undefined;
  let lastPrinted = 0;
  let drawn = false;
  try {
    for (;;) {
      // the per-entity summary is not shown while watching: one row keeps each poll cheap
      const job = await api.get<BulkJobView>(`${bulkJobPath(jobId)}?size=1`);
      const at = Date.now();
      const { done, unit } = progressCount(job);
      if (samples.length > 0 && samples[samples.length - 1]!.unit !== unit) samples.length = 0;
      samples.push({ at, done, unit });
      while (samples.length > 2 && at - samples[0]!.at > RATE_WINDOW_MS) samples.shift();
      const first = samples[0]!;
      const perSecond = samples.length > 1 && at > first.at ? (done - first.done) / ((at - first.at) / 1000) : undefined;
      if (!opts.quiet) {
        const { line, key } = progressLine(job, perSecond, tty !== undefined);
        if (tty) {
          tty.write(`\r${line.slice(0, Math.max(10, tty.columns() - 1))}\x1b[K`);
          drawn = true;
        } else if (key !== lastKey || at - lastPrinted >= HEARTBEAT_MS) {
          io.out(line);
          lastPrinted = at;
        }
        lastKey = key;
      }
      if (isBulkJobFinal(job)) return job;
      if (Date.now() >= deadline) throw new FailedError(`timed out after ${opts.timeoutSeconds} s: bulk job ${jobId} is still ${job.status}`);
      await sleep(opts.intervalMs);
    }
  } finally {
    if (drawn) tty!.write('\n');
  }
}
