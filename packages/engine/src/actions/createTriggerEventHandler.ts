import { TriggerEventConfigSchema } from '@autoflow/core';
import type { ActionDeps, ActionHandler } from './ActionHandler';
import { parseActionConfig } from './parseActionConfig';
import { renderTemplateOrThrow } from './renderTemplateOrThrow';

/**
 * trigger-event: publishes an `activity` event named `event_name` back into the engine, so
 * that flows with an activity trigger listing that name run next (see README.md). The event
 * carries this execution's lineage, which is what lets the listener stop chains of flows that
 * trigger each other. Its id is derived from the dispatch id, so a retried delivery of the
 * same attempt is de-duplicated by the ingress.
 */
export function createTriggerEventHandler(deps: Pick<ActionDeps, 'ingress'>): ActionHandler {
  return async (ctx) => {
    const config = parseActionConfig(TriggerEventConfigSchema, ctx);
    const data = { ...ctx.entity, entity: ctx.entity, trigger: ctx.trigger, outputs: ctx.outputs };
    const payload = renderLeaves(config.event_inputs ?? {}, data, 'event_inputs') as Record<string, unknown>;
    const event = {
      event_id: `evt-${ctx.dispatch_id}`,
      org_id: ctx.org_id,
      type: 'activity',
      occurred_at: new Date(ctx.clock.now()).toISOString(),
      ...(ctx.entity === undefined ? {} : { entity: ctx.entity }),
      activity: { type: config.event_name },
      payload,
      lineage: ctx.lineage,
    };
    await deps.ingress.publish([event]);
    return { outputs: { event_id: event.event_id, event_name: config.event_name } };
  };
}

/** Renders every string leaf that holds a template; other values are kept as they are. */
function renderLeaves(value: unknown, data: unknown, path: string): unknown {
  if (typeof value === 'string') return value.includes('{{') ? renderTemplateOrThrow(value, data, path) : value;
  if (Array.isArray(value)) return value.map((item, index) => renderLeaves(item, data, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') continue;
      out[key] = renderLeaves(item, data, `${path}.${key}`);
    }
    return out;
  }
  return value;
}
