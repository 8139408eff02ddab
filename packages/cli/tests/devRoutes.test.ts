import { type DevClock, createDevRoutes } from '../src';

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

describe('the dev clock routes', () => {
  const T0 = Date.parse('2027-01-01T09:00:00.000Z');
  const DAY = 86_400_000;

  /** A dev clock that records where it was moved to; each move fires `fired` timers. */
  function setup(mode: DevClock['mode'] = 'manual', start = T0, fired = 2) {
    const log: Array<{ line: string; topic?: string; data?: Record<string, unknown> }> = [];
    const moves: number[] = [];
    let now = start;
    const clock: DevClock = {
      mode,
      now: () => now,
      timers: () => ({ armed: 3, nextDueAt: T0 + DAY }),
      advanceTo: async (to) => {
        moves.push(to);
        now = to;
        return { now, fired };
      },
    };
    const routes = createDevRoutes({ listMail: async () => [], log: (line, topic, data) => void log.push({ line, topic, data }), clock });
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await routes.fetch(new Request(`${BASE}${path}`, { method, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) }));
      return { status: res.status, body: (await res.json()) as any };
    };
    return { call, log, moves };
  }

  it('shows the time, the mode and the timers waiting', async () => {
    const { call } = setup();
    expect(await call('GET', '/dev/clock')).toEqual({
      status: 200,
      body: { now: '2027-01-01T09:00:00.000Z', mode: 'manual', timers: { armed: 3, next_due_at: '2027-01-02T09:00:00.000Z' } },
    });
  });

  it('advances a manual clock by a duration, answers where it stands and how many timers fired, and logs one line', async () => {
    const { call, log, moves } = setup();
    expect(await call('POST', '/dev/clock', { advance: 'P3D' })).toEqual({ status: 200, body: { now: '2027-01-04T09:00:00.000Z', fired: 2 } });
    expect(moves).toEqual([T0 + 3 * DAY]);
    expect(log).toEqual([{ line: 'clock: advanced by P3D to 2027-01-04T09:00:00.000Z; 2 timer(s) fired', topic: 'clock', data: { now: '2027-01-04T09:00:00.000Z', fired: 2 } }]);
  });

  it('sets a manual clock to an instant given with any timezone', async () => {
    const { call, log, moves } = setup();
    expect(await call('POST', '/dev/clock', { to: '2027-01-01T12:30:00+02:00' })).toEqual({ status: 200, body: { now: '2027-01-01T10:30:00.000Z', fired: 2 } });
    expect(moves).toEqual([Date.parse('2027-01-01T10:30:00.000Z')]);
    expect(log[0]?.line).toBe('clock: set to 2027-01-01T10:30:00.000Z; 2 timer(s) fired');
  });

  it.each([
    ['2027-01-31T22:00:00.000Z', 'P1M', '2027-02-28T22:00:00.000Z'],
    ['2028-02-29T09:00:00.000Z', 'P1Y', '2029-02-28T09:00:00.000Z'],
    ['2027-03-27T12:00:00.000Z', 'P2W1DT0,5H', '2027-04-11T12:30:00.000Z'],
  ])('moves from %s by %s to %s: calendar months in UTC, the day clamped to the end of a shorter month', async (from, advance, expected) => {
    const { call } = setup('manual', Date.parse(from));
    expect((await call('POST', '/dev/clock', { advance })).body.now).toBe(expected);
  });

  it.each([
    ['not JSON', '{', [{ path: '', message: 'is not JSON' }]],
    ['an array', '[]', [{ path: '', message: expect.stringContaining('must be a JSON object') }]],
    ['neither advance nor to', {}, [{ path: '', message: expect.stringContaining('exactly one of "advance" and "to"') }]],
    ['both advance and to', { advance: 'P1D', to: '2027-02-01T00:00:00Z' }, [{ path: '', message: expect.stringContaining('exactly one') }]],
    ['an unknown field', { advance: 'P1D', by: 'P2D' }, [{ path: 'by', message: 'is not a known field (expected "advance" or "to")' }]],
    ['a duration that is not ISO 8601', { advance: '3 days' }, [{ path: 'advance', message: expect.stringContaining('must be an ISO 8601 duration') }]],
    ['a zero duration', { advance: 'PT0S' }, [{ path: 'advance', message: 'must be longer than zero' }]],
    ['an instant without a timezone', { to: '2027-02-01T09:00:00' }, [{ path: 'to', message: expect.any(String) }]],
    ['an instant before now', { to: '2026-12-31T09:00:00Z' }, [{ path: 'to', message: 'the clock only moves forward; it is at 2027-01-01T09:00:00.000Z' }]],
  ])('refuses %s with 400, the path and the reason, and does not move', async (_what, body, problems) => {
    const { call, moves, log } = setup();
    const res = await call('POST', '/dev/clock', body);
    expect(res).toEqual({ status: 400, body: { status: 400, error: expect.any(String), problems } });
    expect(moves).toEqual([]);
    expect(log).toEqual([]);
  });

  it('answers 409 saying how to get a manual clock when the clock is real', async () => {
    const { call, moves } = setup('real');
    expect(await call('POST', '/dev/clock', { advance: 'P1D' })).toEqual({ status: 409, body: { status: 409, error: expect.stringContaining('autoflow dev --clock manual') } });
    expect((await call('GET', '/dev/clock')).body).toMatchObject({ mode: 'real' });
    expect(moves).toEqual([]);
  });

  it('has no clock routes without a clock', async () => {
    const routes = createDevRoutes({ listMail: async () => [], log: () => {} });
    expect((await routes.fetch(new Request(`${BASE}/dev/clock`))).status).toBe(404);
  });
});
