import { Status, ValidationError, issuesToProblems } from '@autoflow/core';
import type { BulkJobTasks } from '@autoflow/engine';
import { z } from 'zod';

const job = { org_id: z.string().min(1), job_id: z.string().min(1) };
const cursor = z.string().nullable().optional();
const failure = z.object({ entity_id: z.string(), execution_id: z.string(), execution_status: z.enum(Status), error: z.string() });
const tally = z.object({ by_status: z.partialRecord(z.enum(Status), z.number()), failures: z.array(failure), failures_truncated: z.boolean() });

/** What the state machine passes to each step (see bulkJobDefinition). */
export const BulkTaskInputSchema = z.discriminatedUnion('task', [
  z.object({ task: z.literal('await_approval'), ...job, callback_token: z.string().min(1) }),
  z.object({ task: z.literal('process_batch'), ...job, cursor, pages: z.int().min(0).nullable().optional() }),
  z.object({ task: z.literal('monitor'), ...job, cursor, tally: tally.nullable().optional() }),
  z.object({ task: z.literal('send_report'), ...job, tally }),
  z.object({ task: z.literal('record_failure'), ...job, error: z.looseObject({ Error: z.string().optional(), Cause: z.string().optional() }).nullable().optional() }),
]);

/** The bulk job steps behind one function: parse the step's input, run that use case. */
export function createBulkTasksHandler(tasks: BulkJobTasks) {
  return async (event: unknown): Promise<unknown> => {
    const parsed = BulkTaskInputSchema.safeParse(event);
    if (!parsed.success) throw new ValidationError('invalid bulk task input', issuesToProblems(parsed.error.issues));
    const input = parsed.data;
    switch (input.task) {
      case 'await_approval':
        return tasks.awaitApproval(input);
      case 'process_batch':
        return tasks.processBatch(input);
      case 'monitor':
        return tasks.monitor(input);
      case 'send_report':
        return (await tasks.sendReport(input)) ?? null;
      case 'record_failure':
        return tasks.recordFailure(input);
    }
  };
}
