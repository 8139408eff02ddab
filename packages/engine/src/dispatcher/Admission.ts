import type { ExecutionState } from '@autoflow/core';
import type { AdmissionStore } from '../ports';

export interface AdmissionSettings {
  orgConcurrency: number;
  lockLeaseMs: number;
}

/** Whether an execution is still waiting for admission (not final, holding nothing). */
export type IsWaiting = (executionId: string) => Promise<boolean>;

/** `wake`: waiters to wake (the next in line for a slot this admission took, or gave back). */
export type AdmissionResult = { granted: true; wake: string[] } | { granted: false; waiting_for: 'org_slot' | 'entity_lock'; wake?: string[] };

/** The queue of executions waiting for one of their org's slots. */
export const ORG_QUEUE = 'org';
/** The queue of executions waiting for an entity's lock (the store counts its waiters on the lock). */
export const entityQueue = (entityId: string): string => `entity#${entityId}`;

/** Arrival order: creation time, then id (ids break ties within a millisecond). */
export const arrivalPosition = (state: Pick<ExecutionState, 'created_at' | 'execution_id'>): string =>
  `${new Date(state.created_at).toISOString()}#${state.execution_id}`;

/**
 * Admission control before an execution runs actions: one of the org's slots (at most N
 * executions of an org run at once) and the lock of its entity (executions acting on one
 * entity run one at a time). Both are held only while actions run. Executions that cannot get
 * them wait in per-org and per-entity queues, in arrival order; whoever releases wakes the
 * oldest waiter. A newcomer never overtakes an older waiter.
 *
 * Two ways through. When nobody waits (the store counts waiters on the slot counter and the
 * lock), slot and lock are taken in one step and given back in one step. Otherwise, or when that
 * step fails for any reason, the queued way below decides: look at the queue's head, acquire,
 * queue, wake.
 */
export class Admission {
  constructor(
    private readonly store: AdmissionStore,
    private readonly settings: AdmissionSettings,
  ) {}

  async admit(state: ExecutionState, now: number, isWaiting: IsWaiting): Promise<AdmissionResult> {
    const org = state.org_id;
    const me = state.execution_id;
    const lock = state.entity_id ? { entityId: state.entity_id, now, leaseUntil: now + this.settings.lockLeaseMs } : undefined;
    const fast = await this.store.tryAdmit(org, me, this.settings.orgConcurrency, lock);
    if (fast === 'granted') return { granted: true, wake: [] };
    return this.admitQueued(state, now, isWaiting, fast === 'holding');
  }

  /** Admission when someone waits (or the one step failed): the queues decide, in arrival order. */
  private async admitQueued(state: ExecutionState, now: number, isWaiting: IsWaiting, holdsSlot: boolean): Promise<AdmissionResult> {
    const org = state.org_id;
    const me = state.execution_id;
    const position = arrivalPosition(state);
    let wake: string[] = [];
    if (!holdsSlot) {
      if (!(await this.take(org, ORG_QUEUE, position, me, isWaiting, () => this.store.acquireSlot(org, me, this.settings.orgConcurrency)))) {
        return { granted: false, waiting_for: 'org_slot' };
      }
      // Several releases can wake the same oldest waiter before it takes its slot, so a wake can
      // be spent twice and slots stay free behind a long queue. Each waiter that gets a slot
      // therefore wakes the next one: the chain goes on while slots are free, and stops (the
      // woken one simply waits on) when they are not.
      const next = await this.liveHead(org, ORG_QUEUE, isWaiting, me);
      if (next) wake = [next.execution_id];
    }
    if (state.entity_id) {
      const entity = state.entity_id;
      const locked = await this.take(org, entityQueue(entity), position, me, isWaiting, () =>
        this.store.acquireLock(org, entity, me, now, now + this.settings.lockLeaseMs),
      );
      if (!locked) {
        // Do not sit on an org slot while waiting for the entity: others can use it meanwhile,
        // starting with the next in line for a slot.
        await this.store.releaseSlot(org, me);
        return { granted: false, waiting_for: 'entity_lock', wake };
      }
    }
    return { granted: true, wake };
  }

  /** Releases what the execution holds; returns the executions to wake (the oldest waiters). */
  async release(state: ExecutionState, isWaiting: IsWaiting): Promise<string[]> {
    if (await this.store.tryRelease(state.org_id, state.execution_id, state.entity_id)) return [];
    const org = state.org_id;
    const queues = [ORG_QUEUE];
    if (state.entity_id) {
      await this.store.releaseLock(org, state.entity_id, state.execution_id);
      queues.unshift(entityQueue(state.entity_id));
    }
    await this.store.releaseSlot(org, state.execution_id);
    const wake = new Set<string>();
    for (const queue of queues) {
      const head = await this.liveHead(org, queue, isWaiting, state.execution_id);
      if (head) wake.add(head.execution_id);
    }
    return [...wake];
  }

  /** The oldest waiter still waiting; waiters that ended meanwhile (cancelled) are dropped. */
  private async liveHead(org: string, queue: string, isWaiting: IsWaiting, self?: string): Promise<{ position: string; execution_id: string } | undefined> {
    for (;;) {
      const head = await this.store.head(org, queue);
      if (!head) return undefined;
      if (head.execution_id !== self && (await isWaiting(head.execution_id))) return head;
      await this.store.dequeue(org, queue, head.position);
    }
  }

  /**
   * Waits behind older waiters; otherwise tries to acquire. On failure it queues and tries once
   * more, so a release between the two steps cannot leave it waiting with nobody to wake it.
   */
  private async take(org: string, queue: string, position: string, me: string, isWaiting: IsWaiting, acquire: () => Promise<boolean>): Promise<boolean> {
    const head = await this.liveHead(org, queue, async (id) => id === me || isWaiting(id));
    const olderWaiter = head !== undefined && head.execution_id !== me && head.position < position;
    if (!olderWaiter && (await acquire())) {
      if (head?.execution_id === me) await this.store.dequeue(org, queue, position);
      return true;
    }
    if (head?.execution_id !== me) await this.store.enqueue(org, queue, position, me);
    if (olderWaiter) return false;
    if (await acquire()) {
      await this.store.dequeue(org, queue, position);
      return true;
    }
    return false;
  }
}
