/**
 * The engine's ports. Adapters (packages/aws for DynamoDB, EventBridge, SQS, SES; packages/local
 * for the embedded stand-ins) implement them; use cases depend on nothing else.
 */
import type { ActionResult, Dispatch, ExecutionState, FlowLike } from '@autoflow/core';
import type { BulkEntityProgress, BulkJob, BulkJobStatus, EntityRef } from '../bulk/BulkJob';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface Logger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Lineage of an event caused by an automation: stops feedback loops between flows. */
export interface Lineage {
  execution_id: string;
  flow_id: string;
  /** flow ids, oldest first, including the flow that caused the event */
  chain: string[];
  depth: number;
}

export type Entity = Record<string, unknown> & { _id: string; _schema: string };

/** The trigger as stored with an execution (the entity itself is in its own snapshot item). */
export interface TriggerSnapshot {
  event_id: string;
  type: string;
  operation?: string;
  occurred_at?: string;
  diff?: { added?: Record<string, unknown>; updated?: Record<string, unknown>; deleted?: Record<string, unknown> };
  activity?: { id?: string; type: string; [k: string]: unknown };
  source_id?: string;
  payload?: Record<string, unknown>;
  trigger_context?: Record<string, string>;
  lineage?: Lineage;
  trigger_id?: string;
  /** the bulk job that started the execution */
  bulk_job_id?: string;
}

/** Everything stored about one execution, read in one query of its item collection. */
export interface ExecutionRecord<Flow = StoredFlow> {
  state: ExecutionState;
  flow: Flow;
  entity?: Entity;
  trigger?: TriggerSnapshot;
  results: ActionResult[];
}

/** The flow as the execution saw it (only the fields the engine reads are typed). */
export interface StoredFlow {
  id: string;
  org_id: string;
  flow_name: string;
  version?: number;
  enabled?: boolean;
  triggers: FlowLike['triggers'];
  trigger_conditions?: FlowLike['trigger_conditions'];
  actions: Array<{ id: string; type: string; name?: string; config?: Record<string, unknown>; [k: string]: unknown }>;
  conditions?: Array<{ id?: string; statements?: unknown[]; [k: string]: unknown }>;
  [k: string]: unknown;
}

export interface NewExecution {
  state: ExecutionState;
  flow: StoredFlow;
  entity?: Entity;
  trigger: TriggerSnapshot;
}

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

/** epilot's `searchFlows` query: flows of a schema or a trigger source, offset paging. */
export interface FlowSearchQuery {
  /** entity schema the flow reacts to */
  schema?: string;
  /** journey, frontend or API source of one of its triggers */
  trigger_source_id?: string;
  /** include flows started from workflows (`flows_trigger`); left out unless true */
  include_flows?: boolean;
  from: number;
  size: number;
}

export interface FlowStore<Flow extends StoredFlow = StoredFlow> {
  get(orgId: string, flowId: string): Promise<Flow | undefined>;
  put(flow: Flow): Promise<Flow>;
  delete(orgId: string, flowId: string): Promise<boolean>;
  list(orgId: string): Promise<Flow[]>;
  /** Flows filed under any of the index keys (see core `eventIndexKeys`); `consistent` reads strongly consistently. */
  candidates(orgId: string, indexKeys: readonly string[], options?: { consistent?: boolean }): Promise<Flow[]>;
  /** The org's flow-set version: it changes with every save, delete and system disable of one of its flows. */
  catalogVersion(orgId: string): Promise<number>;
  /** Calls `listener` after each change this store instance makes to an org's flows (in-process only). */
  onChange?(listener: (orgId: string) => void): void;
  incrementRuns(orgId: string, flowId: string, by?: number): Promise<void>;
  /** Disables a flow that went hot (`disabled_by: system`); false if it was already disabled. */
  disableBySystem(orgId: string, flowId: string, at: string): Promise<boolean>;
  /** The org's flows that answer the query (see `matchesFlowSearch`), newest first, one page, with the total. */
  search(orgId: string, query: FlowSearchQuery): Promise<{ total: number; results: Flow[] }>;
  /** The org's flows with these ids, in no particular order; unknown ids are left out. */
  batchGet(orgId: string, flowIds: readonly string[]): Promise<Flow[]>;
}

