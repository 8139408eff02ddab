import { type ActionResult, ConflictError, type ExecutionState, wakesDispatcher } from '@autoflow/core';
import type { DispatchMessage, DispatchPublisher, ExecutionLog, ExecutionRecord, NewExecution } from '../../src/ports';

/** What the executions stream would hand the dispatcher after a write (records its filter lets through). */
export type StreamRecord = { kind: 'state'; state: ExecutionState } | { kind: 'result'; org_id: string; execution_id: string; result: ActionResult; claimed_seq?: number };

const clone = <T>(v: T): T => structuredClone(v);

/**
 * The hot path's execution items in memory, with the DynamoDB adapter's conditions: creation only
 * if absent, state writes only at the expected seq, one result per attempt. It counts every call
 * and keeps, like the stream and its filter, the records that would wake the dispatcher.
 */
export class InMemoryExecutionLog implements ExecutionLog {
  readonly calls: string[] = [];
  readonly stream: StreamRecord[] = [];
  private readonly states = new Map<string, ExecutionState>();
  private readonly snapshots = new Map<string, Omit<NewExecution, 'state'>>();
  private readonly results = new Map<string, ActionResult[]>();

  private key(org: string, id: string): string {
    return `${org}/${id}`;
  }

  async create(input: NewExecution): Promise<'created' | 'exists'> {
    this.calls.push('create');
    const key = this.key(input.state.org_id, input.state.execution_id);
    if (this.states.has(key)) return 'exists';
    const { state, ...snapshot } = clone(input);
    this.snapshots.set(key, snapshot);
    this.states.set(key, state);
    if (wakesDispatcher(state)) this.stream.push({ kind: 'state', state: clone(state) });
    return 'created';
  }

  async getState(orgId: string, executionId: string): Promise<ExecutionState | undefined> {
    this.calls.push('getState');
    return clone(this.states.get(this.key(orgId, executionId)));
  }

  async load(orgId: string, executionId: string): Promise<ExecutionRecord | undefined> {
    this.calls.push('load');
    const key = this.key(orgId, executionId);
    const state = this.states.get(key);
    const snapshot = this.snapshots.get(key);
    if (!state || !snapshot) return undefined;
    return clone({ state, ...snapshot, results: this.results.get(key) ?? [] });
  }

  async writeState(next: ExecutionState, expectSeq: number): Promise<void> {
    this.calls.push('writeState');
    const key = this.key(next.org_id, next.execution_id);
    const current = this.states.get(key);
    if (!current || current.seq !== expectSeq) throw new ConflictError(`execution ${next.execution_id} changed (expected seq ${expectSeq})`, clone(current));
    this.states.set(key, clone(next));
    if (wakesDispatcher(next)) this.stream.push({ kind: 'state', state: clone(next) });
  }

  async putResult(orgId: string, executionId: string, result: ActionResult, claimedSeq?: number): Promise<'created' | 'exists'> {
    this.calls.push('putResult');
    const list = this.results.get(this.key(orgId, executionId)) ?? [];
    if (list.some((r) => r.index === result.index && r.attempt === result.attempt)) return 'exists';
    list.push(clone(result));
    this.results.set(this.key(orgId, executionId), list);
    this.stream.push({ kind: 'result', org_id: orgId, execution_id: executionId, result: clone(result), ...(claimedSeq !== undefined ? { claimed_seq: claimedSeq } : {}) });
    return 'created';
  }

  /** Takes the stream records written since the last call. */
  drain(): StreamRecord[] {
    return this.stream.splice(0);
  }

  resetCalls(): void {
    this.calls.length = 0;
  }
}

/** Collects published dispatches, as the automation bus would deliver them to workers. */
export class CollectingPublisher implements DispatchPublisher {
  readonly messages: DispatchMessage[] = [];

  async publish(messages: DispatchMessage[]): Promise<void> {
    this.messages.push(...clone(messages));
  }

  take(): DispatchMessage[] {
    return this.messages.splice(0);
  }
}
