import { verifyWebhookSignature } from '@autoflow/engine';
import { saveFlow, statusChanged } from './support/flows';
import { waitFor } from './support/waitFor';
import { finishedExecutionsOf, useEmbeddedStack } from './support/useEmbeddedStack';

/**
 * The whole pipeline on the embedded stack: entity store → stream → trigger queue → listener →
 * executions table → stream → dispatcher → bus → workers → results → dispatcher …
 */
describe('the engine, end to end on the embedded stack', () => {
  const env = useEmbeddedStack();
  let org: string;
  let seq = 0;

  beforeEach(() => {
    org = `org-${++seq}`;
  });

  const finishedExecutionsFor = (entityId: string, count = 1) => finishedExecutionsOf(env.stack, org, entityId, count);

  async function placeOrder(extra: Record<string, unknown> = {}) {
    const order = await env.stack.stores.entities.create(org, {
      _schema: 'order',
      _title: 'Order 1',
      order_number: 'A-1',
      status: 'open_for_acceptance',
      customer_email: 'jane@example.com',
      customer_name: 'Jane',
      ...extra,
    });
    await env.stack.stores.entities.update(org, order._id, { status: 'placed' });
    return order;
  }

  it('runs webhook → map-entity → send-email when an order goes from open_for_acceptance to placed, and each effect happens for real', async () => {
    await saveFlow(env.stack, org, {
      flow_name: 'order placed',
      triggers: [statusChanged('order', 'open_for_acceptance', 'placed')],
      actions: [
        { id: 'hook', type: 'trigger-webhook', config: { url: `${env.hooks.url}/${org}/erp` } },
        {
          id: 'tag',
          type: 'map-entity',
          config: {
            target_schema: 'order',
            mapping_attributes: [
              { target: '_tags', operation: { _append: ['placed'], _uniq: true } },
              { target: 'confirmation', operation: { _template: 'Order {{order_number}} confirmed' } },
            ],
          },
        },
        { id: 'mail', type: 'send-email', config: { to: '{{customer_email}}', subject: 'Order {{order_number}}', text: 'Hi {{customer_name}}' } },
      ],
    });

    const order = await placeOrder();
    const [execution] = await finishedExecutionsFor(order._id);

    expect(execution!.execution_status).toBe('success');
    expect(execution!.actions.map((a: any) => a.execution_status)).toEqual(['success', 'success', 'success']);
    const [request] = env.hooks.received(`/${org}/erp`);
    expect(request?.json).toMatchObject({ org_id: org, entity: { _id: order._id, status: 'placed' }, trigger: { operation: 'updateEntity' } });
    expect(request?.headers['x-autoflow-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const stored = await env.stack.stores.entities.get(org, order._id);
    expect(stored).toMatchObject({ _tags: ['placed'], confirmation: 'Order A-1 confirmed' });
    const mail = await waitFor('the confirmation mail', async () => (await env.stack.listMail()).find((m: any) => JSON.stringify(m).includes('Order A-1')));
    expect(JSON.stringify(mail)).toContain('jane@example.com');
    expect(execution!.actions[2].outputs.message_id).toEqual(expect.any(String));
  });

  it('resolves a stored email template and a configured webhook target', async () => {
    await env.stack.stores.config.putEmailTemplate(org, {
      id: 'order-confirmation',
      to: '{{customer_email}}',
      subject: 'Stored template for {{order_number}}',
      html: '<p>Dear {{customer_name}}</p>',
    });
    await env.stack.stores.config.putWebhookTarget(org, { id: 'erp', url: `${env.hooks.url}/${org}/target`, secret: 'per-target-secret' });
    await saveFlow(env.stack, org, {
      flow_name: 'stored config',
      triggers: [statusChanged('order', 'open_for_acceptance', 'placed')],
      actions: [
        { id: 'hook', type: 'trigger-webhook', config: { target_webhook_id: 'erp' } },
        { id: 'mail', type: 'send-email', config: { email_template_id: 'order-confirmation' } },
      ],
    });
    const order = await placeOrder({ order_number: 'T-7' });
    const [execution] = await finishedExecutionsFor(order._id);
    expect(execution!.execution_status).toBe('success');
    const [request] = env.hooks.received(`/${org}/target`);
    const header = String(request?.headers['x-autoflow-signature']);
    expect(verifyWebhookSignature('per-target-secret', header, request!.body, Math.floor(Date.now() / 1000), 300)).toBe(true);
    const mail = await waitFor('the templated mail', async () => (await env.stack.listMail()).find((m: any) => JSON.stringify(m).includes('Stored template for T-7')));
    expect(JSON.stringify(mail)).toContain('Dear Jane');
  });

  it('does not start the flow when the status changes between other values', async () => {
    await saveFlow(env.stack, org, {
      flow_name: 'placed only',
      triggers: [statusChanged('order', 'open_for_acceptance', 'placed')],
      actions: [{ id: 'hook', type: 'trigger-webhook', config: { url: `${env.hooks.url}/${org}/never` } }],
    });
    const order = await env.stack.stores.entities.create(org, { _schema: 'order', status: 'draft' });
    await env.stack.stores.entities.update(org, order._id, { status: 'placed' });
    // A second entity that does match proves the pipeline ran meanwhile.
    await saveFlow(env.stack, org, {
      flow_name: 'witness',
      triggers: [statusChanged('order', 'placed', 'shipped')],
      actions: [{ id: 'hook', type: 'trigger-webhook', config: { url: `${env.hooks.url}/${org}/witness` } }],
    });
    await env.stack.stores.entities.update(org, order._id, { status: 'shipped' });
    const executions = await finishedExecutionsFor(order._id);
    expect(executions.map((e) => e.flow_name)).toEqual(['witness']);
    expect(env.hooks.received(`/${org}/never`)).toHaveLength(0);
  });

  it('continues after a failing webhook with allow_failure, and records the failure', async () => {
    env.hooks.respond(`/${org}/broken`, () => ({ status: 400, body: { error: 'nope' } }));
    await saveFlow(env.stack, org, {
      flow_name: 'tolerant',
      triggers: [statusChanged('order', 'open_for_acceptance', 'placed')],
      actions: [
        { id: 'hook', type: 'trigger-webhook', allow_failure: true, config: { url: `${env.hooks.url}/${org}/broken` } },
        { id: 'after', type: 'trigger-webhook', config: { url: `${env.hooks.url}/${org}/after` } },
      ],
    });
    const order = await placeOrder();
    const [execution] = await finishedExecutionsFor(order._id);
    expect(execution!.execution_status).toBe('success');
    expect(execution!.actions[0]).toMatchObject({ execution_status: 'failed', error_output: { error_code: 'TRIGGER_WEBHOOK_ERROR' } });
    expect(execution!.actions[1].execution_status).toBe('success');
    expect(env.hooks.received(`/${org}/after`)).toHaveLength(1);
  });

  it('fails the execution and skips later actions when a webhook fails without allow_failure', async () => {
    env.hooks.respond(`/${org}/broken`, () => ({ status: 422 }));
    await saveFlow(env.stack, org, {
      flow_name: 'strict',
      triggers: [statusChanged('order', 'open_for_acceptance', 'placed')],
      actions: [
        { id: 'hook', type: 'trigger-webhook', config: { url: `${env.hooks.url}/${org}/broken` } },
        { id: 'after', type: 'trigger-webhook', config: { url: `${env.hooks.url}/${org}/after` } },
        { id: 'mail', type: 'send-email', config: { to: 'x@example.com', subject: 's', text: 't' } },
      ],
    });
    const order = await placeOrder();
    const [execution] = await finishedExecutionsFor(order._id);
    expect(execution!.execution_status).toBe('failed');
    expect(execution!.actions.map((a: any) => a.execution_status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(execution!.actions[0].error_output.error_reason).toContain('422');
    expect(env.hooks.received(`/${org}/after`)).toHaveLength(0);
  });

  it('retries a webhook with backoff until it succeeds', async () => {
    env.hooks.respond(`/${org}/flaky`, (n) => (n < 3 ? { status: 503 } : { status: 200, body: { ok: true } }));
    await saveFlow(env.stack, org, {
      flow_name: 'flaky',
      triggers: [statusChanged('order', 'open_for_acceptance', 'placed')],
      actions: [
        {
          id: 'hook',
          type: 'trigger-webhook',
          config: { url: `${env.hooks.url}/${org}/flaky` },
          retry_policy: { max_attempts: 4, initial_delay_ms: 300, backoff_rate: 2, jitter: 'none' },
        },
      ],
    });
    const order = await placeOrder();
    const [execution] = await finishedExecutionsFor(order._id);
    expect(execution!.execution_status).toBe('success');
    expect(execution!.actions[0]).toMatchObject({ execution_status: 'success', attempts: 3 });
    const calls = env.hooks.received(`/${org}/flaky`);
    expect(calls).toHaveLength(3);
    // Backoff without jitter: the second retry waits at least twice the initial delay.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(300);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(600);
    // One delivery id across retries (receivers de-duplicate on it), and the attempt number beside it.
    expect(new Set(calls.map((c) => c.headers['x-autoflow-delivery'])).size).toBe(1);
    expect(calls.map((c) => c.headers['x-autoflow-attempt'])).toEqual(['1', '2', '3']);
  });

  it('skips an action whose condition is false and records why', async () => {
    await saveFlow(env.stack, org, {
      flow_name: 'conditional',
      triggers: [statusChanged('order', 'open_for_acceptance', 'placed')],
      conditions: [
        {
          id: 'big-order',
          statements: [{ id: 's1', source: { origin: 'trigger', attribute: 'amount', attributeType: 'number' }, operation: 'greater_than', values: ['1000'] }],
        },
      ],
      actions: [
        { id: 'vip', type: 'trigger-webhook', condition_id: 'big-order', config: { url: `${env.hooks.url}/${org}/vip` } },
        { id: 'all', type: 'trigger-webhook', config: { url: `${env.hooks.url}/${org}/all` } },
      ],
    });
    const order = await placeOrder({ amount: 50 });
    const [execution] = await finishedExecutionsFor(order._id);
    expect(execution!.execution_status).toBe('success');
    expect(execution!.actions[0].execution_status).toBe('skipped');
    expect(execution!.actions[0].reason.message).toContain('big-order');
    expect(execution!.actions[1].execution_status).toBe('success');
    expect(env.hooks.received(`/${org}/vip`)).toHaveLength(0);
  });
});
