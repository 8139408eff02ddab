import type { AdmissionStore } from '../../src/ports';

const ENTITY_QUEUE_PREFIX = 'entity#';

/**
 * Org slots, entity locks and wait queues in memory, with the DynamoDB adapter's conditions:
 * holder items make taking a slot idempotent, waiters are counted on the slot counter or the lock,
 * and the one-step paths succeed only when nobody waits. Every call is counted.
 */
export class InMemoryAdmissionStore implements AdmissionStore {
  readonly calls: string[] = [];
  private readonly holders = new Map<string, Set<string>>();
  private readonly orgWaiting = new Map<string, number>();
  private readonly locks = new Map<string, { holder?: string; lease_until?: number; waiting: number }>();
  private readonly queues = new Map<string, Map<string, string>>();

  private slotsOf(org: string): Set<string> {
    let set = this.holders.get(org);
    if (!set) this.holders.set(org, (set = new Set()));
    return set;
  }

  private lockOf(org: string, entity: string) {
    const key = `${org}/${entity}`;
    let lock = this.locks.get(key);
    if (!lock) this.locks.set(key, (lock = { waiting: 0 }));
    return lock;
  }

  private queueOf(org: string, queue: string): Map<string, string> {
    const key = `${org}/${queue}`;
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = new Map()));
    return q;
  }

  private addWaiting(org: string, queue: string, by: number): void {
    if (queue.startsWith(ENTITY_QUEUE_PREFIX)) this.lockOf(org, queue.slice(ENTITY_QUEUE_PREFIX.length)).waiting += by;
    else this.orgWaiting.set(org, (this.orgWaiting.get(org) ?? 0) + by);
  }

  private lockFree(lock: { holder?: string; lease_until?: number }, me: string, now: number): boolean {
    return lock.holder === undefined || lock.holder === me || (lock.lease_until ?? 0) < now;
  }

  async tryAdmit(org: string, me: string, cap: number, lock?: { entityId: string; now: number; leaseUntil: number }) {
    this.calls.push('tryAdmit');
    const slots = this.slotsOf(org);
    if (slots.has(me)) return 'holding' as const;
    if (slots.size >= cap || (this.orgWaiting.get(org) ?? 0) > 0) return 'busy' as const;
    if (lock) {
      const l = this.lockOf(org, lock.entityId);
      if (!this.lockFree(l, me, lock.now) || l.waiting > 0) return 'busy' as const;
      l.holder = me;
      l.lease_until = lock.leaseUntil;
    }
    slots.add(me);
    return 'granted' as const;
  }

  async tryRelease(org: string, me: string, entityId?: string): Promise<boolean> {
    this.calls.push('tryRelease');
    const slots = this.slotsOf(org);
    if (!slots.has(me) || (this.orgWaiting.get(org) ?? 0) > 0) return false;
    if (entityId) {
      const l = this.lockOf(org, entityId);
      if (l.holder !== me || l.waiting > 0) return false;
      delete l.holder;
      delete l.lease_until;
    }
    slots.delete(me);
    return true;
  }

  async acquireSlot(org: string, me: string, cap: number): Promise<boolean> {
    this.calls.push('acquireSlot');
    const slots = this.slotsOf(org);
    if (slots.has(me)) return true;
    if (slots.size >= cap) return false;
    slots.add(me);
    return true;
  }

  async releaseSlot(org: string, me: string): Promise<void> {
    this.calls.push('releaseSlot');
    this.slotsOf(org).delete(me);
  }

  async acquireLock(org: string, entity: string, me: string, now: number, leaseUntil: number): Promise<boolean> {
    this.calls.push('acquireLock');
    const l = this.lockOf(org, entity);
    if (!this.lockFree(l, me, now)) return false;
    l.holder = me;
    l.lease_until = leaseUntil;
    return true;
  }

  async releaseLock(org: string, entity: string, me: string): Promise<void> {
    this.calls.push('releaseLock');
    const l = this.lockOf(org, entity);
    if (l.holder !== me) return;
    delete l.holder;
    delete l.lease_until;
  }

  async enqueue(org: string, queue: string, position: string, me: string): Promise<void> {
    this.calls.push('enqueue');
    const q = this.queueOf(org, queue);
    if (q.has(position)) return;
    q.set(position, me);
    this.addWaiting(org, queue, 1);
  }

  async dequeue(org: string, queue: string, position: string): Promise<void> {
    this.calls.push('dequeue');
    const q = this.queueOf(org, queue);
    if (!q.delete(position)) return;
    this.addWaiting(org, queue, -1);
  }

  async head(org: string, queue: string) {
    this.calls.push('head');
    const first = [...this.queueOf(org, queue).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[0];
    return first ? { position: first[0], execution_id: first[1] } : undefined;
  }

  async waiting(org: string, queue: string, upTo: number): Promise<number> {
    this.calls.push('waiting');
    return Math.min(upTo, this.queueOf(org, queue).size);
  }

  /** Test view: who holds a slot of the org, who holds the entity's lock. */
  holdersOf(org: string): string[] {
    return [...this.slotsOf(org)];
  }

  lockHolder(org: string, entity: string): string | undefined {
    return this.locks.get(`${org}/${entity}`)?.holder;
  }

  resetCalls(): void {
    this.calls.length = 0;
  }
}
