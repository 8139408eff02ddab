import fc from 'fast-check';
import { type BulkJobView, bulkExitCode, entitiesTotal, formatBulkStatus, formatCounts, progressBar, progressLine } from '../src';

const job = (overrides: Partial<BulkJobView> = {}): BulkJobView => ({
  job_id: 'job-1',
  org_id: 'acme',
  flow_id: 'welcome',
  status: 'executing',
  created_by: 'dev:acme',
  created_at: '2026-01-01T10:00:00.000Z',
  updated_at: '2026-01-01T10:00:05.000Z',
  approved_at: '2026-01-01T10:00:00.000Z',
  entity_query: { type: 'query', data: '_schema:contact', filter: [] },
  pagination_state: { page_size: 100, pages_processed: 1, total_processed: 20, has_more: true },
  preview: { entities_matched: 50, executions_to_start: 48, suppressed: { not_accepted_by_trigger: 2 }, estimated_actions: 96, complete: true },
  progress: { started: 19, suppressed: { not_accepted_by_trigger: 1 } },
  execution_summary: [],
  ...overrides,
});

describe('progressBar', () => {
  it.each([
    [0, '[░░░░░░░░░░]'],
    [0.5, '[█████░░░░░]'],
    [1, '[██████████]'],
    [1.7, '[██████████]'],
    [-1, '[░░░░░░░░░░]'],
  ])('draws %d as %s', (fraction, bar) => {
    expect(progressBar(fraction, 10)).toBe(bar);
  });

  it('is always width cells wide, and fills more cells for a larger fraction', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 80 }), (a, b, width) => {
        const [lo, hi] = [progressBar(Math.min(a, b), width), progressBar(Math.max(a, b), width)];
        expect(lo).toHaveLength(width + 2);
        expect(lo.split('█').length).toBeLessThanOrEqual(hi.split('█').length);
      }),
    );
  });
});

describe('formatCounts', () => {
  it.each([
    [undefined, 'none'],
    [{}, 'none'],
    [{ success: 0 }, 'none'],
    [{ success: 47, failed: 1 }, 'success 47 · failed 1'],
  ])('writes %j as "%s"', (counts, text) => {
    expect(formatCounts(counts)).toBe(text);
  });
});

describe('entitiesTotal', () => {
  it('counts the listed refs that will be found missing, not those listed twice, and never less than what was processed', () => {
    expect(entitiesTotal(job())).toBe(50);
    expect(entitiesTotal(job({ preview: { ...job().preview, suppressed: { not_found: 2, listed_twice: 1, not_accepted_by_trigger: 2 } } }))).toBe(52);
    expect(entitiesTotal(job({ pagination_state: { page_size: 100, pages_processed: 1, total_processed: 70, has_more: true } }))).toBe(70);
  });
});

describe('progressLine', () => {
  it.each<[string, Partial<BulkJobView>, string]>([
    ['while it starts executions: entities processed and executions started', {}, 'executing     40%  20/50 entities · 19 started'],
    ['with an incomplete preview: the total is a lower bound', { preview: { ...job().preview, complete: false } }, 'executing     40%  20/50+ entities · 19 started'],
    [
      'while it monitors: final executions out of those started, by status',
      { status: 'monitoring', progress: { started: 48, suppressed: {} }, execution_counts: { final: 12, by_status: { success: 11, failed: 1 } } },
      'monitoring    25%  12/48 executions final (success 11 · failed 1)',
    ],
    ['in approval: the command that approves it', { status: 'approval' }, 'approval     waiting for approval (autoflow bulk approve job-1)'],
  ])('shows %s', (_what, overrides, line) => {
    expect(progressLine(job(overrides), undefined, false)).toEqual({ line, key: line });
  });

  it('adds the bar on a terminal and the rate of entities while they are processed, leaving the rate out of the key', () => {
    const { line, key } = progressLine(job(), 12.345, true);
    expect(key).toBe('executing    [████████░░░░░░░░░░░░]  40%  20/50 entities · 19 started');
    expect(line).toBe(`${key} · 12.3/s`);
    expect(line.length).toBeLessThan(80);
    const monitoring = progressLine(job({ status: 'monitoring', execution_counts: { final: 0, by_status: {} } }), 3, true);
    expect(monitoring.line).toBe(monitoring.key);
  });
});

describe('formatBulkStatus', () => {
  it('shows the report of a finished job with its failures, and says when they were truncated', () => {
    const finished = job({
      status: 'finished',
      finished_at: '2026-01-01T10:00:10.000Z',
      pagination_state: { page_size: 100, pages_processed: 1, total_processed: 50, has_more: false },
      progress: { started: 48, suppressed: { not_accepted_by_trigger: 2 } },
      report: {
        entities: 50,
        executions_started: 48,
        executions_by_status: { success: 47, failed: 1 },
        suppressed: { not_accepted_by_trigger: 2 },
        failures: [{ entity_id: 'c-7', execution_id: 'e-7', execution_status: 'failed', error: 'Webhook answered 422' }],
        failures_truncated: true,
        created_at: '2026-01-01T10:00:10.000Z',
      },
    });
    expect(formatBulkStatus(finished, Date.parse('2026-01-01T11:00:00.000Z'))).toEqual([
      'bulk job job-1  finished',
      '  flow        welcome',
      '  created     2026-01-01T10:00:00.000Z by dev:acme',
      '  approved    2026-01-01T10:00:00.000Z',
      '  ended       2026-01-01T10:00:10.000Z · took 10.00 s',
      '  preview     50 matched · 48 to start · 96 actions at most',
      '  entities    50/50 processed',
      '  executions  48 started · final: success 47 · failed 1',
      '  suppressed  not_accepted_by_trigger 2',
      '  rate        5.0 entities/s since approval',
      '',
      'report (2026-01-01T10:00:10.000Z)',
      '  entities            50',
      '  executions started  48',
      '  by final status     success 47 · failed 1',
      '  suppressed          not_accepted_by_trigger 2',
      '  failures            1+ (truncated: the report keeps the first 100)',
      '    ✗ entity c-7 · execution e-7 failed: Webhook answered 422',
    ]);
  });

  it('shows the error of a failed job', () => {
    expect(formatBulkStatus(job({ status: 'failed', error: 'BULK_FLOW_DISABLED: flow welcome was disabled' }), Date.parse('2026-01-01T10:00:10.000Z'))).toContain('  error       BULK_FLOW_DISABLED: flow welcome was disabled');
  });
});

describe('bulkExitCode', () => {
  it.each([
    ['finished', 0],
    ['executing', 0],
    ['approval', 0],
    ['failed', 1],
    ['cancelled', 1],
  ] as const)('is %s → %d', (status, code) => {
    expect(bulkExitCode({ status })).toBe(code);
  });
});
