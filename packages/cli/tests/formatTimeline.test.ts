import { type ExecutionDocument, formatDuration, formatTimeline } from '../src';

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [45.4, '45 ms'],
    [999, '999 ms'],
    [1000, '1.00 s'],
    [1234, '1.23 s'],
    [59_994, '59.99 s'],
    [60_000, '1 min 00 s'],
    [125_400, '2 min 05 s'],
    [-1, '-'],
    [Number.NaN, '-'],
  ])('writes %d ms as "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatTimeline', () => {
  const base: ExecutionDocument = {
    id: 'e-1',
    flow_id: 'order-placed',
    flow_name: 'Order placed',
    version: 3,
    execution_status: 'failed',
    entity_id: 'order-1001',
    created_at: '2025-01-01T12:00:00.000Z',
    updated_at: '2025-01-01T12:00:03.500Z',
  };

  it('prints a header and one row per action with status, attempts and duration, and the error under a failed action', () => {
    const lines = formatTimeline({
      ...base,
      actions: [
        { id: 'notify-erp', type: 'trigger-webhook', execution_status: 'failed', attempts: 3, started_at: '2025-01-01T12:00:03.000Z', updated_at: '2025-01-01T12:00:03.048Z', error_output: { error_code: 'TRIGGER_WEBHOOK_ERROR', error_reason: 'Webhook answered 503' } },
        { id: 'tag-order', type: 'map-entity', execution_status: 'skipped', attempts: 0, reason: { message: 'execution failed at notify-erp' } },
      ],
    });
    expect(lines).toEqual([
      'execution e-1  failed',
      '  flow     Order placed (order-placed, version 3)',
      '  entity   order-1001',
      '  started  2025-01-01T12:00:00.000Z · took 3.50 s',
      '',
      '  #  ACTION      TYPE             STATUS   ATTEMPTS  DURATION',
      '  1  notify-erp  trigger-webhook  failed   3         48 ms',
      '       ✗ TRIGGER_WEBHOOK_ERROR: Webhook answered 503',
      '  2  tag-order   map-entity       skipped  0         -',
      '       – execution failed at notify-erp',
    ]);
  });

  it('shows how long a running execution and its running action have taken so far, and when a scheduled retry is due', () => {
    const now = new Date('2025-01-01T12:00:10.000Z');
    const lines = formatTimeline(
      {
        ...base,
        execution_status: 'in_progress',
        actions: [
          { id: 'a', type: 'trigger-webhook', execution_status: 'scheduled', attempts: 1, started_at: '2025-01-01T12:00:01.000Z', updated_at: '2025-01-01T12:00:01.100Z', next_retry_at: '2025-01-01T12:00:30.000Z' },
          { id: 'b', type: 'send-email', execution_status: 'in_progress', attempts: 1, started_at: '2025-01-01T12:00:08.000Z' },
          { id: 'c', type: 'map-entity', execution_status: 'pending', attempts: 0 },
        ],
      },
      now,
    );
    expect(lines[3]).toBe('  started  2025-01-01T12:00:00.000Z · running for 10.00 s');
    expect(lines.slice(6)).toEqual([
      '  1  a       trigger-webhook  scheduled    1         retry at 12:00:30',
      '  2  b       send-email       in_progress  1         2.00 s so far',
      '  3  c       map-entity       pending      0         -',
    ]);
  });

  it('shows the reason of a cancelled execution and says when a flow has no actions', () => {
    const lines = formatTimeline({ ...base, execution_status: 'cancelled', reason: 'cancelled through the API', actions: [] });
    expect(lines).toContain('  reason   cancelled through the API');
    expect(lines[lines.length - 1]).toBe('  (no actions)');
  });
});
