import { executionKeys } from '@autoflow/aws';
import { isFinal } from '@autoflow/core';
import { executionIdFor } from '@autoflow/engine';
import { saveFlow } from './support/flows';
import { useEmbeddedStack } from './support/useEmbeddedStack';
import { waitFor } from './support/waitFor';

interface Interval {
  org: string;
  entity: string;
  start: bigint;
  end: bigint;
}

/**
 * Entity locks and org concurrency limits, end to end: executions on one entity never overlap,
 * an org never runs more than its cap, and one org's backlog does not hold up another org.
 */
describe('admission control', () => {
  const intervals: Interval[] = [];
  const running = new Map<string, number>();
  const maxRunning = new Map<string, number>();
  const env = useEmbeddedStack({
    sweepIntervalMs: 1_000,
    pollIntervalMs: 10,
    guards: {
      orgConcurrency: 10,
      general: { count: 1_000_000, windowMs: 30_000 },
      entityUpdate: { count: 1_000_000, windowMs: 60_000 },
    },
    customHandlers: {
      // Records when it runs, per org and entity; takes a little time so overlaps would show.
      work: async (ctx) => {
        const org = ctx.org_id;
        const now = (running.get(org) ?? 0) + 1;
        running.set(org, now);
        maxRunning.set(org, Math.max(maxRunning.get(org) ?? 0, now));
        const start = process.hrtime.bigint();
        await new Promise((r) => setTimeout(r, 3));
        intervals.push({ org, entity: String(ctx.entity?._id), start, end: process.hrtime.bigint() });
        running.set(org, (running.get(org) ?? 1) - 1);
        return { outputs: { ok: true } };
      },
    },
  });

  const workFlow = (name: string) => ({
    flow_name: name,
    triggers: [{ type: 'activity', configuration: { types: ['tick'] } }],
    actions: [
      { id: 'first', type: 'work', config: {} },
      { id: 'second', type: 'work', config: {} },
    ],
  });

  /** Waits (in memory, without loading the store) until the org's actions have all run, then reads the final states. */
  async function finalStatuses(org: string, ids: string[], actionsPerExecution = 2): Promise<string[]> {
    await waitFor(`${ids.length} executions of ${org} to run`, () => (intervals.filter((i) => i.org === org).length >= ids.length * actionsPerExecution ? true : undefined), 900_000, 250);
    return waitFor(`${ids.length} executions of ${org} to be final`, async () => {
      const states = await env.stack.stores.executions.batchGetStates(ids.map((id) => executionKeys.state(org, id)));
      return states.length === ids.length && states.every((s) => isFinal(s.status)) ? states.map((s) => s.status) : undefined;
    }, 60_000, 1_000);
  }

  it('runs 200 events × 3 flows on one entity one execution at a time, and finishes them all', async () => {
    const org = 'one-entity';
    const flows = [await saveFlow(env.stack, org, workFlow('a')), await saveFlow(env.stack, org, workFlow('b')), await saveFlow(env.stack, org, workFlow('c'))];
    const events = Array.from({ length: 200 }, (_, i) => ({ event_id: `tick-${i}`, org_id: org, type: 'activity', activity: { type: 'tick' }, entity: { _id: 'the-entity', _schema: 'meter' } }));
    await env.stack.publishEvents(events);
    const ids = events.flatMap((e) => flows.map((f) => executionIdFor(org, e.event_id, f.id)));
    const statuses = await finalStatuses(org, ids);
    expect(statuses.filter((s) => s !== 'success')).toEqual([]);

    const mine = intervals.filter((i) => i.org === org).sort((a, b) => (a.start < b.start ? -1 : 1));
    expect(mine).toHaveLength(600 * 2);
    const overlaps = mine.filter((interval, i) => i > 0 && interval.start < mine[i - 1]!.end);
    expect(overlaps).toEqual([]);
  }, 1_000_000);

  it('never runs more than the org cap, finishes a burst of 2,000, and lets another org through meanwhile', async () => {
    const burst = 'burst-org';
    const other = 'quiet-org';
    const flowA = await saveFlow(env.stack, burst, workFlow('burst'));
    const flowB = await saveFlow(env.stack, other, workFlow('quiet'));
    const eventsA = Array.from({ length: 2_000 }, (_, i) => ({ event_id: `a-${i}`, org_id: burst, type: 'activity', activity: { type: 'tick' }, entity: { _id: `e-${i}`, _schema: 'meter' } }));
    const eventsB = Array.from({ length: 5 }, (_, i) => ({ event_id: `b-${i}`, org_id: other, type: 'activity', activity: { type: 'tick' }, entity: { _id: `q-${i}`, _schema: 'meter' } }));
    const idsA = eventsA.map((e) => executionIdFor(burst, e.event_id, flowA.id));
    const idsB = eventsB.map((e) => executionIdFor(other, e.event_id, flowB.id));

    await env.stack.publishEvents(eventsA);
    await waitFor('the burst to back up', () => (intervals.filter((i) => i.org === burst).length >= 100 ? true : undefined), 600_000, 250);
    await env.stack.publishEvents(eventsB);

    // The quiet org finishes while the burst still has a backlog.
    expect(await finalStatuses(other, idsB)).toEqual(Array(5).fill('success'));
    expect(intervals.filter((i) => i.org === burst).length).toBeLessThan(2_000 * 2 - 200);
    // Of the burst's last 500 executions, not all are done (some not even created yet).
    const lastA = await env.stack.stores.executions.batchGetStates(idsA.slice(1_500).map((id) => executionKeys.state(burst, id)));
    expect(lastA.filter((s) => isFinal(s.status)).length).toBeLessThan(500);

    const statuses = await finalStatuses(burst, idsA);
    expect(statuses.filter((s) => s !== 'success')).toEqual([]);
    expect(maxRunning.get(burst)).toBeLessThanOrEqual(10);
    expect(maxRunning.get(burst)).toBeGreaterThan(1);
  }, 1_500_000);
});
