import type { DispatchMessage, WorkerRunner } from '@autoflow/engine';
import type { EventBridgeEvent } from 'aws-lambda';
import { z } from 'zod';

const DispatchMessageSchema = z.object({
  dispatch: z.object({
    org_id: z.string().min(1),
    execution_id: z.string().min(1),
    flow_id: z.string().min(1),
    index: z.number().int().nonnegative(),
    attempt: z.number().int().positive(),
    action_id: z.string().min(1),
    action_type: z.string().min(1),
    dispatch_id: z.string().min(1),
    expect_seq: z.number().int().nonnegative(),
  }),
  next: z.looseObject({ org_id: z.string(), execution_id: z.string(), seq: z.number().int(), acts: z.array(z.any()) }),
  work: z
    .looseObject({
      action: z.looseObject({ id: z.string().min(1), type: z.string().min(1) }),
      flow_name: z.string(),
      timeout_ms: z.number().int().positive().optional(),
      outputs: z.record(z.string(), z.record(z.string(), z.unknown())),
    })
    .optional(),
});

/**
 * A worker's EventBridge handler. A malformed dispatch is a bug upstream, never worth a retry:
 * it is logged and dropped. Errors from the store are thrown so EventBridge retries the event.
 */
export function createWorkerHandler(worker: WorkerRunner, log: (message: string, extra: object) => void = () => {}) {
  return async (event: EventBridgeEvent<string, unknown>): Promise<{ outcome: string }> => {
    const parsed = DispatchMessageSchema.safeParse(event.detail);
    if (!parsed.success) {
      log('malformed dispatch event dropped', { id: event.id, issues: parsed.error.issues });
      return { outcome: 'malformed' };
    }
    return { outcome: await worker.run(parsed.data as unknown as DispatchMessage) };
  };
}