/**
 * Org slots, entity locks and the queues of executions waiting for them. Every call is
 * idempotent for the same execution, so a replayed admission changes nothing.
 */
export interface AdmissionStore {
  /** Takes one of the org's `cap` slots for the execution (true if it holds one now). */
  acquireSlot(orgId: string, executionId: string, cap: number): Promise<boolean>;
  releaseSlot(orgId: string, executionId: string): Promise<void>;
  /** Takes the entity's lock, or renews it for its holder; an expired lock can be taken over. */
  acquireLock(orgId: string, entityId: string, executionId: string, now: number, leaseUntil: number): Promise<boolean>;
  releaseLock(orgId: string, entityId: string, executionId: string): Promise<void>;
  enqueue(orgId: string, queue: string, position: string, executionId: string): Promise<void>;
  dequeue(orgId: string, queue: string, position: string): Promise<void>;
  /** The oldest waiter of a queue. */
  head(orgId: string, queue: string): Promise<{ position: string; execution_id: string } | undefined>;
  /** How many wait in a queue, counted up to `upTo` (enough to decide, never a full read of a long queue). */
  waiting(orgId: string, queue: string, upTo: number): Promise<number>;
}

/** Expiring counters for the hot-flow checks. */
export interface GuardStore {
  /** Adds one to the counter of a window, atomically, and returns the new count. */
  increment(orgId: string, key: string, windowStart: number, expiresAt: number): Promise<number>;
  /** Adds `n` to the counter only if it stays within `limit`; false (and nothing added) otherwise. */
  tryAdd(orgId: string, key: string, windowStart: number, expiresAt: number, n: number, limit: number): Promise<boolean>;
}

export interface EntityWriteMeta {
  lineage?: Lineage;
  activity?: { type: string; caller?: Record<string, unknown> };
}

export interface EntityStore {
  get(orgId: string, entityId: string): Promise<Entity | undefined>;
  create(orgId: string, entity: Omit<Entity, '_id'> & { _id?: string }, meta?: EntityWriteMeta): Promise<Entity>;
  /** Merges top-level attributes into the entity. */
  update(orgId: string, entityId: string, patch: Record<string, unknown>, meta?: EntityWriteMeta): Promise<Entity>;
  delete(orgId: string, entityId: string, meta?: EntityWriteMeta): Promise<boolean>;
}

/** The message a worker receives: what to run and the state its claim commits. */
export interface DispatchMessage {
  dispatch: Dispatch;
  next: ExecutionState;
  /** what the action runs on, carried so the worker reads nothing (absent when too large to carry) */
  work?: DispatchWork;
}

/** What a worker needs besides the dispatch: the action from the flow snapshot and what its templates read. */
export interface DispatchWork {
  action: StoredFlow['actions'][number];
  flow_name: string;
  /** the action's own timeout (plan), if it has one */
  timeout_ms?: number | undefined;
  entity?: Entity;
  trigger?: TriggerSnapshot;
  /** outputs of the actions that succeeded so far, by action id */
  outputs: Record<string, Record<string, unknown>>;
}

export interface DispatchPublisher {
  publish(messages: DispatchMessage[]): Promise<void>;
}

/** Where platform events enter the engine (the FIFO trigger queue). */
export interface EventIngress {
  publish(events: Array<{ event_id: string; org_id: string; [k: string]: unknown }>): Promise<void>;
}

/** Where events that can never be processed go, with the reason. */
export interface DeadLetterSink {
  reject(input: { body: string; reason: string; problems?: Array<{ path: string; message: string }>; orgId?: string }): Promise<void>;
}

export interface OutgoingEmail {
  from: string;
  to: string[];
  cc?: string[];
  bcc?: string[];
  replyTo?: string[];
  subject: string;
  html?: string;
  text?: string;
}

export interface EmailSender {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}

export interface EmailTemplate {
  id: string;
  from?: string;
  to?: string | string[];
  cc?: string | string[];
  bcc?: string | string[];
  subject: string;
  html?: string;
  text?: string;
}

