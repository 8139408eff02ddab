import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** epilot's published OpenAPI document, read from the installed client (not copied into the repo). */
export function loadEpilotSpec(): EpilotSpec {
  const dir = dirname(require.resolve('@epilot/automation-client/package.json'));
  return JSON.parse(readFileSync(join(dir, 'dist/openapi.json'), 'utf8')) as EpilotSpec;
}

export interface EpilotSpec {
  components: { schemas: Record<string, Record<string, unknown>> };
  paths: Record<string, Record<string, unknown>>;
}

/** A flow as a tenant would write it: several triggers, a branch, a delay and every built-in action. */
export function realisticFlow(): Record<string, unknown> {
  return {
    $schema: './flow.schema.json',
    flow_name: 'Order placed: notify ERP, tag, email, follow up',
    enabled: true,
    entity_schema: 'order',
    triggers: [
      {
        id: 'order-placed',
        type: 'entity_operation',
        configuration: {
          schema: 'order',
          operations: ['updateEntity'],
          exclude_activities: ['SyncEntity'],
          filter_config: {
            operation: {
              operation: ['updateEntity'],
              payload: { _schema: ['order'], status: ['placed'] },
              diff: { updated: { status: ['open_for_acceptance'] } },
            },
            activity: { type: ['EntityUpdated', { prefix: 'EntityUpdatedFrom' }] },
          },
        },
      },
      { id: 'manual', type: 'entity_manual', configuration: { schema: 'order' } },
    ],
    trigger_conditions: [{ source: 'total_amount', comparison: 'not_empty' }],
    conditions: [
      {
        id: 'is-business',
        statements: [
          {
            source: { origin: 'trigger', originType: 'entity', id: 'order-placed', schema: 'order', attribute: 'customer_type', attributeType: 'select' },
            operation: 'equals',
            values: ['business'],
          },
        ],
      },
    ],
    schedules: [
      { id: 'three-days-later', numberOfUnits: 3, timePeriod: 'days', timeRelation: 'after', source: { id: 'order-placed', origin: 'trigger' } },
    ],
    actions: [
      {
        id: 'notify-erp',
        name: 'Notify ERP',
        type: 'trigger-webhook',
        config: {
          url: 'https://erp.example.com/hooks/orders',
          headers: { 'X-Order': '{{order_number}}' },
          timeout_ms: 10_000,
          secret_ref: 'erp-signing-key',
        },
        retry_policy: { max_attempts: 5, initial_delay_ms: 2_000, backoff_rate: 2, max_delay_ms: 60_000, jitter: 'full', non_retryable_error_codes: ['BAD_CONFIG'] },
        timeout_ms: 30_000,
      },
      {
        id: 'tag-order',
        name: 'Tag the order',
        type: 'map-entity',
        config: {
          target_schema: 'order',
          target: 'self',
          mapping_attributes: [
            { target: '_tags', operation: { _append: ['placed'], _uniq: true } },
            { target: 'confirmation', operation: { _template: 'Order {{order_number}} confirmed' } },
            { target: 'contact_email', operation: { _copy: ['billing_contact.email', 'customer.email'] } },
          ],
        },
      },
      {
        id: 'email-customer',
        name: 'Confirm to the customer',
        type: 'send-email',
        allow_failure: true,
        config: {
          to: ['{{customer_email}}'],
          bcc: 'archive@example.com',
          subject: 'Your order {{order_number}}',
          html: '<p>Hi {{customer_name}}, your order {{order_number}} is placed.</p>',
        },
      },
      {
        id: 'business-follow-up',
        name: 'Business follow-up',
        type: 'trigger-event',
        condition_id: 'is-business',
        schedule_id: 'three-days-later',
        config: { event_name: 'order_follow_up', event_inputs: { channel: 'sales' } },
      },
      { id: 'credit-check', name: 'Credit check', type: 'credit-check', config: { provider: 'schufa', threshold: 0.7, nested: { any: ['thing'] } } },
      { id: 'stop', name: 'Stop', type: 'cancel-flow-execution', condition_id: 'is-business', config: { extra_description: 'done' } },
    ],
    max_executions: { count: 100, window: 'PT1M' },
  };
}
