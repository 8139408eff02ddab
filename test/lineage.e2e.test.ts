import { isFinal } from '@autoflow/core';
import { executionIdFor } from '@autoflow/engine';
import { saveFlow, statusChanged } from './support/flows';
import { waitFor } from './support/waitFor';
import { finishedExecutionsOf, useEmbeddedStack } from './support/useEmbeddedStack';

/** Writes and events caused by automations carry their lineage back into the engine. */
describe('events caused by automations', () => {
  const checks: Array<{ entity?: unknown }> = [];
  const env = useEmbeddedStack({
    customHandlers: {
      'credit-check': async (ctx) => {
        checks.push({ entity: ctx.entity });
        return { outputs: { score: 720, approved: true } };
      },
    },
  });
  const executionsOf = (org: string, entityId: string, count: number) => finishedExecutionsOf(env.stack, org, entityId, count);

  it('stamps an entity created by map-entity with the lineage of the execution that wrote it', async () => {
    const org = 'lineage-map';
    const invoicing = await saveFlow(env.stack, org, {
      flow_name: 'invoice placed orders',
      triggers: [statusChanged('order', 'open_for_acceptance', 'placed')],
      actions: [
        {
          id: 'invoice',
          type: 'map-entity',
          config: {
            target_schema: 'invoice',
            target: 'new',
            mapping_attributes: [
              { target: 'order_id', operation: { _copy: '_id' } },
              { target: 'amount', operation: { _copy: ['total', 'amount'] } },
            ],
          },
        },
      ],
    });
    const notify = await saveFlow(env.stack, org, {
      flow_name: 'notify on new invoices',
      triggers: [{ type: 'entity_operation', configuration: { schema: 'invoice', operations: ['createEntity'] } }],
      actions: [{ id: 'hook', type: 'trigger-webhook', config: { url: `${env.hooks.url}/${org}/invoice` } }],
    });
    const order = await env.stack.stores.entities.create(org, { _schema: 'order', status: 'open_for_acceptance', amount: 99 });
    await env.stack.stores.entities.update(org, order._id, { status: 'placed' });

    const [first] = await executionsOf(org, order._id, 1);
    expect(first!.execution_status).toBe('success');
    const invoiceId = first!.actions[0].outputs.entity_id as string;
    expect(await env.stack.stores.entities.get(org, invoiceId)).toMatchObject({ _schema: 'invoice', order_id: order._id, amount: 99 });

    const [second] = await executionsOf(org, invoiceId, 1);
    expect(second!.flow_id).toBe(notify.id);
    expect(first!.chain).toEqual({ flow_ids: [invoicing.id], depth: 0 });
    expect(second!.chain).toEqual({ parent_execution_id: first!.id, flow_ids: [invoicing.id, notify.id], depth: 1 });
    expect(env.hooks.received(`/${org}/invoice`)[0]?.json).toMatchObject({ entity: { _id: invoiceId, order_id: order._id } });
  });

  it('routes a trigger-event action back into the engine as an activity with lineage', async () => {
    const org = 'lineage-event';
    const announcer = await saveFlow(env.stack, org, {
      flow_name: 'announce shipment',
      triggers: [statusChanged('order', 'placed', 'shipped')],
      actions: [{ id: 'announce', type: 'trigger-event', config: { event_name: 'order.shipped', event_inputs: { carrier: '{{carrier}}' } } }],
    });
    await saveFlow(env.stack, org, {
      flow_name: 'react to shipments',
      triggers: [{ type: 'activity', configuration: { schema: 'order', types: ['order.shipped'] } }],
      actions: [{ id: 'hook', type: 'trigger-webhook', config: { url: `${env.hooks.url}/${org}/shipped` } }],
    });
    const order = await env.stack.stores.entities.create(org, { _schema: 'order', status: 'placed', carrier: 'DHL' });
    await env.stack.stores.entities.update(org, order._id, { status: 'shipped' });
    const executions = await executionsOf(org, order._id, 2);
    const reaction = executions.find((e) => e.flow_name === 'react to shipments');
    const announce = executions.find((e) => e.flow_id === announcer.id);
    expect(announce?.execution_status).toBe('success');
    expect(reaction?.execution_status).toBe('success');
    expect(reaction?.chain).toMatchObject({ parent_execution_id: announce!.id, flow_ids: [announcer.id, reaction!.flow_id], depth: 1 });
    expect(env.hooks.received(`/${org}/shipped`)[0]?.json).toMatchObject({ trigger: { type: 'activity', activity: { type: 'order.shipped' }, payload: { carrier: 'DHL' } } });
  });

  it('runs a custom action type through its registered worker and records its outputs', async () => {
    const org = 'custom-type';
    const flow = await saveFlow(env.stack, org, {
      flow_name: 'credit check',
      triggers: [{ type: 'entity_manual', configuration: {} }],
      actions: [
        { id: 'check', type: 'credit-check', config: { bureau: 'schufa' } },
        { id: 'ghost', type: 'no-such-worker', config: {} },
      ],
    });
    await env.stack.publishEvents([{ event_id: 'c-1', org_id: org, type: 'manual', flow_id: flow.id, entity: { _id: 'cust-1', _schema: 'customer' } }]);
    const execution = await waitFor('the custom execution', async () => {
      const doc = (await env.stack.getExecution(org, executionIdFor(org, 'c-1', flow.id))) as Record<string, any> | undefined;
      return doc && isFinal(doc.execution_status) ? doc : undefined;
    });
    expect(execution.actions[0]).toMatchObject({ execution_status: 'success', outputs: { score: 720, approved: true } });
    expect(checks.at(-1)?.entity).toMatchObject({ _id: 'cust-1' });
    // A type without a worker fails at once with a clear reason, instead of timing out.
    expect(execution.actions[1]).toMatchObject({ execution_status: 'failed', error_output: { error_code: 'BAD_CONFIG' } });
    expect(execution.actions[1].error_output.error_reason).toContain('no-such-worker');
    expect(execution.execution_status).toBe('failed');
  });
});
