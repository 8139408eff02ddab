import type { ActionResult, ExecutionState } from '@autoflow/core';
import type { ExecutionRecord, NewExecution } from './model';

/** The execution items the hot path reads and writes: the listener, the dispatcher and the workers. */
export interface ExecutionLog {
  /** Creates the execution unless it exists; the state item is written last. */
  create(input: NewExecution): Promise<'created' | 'exists'>;
  getState(orgId: string, executionId: string): Promise<ExecutionState | undefined>;
  /** The whole item collection: state, snapshots and every result. */
  load(orgId: string, executionId: string): Promise<ExecutionRecord | undefined>;
  /** Writes `next` only if the stored state still has `expectSeq`; else throws ConflictError with the current state. */
  writeState(next: ExecutionState, expectSeq: number): Promise<void>;
  /**
   * Writes a worker's result once; a second write for the same attempt is refused. `claimedSeq`
   * is the seq of the state the worker claimed (it tells the dispatcher which state to decide on).
   */
  putResult(orgId: string, executionId: string, result: ActionResult, claimedSeq?: number): Promise<'created' | 'exists'>;
}

/** The execution log plus what the API, the sweeper and bulk jobs read. */
export interface ExecutionStore extends ExecutionLog {
  /** States of several executions of one org (unknown ids are left out). */
  getStates(orgId: string, executionIds: readonly string[]): Promise<ExecutionState[]>;
  getResult(orgId: string, executionId: string, index: number, attempt: number): Promise<ActionResult | undefined>;
  /** Executions not yet final, across orgs, for the sweeper. */
  listActive(): AsyncIterable<{ org_id: string; execution_id: string }>;
  /** Executions of one org for one entity, newest first. */
  listByEntity(orgId: string, entityId: string, limit?: number): Promise<ExecutionState[]>;
  /** One page of an entity's executions, newest first, with how many there are in all (offset paging). */
  pageByEntity(orgId: string, entityId: string, page: { from: number; size: number }): Promise<{ total: number; states: ExecutionState[] }>;
  /**
   * The org's executions, newest first, a page at a time. `cursor` is opaque: the one a page
   * returned fetches the next; a page without one is the last. A cursor that is not one of this
   * org's is refused with a ValidationError.
   */
  searchByOrg(orgId: string, page: { size: number; cursor?: string }): Promise<{ states: ExecutionState[]; cursor?: string }>;
}
