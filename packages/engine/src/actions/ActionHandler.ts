import type { Clock, ConfigStore, EmailSender, Entity, EntityStore, EventIngress, Lineage, Logger, StoredFlow, TriggerSnapshot } from '../ports';

/** What an action handler gets: the action, the execution's data, and the ports it may use. */
export interface ActionContext {
  org_id: string;
  execution_id: string;
  flow_id: string;
  flow_name: string;
  /** the action as stored in the flow snapshot of the execution */
  action: StoredFlow['actions'][number];
  action_index: number;
  attempt: number;
  /** stable per attempt: receivers can de-duplicate deliveries with it */
  dispatch_id: string;
  /** the trigger entity as it was when the execution started */
  entity?: Entity;
  trigger?: TriggerSnapshot;
  /** outputs of the actions that already ran, by action id */
  outputs: Record<string, Record<string, unknown>>;
  /** lineage to stamp on anything this action causes (entity writes, events) */
  lineage: Lineage;
  /** single-use token that resumes the execution if this action returns `effect: 'pause'` */
  resume_token: string;
  /** aborted when the action's timeout expires */
  signal: AbortSignal;
  clock: Clock;
  logger: Logger;
}

export interface ActionOutcome {
  outputs?: Record<string, unknown>;
  /**
   * `cancel_execution`: the action ends its own execution (cancel-flow-execution);
   * `pause`: the execution waits until someone calls the public resume endpoint with
   * `ctx.resume_token` (hand it to whoever must confirm, e.g. in a link).
   */
  effect?: 'cancel_execution' | 'pause';
}

/** Runs one action. Throws AutomationError subclasses; retry is decided by the error type. */
export type ActionHandler = (ctx: ActionContext) => Promise<ActionOutcome>;

/** Ports and settings the built-in handlers need, given once per container. */
export interface ActionDeps {
  entities: EntityStore;
  ingress: EventIngress;
  email: EmailSender;
  config: ConfigStore;
  clock: Clock;
  settings: ActionSettings;
}

export interface ActionSettings {
  /** default sender for send-email */
  emailFrom: string;
  /** signs webhook bodies when the target has no secret of its own */
  webhookSigningSecret: string;
  /** allow webhooks to loopback, link-local and private addresses (embedded stack tests only) */
  allowPrivateWebhookTargets: boolean;
  /** default webhook timeout */
  webhookTimeoutMs: number;
}
