import { isFinal } from '@autoflow/core';
import { executionIdFor } from '@autoflow/engine';
import { ManualClock } from '@autoflow/local';
import { saveFlow } from './support/flows';
import { finishedExecutionsOf, useEmbeddedStack } from './support/useEmbeddedStack';
import { waitFor } from './support/waitFor';

/**
 * Runaway protection (DESIGN §4) with the mistakes made for real. A clock the test controls
 * keeps every rate window still, so thresholds are exact.
 */
describe('runaway protection', () => {
  const clock = new ManualClock();
  const env = useEmbeddedStack({
    clock,
    sweepIntervalMs: 0,
    guards: { general: { count: 6, windowMs: 30_000 }, entityUpdate: { count: 3, windowMs: 60_000 }, systemActivity: { count: 2, windowMs: 300_000 } },
  });

  const statuses = async (org: string, ids: string[]) =>
    waitFor('all executions final', async () => {
      const states = await Promise.all(ids.map((id) => env.stack.stores.executions.getState(org, id)));
      return states.every((s) => s && isFinal(s.status)) ? states.map((s) => s!.status) : undefined;
    }, 120_000, 200);

  /** Publishes events one after another (one FIFO group) and returns their execution ids. */
  async function publish(org: string, flowId: string, events: Array<Record<string, unknown>>): Promise<string[]> {
    const withIds = events.map((e, i) => ({ event_id: `${org}-${Date.now()}-${i}`, org_id: org, ...e }));
    await env.stack.publishEvents(withIds);
    return withIds.map((e) => executionIdFor(org, e.event_id, flowId));
  }

  const webhookFlow = (extra: Record<string, unknown> = {}) => ({
    flow_name: 'rate limited',
    triggers: [{ type: 'entity_manual', configuration: {} }, { type: 'entity_operation', configuration: { schema: 'item', operations: ['updateEntity'] } }],
    actions: [{ id: 'hook', type: 'trigger-webhook', config: { url: `${env.hooks.url}/rate` } }],
    ...extra,
  });

  it('applies a flow’s own max_executions alone: the limit runs, the next goes hot and disables the flow', async () => {
    const org = 'guard-custom';
    const flow = await saveFlow(env.stack, org, webhookFlow({ max_executions: { count: 8, window: 'PT1M' } }));
    // 8 manual starts exceed the general limit of 6 but not the flow's own limit of 8.
    const ids = await publish(org, flow.id, Array.from({ length: 9 }, (_, i) => ({ type: 'manual', flow_id: flow.id, entity: { _id: `i-${i}`, _schema: 'item' } })));
    expect(await statuses(org, ids)).toEqual([...Array(8).fill('success'), 'hot']);
    const stored = await env.stack.stores.flows.get(org, flow.id);
    expect(stored).toMatchObject({ enabled: false, disable_details: { disabled_by: 'system' }, runs: 8 });
    const hot = (await env.stack.getExecution(org, ids[8]!)) as Record<string, any>;
    expect(hot.reason).toContain('max_executions');
  });

  it('applies the general trigger limit at its threshold and not below it', async () => {
    const org = 'guard-general';
    const flow = await saveFlow(env.stack, org, webhookFlow());
    const ids = await publish(org, flow.id, Array.from({ length: 7 }, (_, i) => ({ type: 'manual', flow_id: flow.id, entity: { _id: `i-${i}`, _schema: 'item' } })));
    expect(await statuses(org, ids)).toEqual([...Array(6).fill('success'), 'hot']);
    expect((await env.stack.getExecution(org, ids[6]!))?.reason).toContain('general trigger limit');
  });

  it('applies the per-entity update limit to updates of one entity only', async () => {
    const org = 'guard-entity';
    const flow = await saveFlow(env.stack, org, webhookFlow());
    const update = (id: string) => ({ type: 'entity_operation', operation: 'updateEntity', entity: { _id: id, _schema: 'item' }, diff: { updated: { n: 1 } } });
    const ids = await publish(org, flow.id, [update('a'), update('b'), update('a'), update('a'), update('a')]);
    // 'a' is updated 4 times: the 4th is over the limit of 3; 'b' in between is fine.
    expect(await statuses(org, ids)).toEqual(['success', 'success', 'success', 'success', 'hot']);
    expect((await env.stack.getExecution(org, ids[4]!))?.reason).toContain('per-entity update limit');
  });

  it('applies the system activity limit to entity updates caused by automations', async () => {
    const org = 'guard-system';
    const flow = await saveFlow(env.stack, org, webhookFlow());
    const lineage = { execution_id: 'parent-exec', flow_id: 'another-flow', chain: ['another-flow'], depth: 0 };
    const update = { type: 'entity_operation', operation: 'updateEntity', entity: { _id: 'a', _schema: 'item' }, diff: { updated: { n: 1 } }, lineage };
    const ids = await publish(org, flow.id, [update, update, update]);
    expect(await statuses(org, ids)).toEqual(['success', 'success', 'hot']);
    expect((await env.stack.getExecution(org, ids[2]!))?.reason).toContain('system activity limit');
  });

  it('stops a feedback loop (update trigger + map-entity on the same entity) at its limit + 1, and re-enabling works', async () => {
    const org = 'guard-loop';
    const loop = {
      flow_name: 'feedback loop',
      max_executions: { count: 5, window: 'PT1H' },
      triggers: [{ type: 'entity_operation', configuration: { schema: 'ticket', operations: ['updateEntity'] } }],
      actions: [{ id: 'touch', type: 'map-entity', config: { target_schema: 'ticket', mapping_attributes: [{ target: 'touches', operation: { _append: ['x'] } }] } }],
    };
    const flow = await saveFlow(env.stack, org, loop);
    const ticket = await env.stack.stores.entities.create(org, { _schema: 'ticket', touches: [] });
    await env.stack.stores.entities.update(org, ticket._id, { status: 'open' });

    const executions = await waitFor('the loop to be stopped', async () => {
      const stored = await env.stack.stores.flows.get(org, flow.id);
      if (stored?.enabled !== false) return undefined;
      return finishedExecutionsOf(env.stack, org, ticket._id, 6);
    });
    await env.stack.bus.idle();
    const all = await env.stack.stores.executions.listByEntity(org, ticket._id);
    expect(all.length).toBeLessThanOrEqual(5 + 1);
    expect(all.filter((s) => s.status === 'hot')).toHaveLength(1);
    expect(executions.filter((e) => e.execution_status === 'success')).toHaveLength(5);
    const disabled = await env.stack.stores.flows.get(org, flow.id);
    expect(disabled).toMatchObject({ enabled: false, disable_details: { disabled_by: 'system' }, runs: 5 });

    // A person saves it enabled again: it runs again (and, still looping, goes hot again).
    await env.stack.stores.flows.put({ ...disabled!, enabled: true });
    expect((await env.stack.stores.flows.get(org, flow.id))?.disable_details).toBeUndefined();
    await env.stack.stores.entities.update(org, ticket._id, { status: 'reopened' });
    await waitFor('the re-enabled flow to run', async () => {
      const states = await env.stack.stores.executions.listByEntity(org, ticket._id, 100);
      return states.filter((s) => s.status === 'success').length > 5 ? true : undefined;
    });
  });

  it('stops a two-flow cycle A → B → A at the lineage check and records why', async () => {
    const org = 'guard-cycle';
    const ping = await env.stack.stores.entities.create(org, { _schema: 'ping', n: 0 });
    const pong = await env.stack.stores.entities.create(org, { _schema: 'pong', n: 0, partner: ping._id });
    await env.stack.stores.entities.update(org, ping._id, { partner: pong._id });
    const bounce = (schema: string) => ({
      flow_name: `${schema} bounces`,
      triggers: [{ type: 'entity_operation', configuration: { schema, operations: ['updateEntity'], filter_config: { operation: { diff: { updated: { n: [{ exists: true }] } } } } } }],
      actions: [
        {
          id: 'bounce',
          type: 'map-entity',
          config: { target_schema: schema === 'ping' ? 'pong' : 'ping', target: { entity_id: '{{partner}}' }, mapping_attributes: [{ target: 'n', operation: { _template: '{{n}}1' } }] },
        },
      ],
    });
    const a = await saveFlow(env.stack, org, bounce('ping'));
    const b = await saveFlow(env.stack, org, bounce('pong'));
    await env.stack.stores.entities.update(org, ping._id, { n: 1 });

    const onPing = await finishedExecutionsOf(env.stack, org, ping._id, 2);
    const onPong = await finishedExecutionsOf(env.stack, org, pong._id, 1);
    expect(onPong.map((e) => [e.flow_id, e.execution_status])).toEqual([[b.id, 'success']]);
    const byStatus = Object.fromEntries(onPing.map((e) => [e.execution_status, e]));
    expect(byStatus.success?.flow_id).toBe(a.id);
    expect(byStatus.skipped?.flow_id).toBe(a.id);
    expect(byStatus.skipped?.reason).toContain('loop');
    expect(byStatus.skipped?.chain).toMatchObject({ flow_ids: [a.id, b.id, a.id], depth: 2 });
    await env.stack.bus.idle();
    expect(await env.stack.stores.executions.listByEntity(org, ping._id)).toHaveLength(2);
  });
});
