import { createDevRoutes } from '../src';

const BASE = 'http://127.0.0.1:4870';

function setup() {
  const log: string[] = [];
  const mail = [
    { messageId: 'm-1', from: 'autoflow@example.com', destination: { to: ['jane@example.com'], cc: [], bcc: [] }, subject: 'Your order 1001', body: { text: 'Hi Jane' }, at: 1_735_732_800 },
  ];
  const routes = createDevRoutes({ listMail: async () => mail, log: (line) => void log.push(line), now: () => new Date('2025-01-01T12:00:00.000Z') });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await routes.fetch(new Request(`${BASE}${path}`, { method, headers, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) }));
    return { status: res.status, body: (await res.json()) as any };
  };
  return { routes, call, log };
}

const delivery = { execution_id: '0b415bcb-1011-5c68-be2e-2c6888f45d6a', action_id: 'notify-erp', entity: { _title: 'Order 1001' } };
const deliveryHeaders = { 'content-type': 'application/json', 'x-autoflow-delivery': '0b415bcb-1011-5c68-be2e-2c6888f45d6a.0', 'x-autoflow-attempt': '1' };

describe('the dev routes', () => {
  it('claims /dev paths only, leaving everything else to the API', () => {
    const { routes } = setup();
    expect(['/dev/webhook-echo', '/dev/mail', '/dev'].map(routes.handles)).toEqual([true, true, true]);
    expect(['/v1/automation/flows', '/openapi.json', '/developer'].map(routes.handles)).toEqual([false, false, false]);
  });

  it('echoes webhook deliveries with 200, logs one line for each and lists what it received', async () => {
    const { call, log } = setup();
    expect(await call('POST', '/dev/webhook-echo', delivery, deliveryHeaders)).toEqual({ status: 200, body: { received: true, delivery: deliveryHeaders['x-autoflow-delivery'] } });
    expect(log).toEqual([`webhook-echo: received "notify-erp" of execution 0b415bcb for Order 1001, attempt 1 (${JSON.stringify(delivery).length} bytes) → 200`]);
    expect((await call('GET', '/dev/webhook-echo')).body).toEqual({
      total: 1,
      results: [{ received_at: '2025-01-01T12:00:00.000Z', delivery: deliveryHeaders['x-autoflow-delivery'], attempt: 1, answered: 200, body: delivery }],
    });
  });

  it('answers deliveries with the status set by PUT /dev/webhook-echo/status until it is set back', async () => {
    const { call, log } = setup();
    expect(await call('PUT', '/dev/webhook-echo/status', { status: 503 })).toEqual({ status: 200, body: { status: 503 } });
    expect(await call('GET', '/dev/webhook-echo/status')).toEqual({ status: 200, body: { status: 503 } });
    const failed = await call('POST', '/dev/webhook-echo', delivery, deliveryHeaders);
    expect(failed).toEqual({ status: 503, body: { status: 503, error: expect.stringContaining('PUT /dev/webhook-echo/status {"status":200}') } });
    expect(log[log.length - 1]).toMatch(/→ 503 \(simulated failure/);
    await call('PUT', '/dev/webhook-echo/status', { status: 200 });
    expect((await call('POST', '/dev/webhook-echo', delivery, deliveryHeaders)).status).toBe(200);
  });

  it.each([['not JSON', '{'], ['no status', {}], ['a status that is not HTTP', { status: 99 }], ['a status as text', { status: '503' }]])('refuses %s as the echo status with 400', async (_what, body) => {
    const { call } = setup();
    expect(await call('PUT', '/dev/webhook-echo/status', body)).toMatchObject({ status: 400, body: { status: 400, error: expect.any(String) } });
    expect((await call('GET', '/dev/webhook-echo/status')).body).toEqual({ status: 200 });
  });

  it('lists the mail of the SES sink with its recipients, subject and text', async () => {
    const { call } = setup();
    expect(await call('GET', '/dev/mail')).toEqual({
      status: 200,
      body: { total: 1, results: [{ message_id: 'm-1', from: 'autoflow@example.com', to: ['jane@example.com'], cc: [], bcc: [], subject: 'Your order 1001', text: 'Hi Jane', sent_at: '2025-01-01T12:00:00.000Z' }] },
    });
  });

  it('answers 404 JSON naming the dev routes for any other /dev path', async () => {
    const { call } = setup();
    expect(await call('DELETE', '/dev/mail')).toMatchObject({ status: 404, body: { status: 404, error: expect.stringContaining('GET /dev/mail') } });
  });
});
