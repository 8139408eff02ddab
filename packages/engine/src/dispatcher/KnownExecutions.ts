import type { ActionResult, ExecutionState } from '@autoflow/core';
import type { Entity, ExecutionRecord, StoredFlow, TriggerSnapshot } from '../ports';

/** What the dispatcher holds of one execution: its snapshots, the results it saw, its last dispatch. */
export class KnownExecution {
  private lastDispatched: ExecutionState | undefined;

  constructor(
    readonly flow: StoredFlow,
    readonly entity: Entity | undefined,
    readonly trigger: TriggerSnapshot | undefined,
    private readonly results: ActionResult[],
  ) {}

  /** The state the last dispatch asked its worker to claim. */
  get dispatched(): ExecutionState | undefined {
    return this.lastDispatched;
  }

  /** Records the state a dispatch just asked its worker to claim. */
  dispatchedState(next: ExecutionState): void {
    this.lastDispatched = next;
  }

  remember(result: ActionResult): void {
    if (!this.results.some((r) => r.index === result.index && r.attempt === result.attempt)) this.results.push(result);
  }

  /** Whether the results held include every one `state` counts as succeeded (what decisions read). */
  covers(state: ExecutionState): boolean {
    return state.acts.every((slot, index) => slot.s !== 'success' || this.results.some((r) => r.index === index && r.status === 'success'));
  }

  record(state: ExecutionState): ExecutionRecord {
    return {
      state,
      flow: this.flow,
      ...(this.entity ? { entity: this.entity } : {}),
      ...(this.trigger ? { trigger: this.trigger } : {}),
      results: [...this.results],
    };
  }
}

/**
 * The executions a dispatcher container saw lately, least recently used first out. A stream
 * shard's records of one execution reach one poller in order, so what it keeps is usually what
 * the next record needs; anything it lacks is read again, never guessed.
 */
export class KnownExecutions {
  private readonly entries = new Map<string, KnownExecution>();

  constructor(private readonly capacity: number) {}

  get(orgId: string, executionId: string): KnownExecution | undefined {
    const key = `${orgId}/${executionId}`;
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(record: ExecutionRecord): KnownExecution {
    const key = `${record.state.org_id}/${record.state.execution_id}`;
    const entry = new KnownExecution(record.flow, record.entity, record.trigger, [...record.results]);
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  forget(orgId: string, executionId: string): void {
    this.entries.delete(`${orgId}/${executionId}`);
  }
}