export interface WebhookTarget {
  id: string;
  url: string;
  secret?: string;
  headers?: Record<string, string>;
}

/** Per-org configuration objects referenced by flows: email templates and webhook targets. */
export interface ConfigStore {
  getEmailTemplate(orgId: string, templateId: string): Promise<EmailTemplate | undefined>;
  putEmailTemplate(orgId: string, template: EmailTemplate): Promise<void>;
  getWebhookTarget(orgId: string, targetId: string): Promise<WebhookTarget | undefined>;
  putWebhookTarget(orgId: string, target: WebhookTarget): Promise<void>;
}

/** Which entities a bulk job runs over: listed refs, or a filter over the entity store. */
export type EntitySelection = { refs: EntityRef[] } | { filter: unknown[] };

export interface EntityPage {
  entities: Entity[];
  /** listed refs that do not exist */
  missing: EntityRef[];
  /** where the next page starts; absent on the last page */
  cursor?: string;
}

/** Pages through the entities a selection names, lazily, with an opaque cursor. */
export interface EntitySource {
  page(orgId: string, selection: EntitySelection, page: { size: number; cursor?: string }): Promise<EntityPage>;
}

/** One entity a bulk runner hands over: its progress row, and the execution to start with it. */
export interface BulkStartEntry {
  progress: BulkEntityProgress;
  execution?: NewExecution;
}

export interface BulkJobChange {
  /** the job must be in one of these */
  from: readonly BulkJobStatus[];
  /** and, when given, carry this approval token */
  token?: string;
  set: Partial<Omit<BulkJob, 'job_id' | 'org_id'>>;
}

/** Counts a page of a bulk job adds to its running totals. */
export interface BulkPageRecord {
  pagination_state: BulkJob['pagination_state'];
  started: number;
  suppressed: Record<string, number>;
  status: BulkJobStatus;
}

/** Bulk jobs and their per-entity progress. Every change is conditional on the job's status. */
export interface BulkJobStore {
  create(job: BulkJob): Promise<void>;
  get(orgId: string, jobId: string): Promise<BulkJob | undefined>;
  /** Applies the change; throws ConflictError carrying the current job when its condition fails. */
  transition(orgId: string, jobId: string, change: BulkJobChange): Promise<{ before: BulkJob; after: BulkJob; callbackToken?: string }>;
  /** Records the state machine's callback token of the approval step (once) and returns the job as it is. */
  setCallbackToken(orgId: string, jobId: string, callbackToken: string): Promise<BulkJob>;
  /** Adds a processed page to the job's totals while it may start executions; false when it no longer may. */
  recordPage(orgId: string, jobId: string, page: BulkPageRecord): Promise<boolean>;
  /** Which of these entities already have a progress row. */
  existingProgress(orgId: string, jobId: string, entityIds: readonly string[]): Promise<Set<string>>;
  /**
   * Writes the progress rows and starts the executions in one atomic step that holds only while
   * the job may start executions. Rows that exist already are left out (their entities were
   * handed over before). `halted`: the job was cancelled or stopped, nothing was written.
   */
  startEntities(orgId: string, jobId: string, entries: readonly BulkStartEntry[]): Promise<{ started: string[]; existing: string[]; halted: boolean }>;
  /** The job's progress rows in entity order, a page at a time. */
  pageProgress(orgId: string, jobId: string, page: { size: number; cursor?: string }): Promise<{ items: BulkEntityProgress[]; cursor?: string }>;
}

/** The state machine that runs bulk jobs (Step Functions on AWS, the local interpreter on the embedded stack). */
export interface BulkJobMachine {
  /** Starts the job's run; starting a job that runs already changes nothing. */
  start(job: { org_id: string; job_id: string }): Promise<void>;
  /** Completes the approval step: the run goes on. */
  approve(callbackToken: string): Promise<void>;
  /** Fails the approval step with `BulkJobCancelled`: the run ends without starting anything. */
  cancel(callbackToken: string, reason: string): Promise<void>;
}
