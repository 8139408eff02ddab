import { z } from 'zod';
import { isTimeZone } from './parseZonedInstant';

/** epilot's `EntitySearchFilterValue`: its string is nullable, so null is a value too. */
export const EntitySearchFilterValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type EntitySearchFilterValue = z.infer<typeof EntitySearchFilterValueSchema>;

/** The clause kinds of epilot's `EntitySearchFilter`; a clause object holds exactly one. */
export const ENTITY_SEARCH_CLAUSE_KINDS = ['term', 'terms', 'ids', 'range', 'exists', '$and', '$or', '$not'] as const;
export type EntitySearchClauseKind = (typeof ENTITY_SEARCH_CLAUSE_KINDS)[number];

export const RANGE_BOUNDS = ['gt', 'gte', 'lt', 'lte'] as const;

/** `{ field: value }` naming exactly one field (epilot's minProperties/maxProperties 1). */
function oneField<V extends z.ZodType>(value: V) {
  return z.record(z.string().min(1), value).refine((fields) => Object.keys(fields).length === 1, 'must name exactly one field');
}

export const EntitySearchRangeSchema = z
  .strictObject({
    gt: EntitySearchFilterValueSchema.optional(),
    gte: EntitySearchFilterValueSchema.optional(),
    lt: EntitySearchFilterValueSchema.optional(),
    lte: EntitySearchFilterValueSchema.optional(),
    format: z.string().optional().describe('Accepted for compatibility; bounds are read as numbers or ISO 8601 dates.'),
    relation: z.enum(['INTERSECTS', 'CONTAINS', 'WITHIN']).optional().describe('Accepted for compatibility; entity fields hold values, not ranges.'),
    time_zone: z
      .string()
      .refine(isTimeZone, 'must be UTC, an offset like +01:00 or an IANA time zone like Europe/Berlin')
      .optional()
      .describe('Zone of bounds written without an offset.'),
  })
  // a null bound is open, as in Elasticsearch, so it does not count
  .refine((range) => RANGE_BOUNDS.some((bound) => range[bound] != null), 'must set at least one of gt, gte, lt, lte');
export type EntitySearchRange = z.infer<typeof EntitySearchRangeSchema>;

export const EntitySearchClauseSchema = z
  .strictObject({
    term: oneField(EntitySearchFilterValueSchema).optional(),
    terms: oneField(z.array(EntitySearchFilterValueSchema)).optional(),
    ids: z.strictObject({ values: z.array(z.string()) }).optional(),
    range: oneField(EntitySearchRangeSchema).optional(),
    exists: z.strictObject({ field: z.string().min(1) }).optional(),
    get $and() {
      return EntitySearchFilterSchema.optional();
    },
    get $or() {
      return EntitySearchFilterSchema.optional();
    },
    get $not() {
      return EntitySearchFilterSchema.optional();
    },
  })
  .superRefine((clause, ctx) => {
    const kinds = clauseKindsOf(clause);
    if (kinds.length === 1) return;
    ctx.addIssue({
      code: 'custom',
      message:
        kinds.length === 0
          ? `must hold one clause: ${ENTITY_SEARCH_CLAUSE_KINDS.join(', ')}`
          : `holds ${kinds.join(' and ')}; put each clause in its own object (the array ANDs them)`,
    });
  });

/** epilot's `EntitySearchFilter`: clauses that must all match; `$and`, `$or`, `$not` nest filters. */
export const EntitySearchFilterSchema = z.array(EntitySearchClauseSchema);

export type EntitySearchClause = z.infer<typeof EntitySearchClauseSchema>;
export type EntitySearchFilter = z.infer<typeof EntitySearchFilterSchema>;

/** The kinds a clause holds; one, once the clause has been validated. */
export function clauseKindsOf(clause: EntitySearchClause): EntitySearchClauseKind[] {
  return ENTITY_SEARCH_CLAUSE_KINDS.filter((kind) => clause[kind] !== undefined);
}
