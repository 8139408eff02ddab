/**
 * The engine's ports. Adapters (packages/aws for DynamoDB, EventBridge, SQS, SES; packages/local
 * for the embedded stand-ins) implement them; use cases depend on nothing else. Split by
 * consumer: runtime values (runtime.ts), the data they pass (model.ts), the execution items
 * (executions.ts), flows (flows.ts), bulk jobs (../bulk/ports.ts), and here the rest: admission,
 * guards, entities, dispatch, ingress, dead letters, email and per-org configuration.
 */
import type { DispatchMessage, Entity, Lineage } from './model';

/**
 * Org slots, entity locks and the queues of executions waiting for them. Every call is
 * idempotent for the same execution, so a replayed admission changes nothing.
 */
export interface AdmissionStore {
  /**
   * The common case in one step: takes one of the org's `cap` slots and, when given, the entity's
   * lock, both at once and only if nobody waits for either. `holding`: the execution holds a slot
   * already (a replay); `busy`: full, locked, someone waits, or a concurrent change: take the
   * queued way.
   */
  tryAdmit(orgId: string, executionId: string, cap: number, lock?: { entityId: string; now: number; leaseUntil: number }): Promise<'granted' | 'holding' | 'busy'>;
  /**
   * Gives back the slot and, when given, the lock in one step, only if nobody waits for either;
   * false (nothing changed) otherwise, or when it held nothing: take the queued way.
   */
  tryRelease(orgId: string, executionId: string, entityId?: string): Promise<boolean>;
  /** Takes one of the org's `cap` slots for the execution (true if it holds one now). */
  acquireSlot(orgId: string, executionId: string, cap: number): Promise<boolean>;
  releaseSlot(orgId: string, executionId: string): Promise<void>;
  /** Takes the entity's lock, or renews it for its holder; an expired lock can be taken over. */
  acquireLock(orgId: string, entityId: string, executionId: string, now: number, leaseUntil: number): Promise<boolean>;
  releaseLock(orgId: string, entityId: string, executionId: string): Promise<void>;
  /** Adds a waiter (once) and counts it on its queue's slot counter or lock, which the one-step paths check. */
  enqueue(orgId: string, queue: string, position: string, executionId: string): Promise<void>;
  /** Removes a waiter (once) and uncounts it. */
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

