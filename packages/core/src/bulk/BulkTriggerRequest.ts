import { z } from 'zod';
import { REFINE_EVEN_IF_INVALID } from '../schemas/ValidationProblem';
import { EntitySearchFilterSchema } from './EntitySearchFilter';

/** Most entities one request may list by reference. */
export const MAX_BULK_ENTITY_REFS = 10_000;

/** The ways a bulk request selects entities; it names exactly one. */
export const BULK_ENTITY_SOURCES = ['entities_refs', 'entities_query', 'entities_filter'] as const;

export const EntityRefSchema = z.strictObject({ entity_id: z.string().min(1), entity_schema: z.string().min(1) });

/** Body of epilot's `bulkTriggerExecutions` (POST /v1/automation/executions/bulk-jobs). */
export const BulkTriggerRequestSchema = z
  .strictObject({
    flow_id: z.string().min(1),
    entities_refs: z.array(EntityRefSchema).min(1).max(MAX_BULK_ENTITY_REFS).optional(),
    entities_query: z.string().min(1).optional().describe('Lucene query string, as for epilot entity search.'),
    // an empty filter matches every entity, far too easy to send by accident for a bulk run
    entities_filter: EntitySearchFilterSchema.min(1).optional(),
    trigger_context: z.record(z.string(), z.string()).optional(),
  })
  .superRefine((request, ctx) => {
    if (typeof request !== 'object' || request === null) return;
    const given = BULK_ENTITY_SOURCES.filter((source) => request[source] !== undefined);
    if (given.length === 1) return;
    ctx.addIssue({
      code: 'custom',
      message: `must have exactly one of ${BULK_ENTITY_SOURCES.join(', ')}${given.length === 0 ? '' : ` (got ${given.join(' and ')})`}`,
    });
  }, REFINE_EVEN_IF_INVALID);

export type EntityRef = z.infer<typeof EntityRefSchema>;
export type BulkTriggerRequest = z.infer<typeof BulkTriggerRequestSchema>;
