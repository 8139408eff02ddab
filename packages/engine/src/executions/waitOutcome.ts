import type { ActionResult } from '@autoflow/core';
import type { RecentEvent } from '../ports';

/**
 * The result that ends a wait step with the event it waited for. Stored like a worker's result
 * for the attempt the wait started with: the event and the timeout race for the same item, and
 * the first write wins.
 */
export function waitEventResult(input: { index: number; action_id: string; attempt: number; started_at: number; now: number; event: RecentEvent }): ActionResult {
  const { event } = input;
  const entity = event.event.entity as { _id?: unknown } | undefined;
  return {
    index: input.index,
    action_id: input.action_id,
    attempt: input.attempt,
    status: 'success',
    started_at: input.started_at,
    ended_at: input.now,
    outputs: {
      outcome: 'event',
      waited_ms: Math.max(0, input.now - input.started_at),
      event: {
        event_id: event.event_id,
        type: event.type,
        ...(typeof event.event.occurred_at === 'string' ? { occurred_at: event.event.occurred_at } : {}),
        ...(typeof entity?._id === 'string' ? { entity_id: entity._id } : {}),
      },
    },
  };
}

/** How far back a wait step that starts looks for the event it waits for. */
export const WAIT_LOOKBACK_MS = 5 * 60_000;
