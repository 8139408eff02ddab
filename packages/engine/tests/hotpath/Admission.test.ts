import type { ExecutionState } from '@autoflow/core';
import fc from 'fast-check';
import { Admission } from '../../src/dispatcher/Admission';
import { InMemoryAdmissionStore } from '../support/InMemoryAdmissionStore';

const ORG = 'org-a';

const execution = (id: string, createdAt: number, entityId?: string): ExecutionState => ({
  org_id: ORG,
  execution_id: id,
  flow_id: 'f',
  ...(entityId ? { entity_id: entityId } : {}),
  status: 'pending',
  created_at: createdAt,
  updated_at: createdAt,
  seq: 0,
  cur: -1,
  lease_until: 0,
  acts: [],
});

function bed(orgConcurrency: number) {
  const store = new InMemoryAdmissionStore();
  const admission = new Admission(store, { orgConcurrency, lockLeaseMs: 60_000 });
  const done = new Set<string>();
  const held = new Set<string>();
  const isWaiting = async (id: string) => !done.has(id) && !held.has(id);
  const admit = async (state: ExecutionState) => {
    const result = await admission.admit(state, 1_000, isWaiting);
    if (result.granted) held.add(state.execution_id);
    return result;
  };
  const release = async (state: ExecutionState) => {
    held.delete(state.execution_id);
    done.add(state.execution_id);
    return admission.release(state, isWaiting);
  };
  return { store, admission, admit, release, done, held, isWaiting };
}

describe('admission', () => {
  it('takes slot and lock in one store call and gives them back in one when nobody waits', async () => {
    const b = bed(10);
    const a = execution('a', 1, 'e-1');
    expect(await b.admit(a)).toEqual({ granted: true, wake: [] });
    expect(b.store.calls).toEqual(['tryAdmit']);
    b.store.resetCalls();
    expect(await b.release(a)).toEqual([]);
    expect(b.store.calls).toEqual(['tryRelease']);
    expect(b.store.holdersOf(ORG)).toEqual([]);
    expect(b.store.lockHolder(ORG, 'e-1')).toBeUndefined();
  });

  it('lets an execution over the org cap wait for a slot, and wakes it when one is given back', async () => {
    const b = bed(1);
    const [a, c] = [execution('a', 1), execution('c', 2)];
    await b.admit(a);
    expect(await b.admit(c)).toMatchObject({ granted: false, waiting_for: 'org_slot' });
    expect(await b.release(a)).toEqual(['c']);
    expect(await b.admit(c)).toMatchObject({ granted: true });
    expect(b.store.holdersOf(ORG)).toEqual(['c']);
  });

  it('lets an execution whose entity is locked wait without sitting on a slot', async () => {
    const b = bed(10);
    const [a, c] = [execution('a', 1, 'e-1'), execution('c', 2, 'e-1')];
    await b.admit(a);
    expect(await b.admit(c)).toMatchObject({ granted: false, waiting_for: 'entity_lock' });
    expect(b.store.holdersOf(ORG)).toEqual(['a']);
    expect(await b.release(a)).toContain('c');
    expect(await b.admit(c)).toMatchObject({ granted: true });
    expect(b.store.lockHolder(ORG, 'e-1')).toBe('c');
  });

  it('never lets a newcomer overtake an older waiter', async () => {
    const b = bed(1);
    const [a, old, late] = [execution('a', 1), execution('old', 2), execution('late', 3)];
    await b.admit(a);
    await b.admit(old);
    expect(await b.release(a)).toEqual(['old']);
    // The slot is free, but `old` was there first.
    expect(await b.admit(late)).toMatchObject({ granted: false, waiting_for: 'org_slot' });
    expect(await b.admit(old)).toMatchObject({ granted: true });
  });

  it('changes nothing when an admission or a release is replayed', async () => {
    const b = bed(2);
    const a = execution('a', 1, 'e-1');
    await b.admit(a);
    expect(await b.admission.admit(a, 1_000, b.isWaiting)).toMatchObject({ granted: true });
    expect(b.store.holdersOf(ORG)).toEqual(['a']);
    await b.release(a);
    await b.release(a);
    expect(b.store.holdersOf(ORG)).toEqual([]);
    expect(await b.admit(execution('c', 2, 'e-1'))).toEqual({ granted: true, wake: [] });
  });

  it('drops waiters that ended while they waited and wakes the next live one', async () => {
    const b = bed(1);
    const [a, gone, next] = [execution('a', 1), execution('gone', 2), execution('next', 3)];
    await b.admit(a);
    await b.admit(gone);
    await b.admit(next);
    b.done.add('gone'); // cancelled while waiting
    expect(await b.release(a)).toEqual(['next']);
  });

  it('wakes the next in line for a slot when a woken waiter gives its slot back for a locked entity', async () => {
    const b = bed(1);
    const [a, w1, w2] = [execution('a', 1, 'e-1'), execution('w1', 2, 'e-2'), execution('w2', 3, 'e-3')];
    // e-2 is locked by an execution of another flow run that holds no slot of this org's queue.
    await b.store.acquireLock(ORG, 'e-2', 'other', 1_000, 100_000);
    await b.admit(a);
    await b.admit(w1);
    await b.admit(w2);
    expect(await b.release(a)).toEqual(['w1']);
    // w1 gets the slot, finds e-2 locked, gives the slot back, and the next in line is told.
    expect(await b.admit(w1)).toEqual({ granted: false, waiting_for: 'entity_lock', wake: ['w2'] });
    expect(await b.admit(w2)).toMatchObject({ granted: true });
  });

  it('never exceeds the cap nor gives one entity two holders, and admits every execution once holders release (any interleaving)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 60 }),
        async (cap, entities, choices) => {
          const b = bed(cap);
          const states = entities.map((e, i) => execution(`x${i}`, i, `e-${e}`));
          const woken = new Set<string>();
          const admitted = new Set<string>();
          const step = async (choice: number) => {
            const pending = states.filter((s) => !b.done.has(s.execution_id) && !b.held.has(s.execution_id));
            const running = states.filter((s) => b.held.has(s.execution_id));
            // Act on an execution that arrives or was woken, or on one that finishes.
            const candidates = [...pending.filter((s) => !admitted.has(`tried:${s.execution_id}`) || woken.has(s.execution_id)), ...running];
            if (candidates.length === 0) return false;
            const s = candidates[choice % candidates.length]!;
            if (b.held.has(s.execution_id)) {
              for (const id of await b.release(s)) woken.add(id);
            } else {
              admitted.add(`tried:${s.execution_id}`);
              woken.delete(s.execution_id);
              const result = await b.admit(s);
              for (const id of result.wake ?? []) woken.add(id);
            }
            expect(b.store.holdersOf(ORG).length).toBeLessThanOrEqual(cap);
            const lockHolders = [0, 1, 2].map((e) => states.filter((x) => x.entity_id === `e-${e}` && b.held.has(x.execution_id)).length);
            expect(Math.max(...lockHolders)).toBeLessThanOrEqual(1);
            return true;
          };
          for (const c of choices) await step(c);
          // Then let things run out: everyone woken or arriving gets admitted once holders release.
          for (let i = 0; i < 200 && (await step(0)); i++);
          expect(b.done.size).toBe(states.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
