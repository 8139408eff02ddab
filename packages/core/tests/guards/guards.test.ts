import fc from 'fast-check';
import { DEFAULT_GUARD_SETTINGS, durationMs, hotFlowChecks, lineageVerdict, windowOf } from '../../src/guards';

describe('hotFlowChecks', () => {
  const settings = DEFAULT_GUARD_SETTINGS;
  const update = { operation: 'updateEntity', entity: { _id: 'e-1', _schema: 'contact' } };

  it('applies a flow’s own max_executions alone', () => {
    const checks = hotFlowChecks({ id: 'f', max_executions: { count: 7, window: 'PT2M' } }, { ...update, lineage: {} }, settings);
    expect(checks).toEqual([{ check: 'custom', scope: '', count: 7, windowMs: 120_000 }]);
  });

  it.each([
    ['a manual start', { operation: undefined, entity: { _id: 'e-1' } }, ['general']],
    ['a create', { operation: 'createEntity', entity: { _id: 'e-1' } }, ['general']],
    ['an update by a person', update, ['general', 'entity_update']],
    ['an update caused by an automation', { ...update, lineage: { chain: ['x'], depth: 0 } }, ['general', 'entity_update', 'system_activity']],
  ])('checks %s against the defaults in priority order', (_what, event, expected) => {
    expect(hotFlowChecks({ id: 'f' }, event, settings).map((c) => c.check)).toEqual(expected);
  });

  it('counts per-entity checks per entity and the general check per flow', () => {
    const checks = hotFlowChecks({ id: 'f' }, { ...update, lineage: {} }, settings);
    expect(checks.map((c) => c.scope)).toEqual(['', 'e-1', 'e-1']);
    expect(checks.map((c) => [c.count, c.windowMs])).toEqual([
      [100, 30_000],
      [50, 60_000],
      [20, 300_000],
    ]);
  });
});

describe('windowOf', () => {
  it('puts every instant in exactly one window of the given size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.integer({ min: 1, max: 86_400_000 }), (now, size) => {
        const w = windowOf(now, size);
        return w.start <= now && now < w.end && w.end - w.start === size && w.start % size === 0;
      }),
    );
  });
});

describe('durationMs', () => {
  it.each([
    ['PT30S', 30_000],
    ['PT1M', 60_000],
    ['PT1H30M', 5_400_000],
    ['P1D', 86_400_000],
  ])('reads %s as %i ms', (iso, ms) => {
    expect(durationMs(iso)).toBe(ms);
  });
});

describe('lineageVerdict', () => {
  it('starts anything not caused by an automation', () => {
    expect(lineageVerdict('a', undefined, 10)).toEqual({ start: true });
  });

  it('stops a flow that already ran earlier in the chain through another flow', () => {
    const verdict = lineageVerdict('a', { chain: ['a', 'b'], depth: 1 }, 10);
    expect(verdict).toEqual({ start: false, reason: expect.stringContaining('a → b → a') });
  });

  it('leaves a flow re-triggered by its own writes to the hot-flow checks', () => {
    expect(lineageVerdict('a', { chain: ['a', 'a', 'a'], depth: 2 }, 10)).toEqual({ start: true });
  });

  it('stops a chain deeper than the limit, and not one at the limit', () => {
    const chain = Array.from({ length: 9 }, (_, i) => `f${i}`);
    expect(lineageVerdict('next', { chain, depth: 8 }, 10)).toEqual({ start: true });
    expect(lineageVerdict('next', { chain: [...chain, 'f9'], depth: 9 }, 10)).toEqual({ start: false, reason: expect.stringContaining('chain too deep') });
  });

  it('never starts a flow that appears in the chain before its last hop', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 8 }), fc.constantFrom('a', 'b', 'c', 'd'), (chain, flow) => {
        const verdict = lineageVerdict(flow, { chain, depth: chain.length - 1 }, 100);
        const earlier = chain.slice(0, -1).includes(flow) && chain[chain.length - 1] !== flow;
        return earlier ? !verdict.start : true;
      }),
    );
  });
});
