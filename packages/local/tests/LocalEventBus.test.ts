import { BusClosedError, LocalEventBus, PutEventsValidationError, type BusEvent, type LocalEventBusOptions } from '../src/bus';
import { waitFor } from './support/waitFor';

/**
 * A stand-in for the project's pattern matcher (written elsewhere): exact string lists on
 * `source` and `detail-type`, which is all these tests route on.
 */
function standInMatcher(pattern: object, event: object): boolean {
  return Object.entries(pattern).every(([field, allowed]) => {
    const value = (event as Record<string, unknown>)[field];
    return Array.isArray(allowed) && allowed.includes(value);
  });
}

describe('LocalEventBus', () => {
  const buses: LocalEventBus[] = [];

  function bus(options: Partial<LocalEventBusOptions> = {}): LocalEventBus {
    const created = new LocalEventBus({
      matcher: standInMatcher,
      busName: 'automation',
      account: '123456789012',
      region: 'eu-central-1',
      maxAttempts: 3,
      retryDelayMs: 5,
      ...options,
    });
    buses.push(created);
    return created;
  }

  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
  });

  const entry = (source: string, detailType: string, detail: object = { id: 1 }) => ({
    Source: source,
    DetailType: detailType,
    Detail: JSON.stringify(detail),
  });

  it('routes each event to the rules whose pattern matches, with the EventBridge envelope', async () => {
    const b = bus();
    const orders: BusEvent[] = [];
    const created: BusEvent[] = [];
    b.addRule({ name: 'orders', pattern: { source: ['shop.orders'] }, target: async (e) => void orders.push(e) });
    b.addRule({ name: 'created', pattern: { 'detail-type': ['EntityCreated'] }, target: async (e) => void created.push(e) });

    const out = await b.putEvents({
      Entries: [
        { ...entry('shop.orders', 'OrderPlaced', { orderId: 'o-1' }), Resources: ['arn:aws:x:::order/o-1'], Time: new Date('2024-05-01T12:00:00.123Z') },
        entry('crm.entities', 'EntityCreated', { entityId: 'e-1' }),
        entry('crm.entities', 'EntityDeleted'),
      ],
    });
    await b.idle();

    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries).toEqual([{ EventId: expect.any(String) }, { EventId: expect.any(String) }, { EventId: expect.any(String) }]);
    expect(orders).toEqual([
      {
        version: '0',
        id: (out.Entries[0] as { EventId: string }).EventId,
        'detail-type': 'OrderPlaced',
        source: 'shop.orders',
        account: '123456789012',
        time: '2024-05-01T12:00:00Z',
        region: 'eu-central-1',
        resources: ['arn:aws:x:::order/o-1'],
        detail: { orderId: 'o-1' },
      },
    ]);
    expect(created.map((e) => e.detail)).toEqual([{ entityId: 'e-1' }]);
    expect(b.counters).toMatchObject({ entriesPut: 3, deliveries: 2, delivered: 2 });
  });

  it('calls no target inside putEvents', async () => {
    const b = bus();
    let calls = 0;
    b.addRule({ name: 'any', pattern: { source: ['s'] }, target: async () => void (calls += 1) });

    await b.putEvents({ Entries: [entry('s', 'T')] });
    const callsWhenPutReturned = calls;
    await b.idle();

    expect(callsWhenPutReturned).toBe(0);
    expect(calls).toBe(1);
  });

  it('rejects invalid entries one by one, as PutEvents does, and accepts the rest', async () => {
    const b = bus();
    const out = await b.putEvents({
      Entries: [
        entry('ok.source', 'Fine'),
        { Source: 'bad', DetailType: 'NotJson', Detail: '{nope' },
        { Source: 'bad', DetailType: 'NotAnObject', Detail: '[1,2]' },
        { Source: 'bad', DetailType: 'TooBig', Detail: JSON.stringify({ blob: 'x'.repeat(256 * 1024) }) },
        { Source: 'bad', DetailType: 'NoDetail' },
        { ...entry('ok.source', 'OtherBus'), EventBusName: 'someone-elses-bus' },
        { ...entry('ok.source', 'ByArn'), EventBusName: 'arn:aws:events:eu-central-1:123456789012:event-bus/automation' },
      ],
    });

    expect(out.FailedEntryCount).toBe(5);
    expect(out.Entries.map((e) => ('ErrorCode' in e ? e.ErrorCode : 'ok'))).toEqual([
      'ok',
      'MalformedDetail',
      'MalformedDetail',
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'ok',
    ]);
    expect(b.counters).toMatchObject({ entriesPut: 2, entriesFailed: 5 });
  });

  it('refuses a request with no entry or more than 10 entries', async () => {
    const b = bus();

    await expect(b.putEvents({ Entries: [] })).rejects.toThrow(PutEventsValidationError);
    await expect(b.putEvents({ Entries: Array.from({ length: 11 }, () => entry('s', 'T')) })).rejects.toThrow(
      PutEventsValidationError,
    );
    expect(b.counters.entriesPut).toBe(0);
  });

  it('retries a failing target and succeeds within maxAttempts', async () => {
    const b = bus({ maxAttempts: 3 });
    let calls = 0;
    b.addRule({
      name: 'flaky',
      pattern: { source: ['s'] },
      target: async () => {
        calls += 1;
        if (calls < 3) throw new Error('try again');
      },
    });

    await b.putEvents({ Entries: [entry('s', 'T')] });
    await b.idle();

    expect(calls).toBe(3);
    expect(b.deadLetters()).toEqual([]);
    expect(b.counters).toMatchObject({ attempts: 3, delivered: 1, deadLettered: 0 });
  });

  it('dead-letters a delivery after maxAttempts failures, without touching other rules', async () => {
    const b = bus({ maxAttempts: 2 });
    const healthy: BusEvent[] = [];
    b.addRule({ name: 'healthy', pattern: { source: ['s'] }, target: async (e) => void healthy.push(e) });
    b.addRule({
      name: 'broken',
      pattern: { source: ['s'] },
      target: async () => {
        throw new Error('always');
      },
    });

    const out = await b.putEvents({ Entries: [entry('s', 'T', { n: 7 })] });
    await b.idle();

    expect(healthy).toHaveLength(1);
    expect(b.deadLetters()).toEqual([
      {
        rule: 'broken',
        event: expect.objectContaining({ id: (out.Entries[0] as { EventId: string }).EventId, detail: { n: 7 } }),
        error: expect.objectContaining({ message: 'always' }),
        attempts: 2,
      },
    ]);
  });

  it('stops retrying on close and dead-letters what was waiting', async () => {
    const b = bus({ maxAttempts: 5, retryDelayMs: 60_000 });
    let calls = 0;
    b.addRule({
      name: 'slow-retry',
      pattern: { source: ['s'] },
      target: async () => {
        calls += 1;
        throw new Error('fails');
      },
    });

    await b.putEvents({ Entries: [entry('s', 'T')] });
    await waitFor('the first attempt', () => calls === 1);
    const started = Date.now();
    await b.close();

    expect(Date.now() - started).toBeLessThan(1000);
    expect(calls).toBe(1);
    expect(b.deadLetters()).toEqual([expect.objectContaining({ rule: 'slow-retry', attempts: 1, error: expect.any(BusClosedError) })]);
    await expect(b.putEvents({ Entries: [entry('s', 'T')] })).rejects.toThrow(BusClosedError);
  });
});
