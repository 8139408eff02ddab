import { BulkJobService, ORG_QUEUE } from '@autoflow/engine';
import { bulkJobEnded, contracts, repriceFlow } from './support/bulkJobs';
import { saveFlow } from './support/flows';
import { useEmbeddedStack } from './support/useEmbeddedStack';

const ENTITIES = 200;
const PAGE = 20;
const MAX_WAITING = 5;

describe('a bulk job feeds its org as executions can run', () => {
  // two executions of the org run at once, so a job's pages pile up in the org's admission queue
  const env = useEmbeddedStack({
    guards: { orgConcurrency: 2 },
    customHandlers: { noop: async () => ({ outputs: { ok: true } }) },
    bulk: { maxWaiting: MAX_WAITING, batchBudgetMs: 2_000 },
  });

  it("starts no new page while the org's admission queue is full, and still runs every entity once", async () => {
    const { stack } = env;
    const org = 'bulk-backpressure';
    const caller = { org_id: org, subject: 'test' };
    await stack.stores.entities.importMany(org, contracts(org, ENTITIES));
    const flow = await saveFlow(stack, org, repriceFlow('noop', { max_executions: { count: 10_000, window: 'PT1H' } }));
    const jobs = new BulkJobService({ ...stack.bulk, flows: stack.stores.flows, executions: stack.stores.executions, clock: stack.clock, pageSize: PAGE });
    const job = await jobs.create(caller, { flow_id: flow.id, entities_filter: [{ term: { _schema: 'contract' } }] });

    const queued: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        queued.push(await stack.stores.admission.waiting(org, ORG_QUEUE, ENTITIES));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await jobs.patch(caller, job.job_id, { action: 'APPROVE', task_token: job.task_token! });
    const done = await bulkJobEnded(jobs, caller, job.job_id);
    sampling = false;
    await sampler;

    expect(done.status).toBe('finished');
    expect(done.report?.executions_by_status).toEqual({ success: ENTITIES });
    // the queue filled (the org could not keep up), yet never held more than the limit and the
    // pages the runner started before it saw the queue full: one in a batch, one at a batch's start
    const peak = Math.max(...queued);
    expect(peak).toBeGreaterThanOrEqual(MAX_WAITING);
    expect(peak).toBeLessThanOrEqual(MAX_WAITING + 2 * PAGE);
  });
});
