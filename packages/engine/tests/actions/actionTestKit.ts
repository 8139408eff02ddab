/**
 * Small in-memory implementations of the engine's own ports, for handler specifications.
 * End-to-end tests elsewhere run the handlers against the real stores.
 */
import type { ActionContext, ActionDeps, ActionSettings } from '../../src/actions';
import type {
  ConfigStore,
  EmailSender,
  EmailTemplate,
  Entity,
  EntityStore,
  EntityWriteMeta,
  EventIngress,
  Lineage,
  OutgoingEmail,
  WebhookTarget,
} from '../../src/ports';
import { silentLogger } from '../../src/ports';

export const ORG = 'org-1';
export const NOW = Date.parse('2025-03-01T12:00:00.000Z');

export interface EntityWrite {
  kind: 'create' | 'update';
  orgId: string;
  entityId: string;
  patch: Record<string, unknown>;
  meta: EntityWriteMeta | undefined;
}

export class MemoryEntityStore implements EntityStore {
  readonly writes: EntityWrite[] = [];
  private readonly items = new Map<string, Entity>();
  private sequence = 0;

  seed(orgId: string, entity: Entity): void {
    this.items.set(`${orgId}/${entity._id}`, structuredClone(entity));
  }

  async get(orgId: string, entityId: string): Promise<Entity | undefined> {
    const found = this.items.get(`${orgId}/${entityId}`);
    return found === undefined ? undefined : structuredClone(found);
  }

  async create(orgId: string, entity: Omit<Entity, '_id'> & { _id?: string }, meta?: EntityWriteMeta): Promise<Entity> {
    this.sequence += 1;
    const created = { ...entity, _id: entity._id ?? `ent-${this.sequence}` } as Entity;
    this.items.set(`${orgId}/${created._id}`, structuredClone(created));
    const { _id, _schema, ...patch } = created;
    this.writes.push({ kind: 'create', orgId, entityId: created._id, patch, meta });
    return created;
  }

  async update(orgId: string, entityId: string, patch: Record<string, unknown>, meta?: EntityWriteMeta): Promise<Entity> {
    const current = this.items.get(`${orgId}/${entityId}`);
    if (current === undefined) throw new Error(`no entity ${entityId}`);
    const next = { ...current, ...structuredClone(patch) };
    this.items.set(`${orgId}/${entityId}`, next);
    this.writes.push({ kind: 'update', orgId, entityId, patch, meta });
    return structuredClone(next);
  }

  async delete(orgId: string, entityId: string): Promise<boolean> {
    return this.items.delete(`${orgId}/${entityId}`);
  }
}

export class MemoryConfigStore implements ConfigStore {
  private readonly templates = new Map<string, EmailTemplate>();
  private readonly targets = new Map<string, WebhookTarget>();

  async getEmailTemplate(orgId: string, templateId: string): Promise<EmailTemplate | undefined> {
    return this.templates.get(`${orgId}/${templateId}`);
  }

  async putEmailTemplate(orgId: string, template: EmailTemplate): Promise<void> {
    this.templates.set(`${orgId}/${template.id}`, template);
  }

  async getWebhookTarget(orgId: string, targetId: string): Promise<WebhookTarget | undefined> {
    return this.targets.get(`${orgId}/${targetId}`);
  }

  async putWebhookTarget(orgId: string, target: WebhookTarget): Promise<void> {
    this.targets.set(`${orgId}/${target.id}`, target);
  }
}

export class MemoryEmailSender implements EmailSender {
  readonly sent: OutgoingEmail[] = [];

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    this.sent.push(email);
    return { messageId: `msg-${this.sent.length}` };
  }
}

export class MemoryIngress implements EventIngress {
  readonly published: Array<{ event_id: string; org_id: string; [k: string]: unknown }> = [];

  async publish(events: Array<{ event_id: string; org_id: string; [k: string]: unknown }>): Promise<void> {
    this.published.push(...events);
  }
}

export interface TestDeps extends ActionDeps {
  entities: MemoryEntityStore;
  config: MemoryConfigStore;
  email: MemoryEmailSender;
  ingress: MemoryIngress;
}

export function makeDeps(settings: Partial<ActionSettings> = {}): TestDeps {
  return {
    entities: new MemoryEntityStore(),
    config: new MemoryConfigStore(),
    email: new MemoryEmailSender(),
    ingress: new MemoryIngress(),
    clock: { now: () => NOW },
    settings: {
      emailFrom: 'automation@autoflow.example',
      webhookSigningSecret: 'installation-secret',
      allowPrivateWebhookTargets: true,
      webhookTimeoutMs: 5_000,
      ...settings,
    },
  };
}

export const LINEAGE: Lineage = { execution_id: 'exe-1', flow_id: 'flow-1', chain: ['flow-1'], depth: 1 };

export const CONTACT: Entity = {
  _id: 'contact-1',
  _schema: 'contact',
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: [{ email: 'ada@example.com' }],
  status: 'active',
};

export function makeContext(
  type: string,
  config: Record<string, unknown> | undefined,
  overrides: Partial<ActionContext> = {},
): ActionContext {
  return {
    org_id: ORG,
    execution_id: 'exe-1',
    resume_token: 'test-resume-token',
    flow_id: 'flow-1',
    flow_name: 'Welcome flow',
    action: { id: 'action-1', type, ...(config === undefined ? {} : { config }) },
    action_index: 0,
    attempt: 1,
    dispatch_id: 'exe-1:0:1',
    entity: CONTACT,
    trigger: {
      event_id: 'event-1',
      type: 'entity_operation',
      operation: 'updateEntity',
      diff: { updated: { status: 'lead' } },
      activity: { type: 'EntityUpdated' },
      source_id: 'src-1',
      payload: { status: 'active' },
    },
    outputs: {},
    lineage: LINEAGE,
    signal: new AbortController().signal,
    clock: { now: () => NOW },
    logger: silentLogger,
    ...overrides,
  };
}
