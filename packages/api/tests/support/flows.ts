/** An order's status changed from `from` to `to` (entity_operation trigger with a diff filter). */
export const orderStatusChanged = (from: string, to: string) => ({
  type: 'entity_operation',
  configuration: {
    schema: 'order',
    operations: ['updateEntity'],
    filter_config: { operation: { operation: ['updateEntity'], payload: { status: [to] }, diff: { updated: { status: [from] } } } },
  },
});

/** A flow that calls two webhooks of the receiver when an order is placed. */
export const fulfilOrderFlow = (hooksUrl: string, name = 'Fulfil placed orders') => ({
  flow_name: name,
  triggers: [orderStatusChanged('open', 'placed')],
  actions: [
    { id: 'fulfil', name: 'Tell the warehouse', type: 'trigger-webhook', config: { url: `${hooksUrl}/fulfil` } },
    { id: 'notify', name: 'Tell the customer', type: 'trigger-webhook', config: { url: `${hooksUrl}/notify` } },
  ],
});

/** A flow started by hand whose only action calls the receiver. */
export const manualFlow = (hooksUrl: string, path: string) => ({
  flow_name: `manual ${path}`,
  triggers: [{ type: 'entity_manual', configuration: {} }],
  actions: [{ id: 'call', type: 'trigger-webhook', config: { url: `${hooksUrl}${path}` } }],
});

/** What a `noop` action does (register it with `customHandlers`): succeed at once, touching nothing. */
export const noopHandler = async () => ({ outputs: { ok: true } });

/** A flow started by hand from entities of `schema` (bulk jobs start it so), with `actions` noop actions. */
export const noopFlow = (schema: string, actions = 1) => ({
  flow_name: `noop on ${schema}`,
  triggers: [{ type: 'entity_manual', configuration: { schema } }],
  actions: Array.from({ length: actions }, (_, i) => ({ id: `noop-${i + 1}`, type: 'noop', config: {} })),
});
