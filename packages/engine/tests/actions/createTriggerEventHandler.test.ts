import { AutomationError } from '@autoflow/core';
import { createTriggerEventHandler } from '../../src/actions';
import { CONTACT, LINEAGE, makeContext, makeDeps, NOW, ORG } from './actionTestKit';

describe('trigger-event handler', () => {
  it('publishes an activity event named event_name, with the entity and lineage, into the engine', async () => {
    const deps = makeDeps();

    const outcome = await createTriggerEventHandler(deps)(makeContext('trigger-event', { event_name: 'contract_signed' }));

    expect(deps.ingress.published).toEqual([
      {
        event_id: 'evt-exe-1:0:1',
        org_id: ORG,
        type: 'activity',
        occurred_at: new Date(NOW).toISOString(),
        entity: CONTACT,
        activity: { type: 'contract_signed' },
        payload: {},
        lineage: LINEAGE,
      },
    ]);
    expect(outcome.outputs).toEqual({ event_id: 'evt-exe-1:0:1', event_name: 'contract_signed' });
  });

  it('renders templated string leaves of event_inputs, leaving other values as they are', async () => {
    const deps = makeDeps();

    await createTriggerEventHandler(deps)(
      makeContext(
        'trigger-event',
        {
          event_name: 'order_ready',
          event_inputs: {
            customer: '{{first_name}} {{entity.last_name}}',
            previous: '{{trigger.diff.updated.status}}',
            ticket: '{{outputs.create-ticket.id}}',
            literal: 'no template',
            count: 3,
            flags: [true, '{{status}}'],
            nested: { html: '<{{last_name}}>' },
          },
        },
        { outputs: { 'create-ticket': { id: 'T-9' } } },
      ),
    );

    expect(deps.ingress.published[0]?.payload).toEqual({
      customer: 'Ada Lovelace',
      previous: 'lead',
      ticket: 'T-9',
      literal: 'no template',
      count: 3,
      flags: [true, 'active'],
      nested: { html: '<Lovelace>' },
    });
  });

  it('derives the event id from the dispatch id, so a repeated attempt publishes the same event', async () => {
    const deps = makeDeps();
    const handler = createTriggerEventHandler(deps);
    const ctx = makeContext('trigger-event', { event_name: 'x' }, { dispatch_id: 'exe-9:2:1' });

    await handler(ctx);
    await handler(ctx);

    expect(deps.ingress.published.map((e) => e.event_id)).toEqual(['evt-exe-9:2:1', 'evt-exe-9:2:1']);
  });

  it('omits the entity when the execution has none', async () => {
    const deps = makeDeps();
    const { entity: _none, ...ctx } = makeContext('trigger-event', { event_name: 'tick' });
    await createTriggerEventHandler(deps)(ctx);
    expect(deps.ingress.published[0]).not.toHaveProperty('entity');
  });

  it('fails with TEMPLATE_ERROR naming the input when an input template is broken', async () => {
    const deps = makeDeps();
    const run = createTriggerEventHandler(deps)(makeContext('trigger-event', { event_name: 'x', event_inputs: { a: { b: '{{#if}}' } } }));
    await expect(run).rejects.toMatchObject({ code: 'TEMPLATE_ERROR', retryable: false, info: { field: 'event_inputs.a.b' } });
    expect(deps.ingress.published).toEqual([]);
  });

  it('refuses a config without event_name', async () => {
    const deps = makeDeps();
    const run = createTriggerEventHandler(deps)(makeContext('trigger-event', { event_inputs: {} }));
    await expect(run).rejects.toBeInstanceOf(AutomationError);
    await expect(run).rejects.toMatchObject({ code: 'BAD_CONFIG', message: expect.stringContaining('config.event_name') });
  });
});
