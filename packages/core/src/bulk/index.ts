export {
  ENTITY_SEARCH_CLAUSE_KINDS,
  EntitySearchClauseSchema,
  EntitySearchFilterSchema,
  EntitySearchFilterValueSchema,
  EntitySearchRangeSchema,
  RANGE_BOUNDS,
  clauseKindsOf,
} from './EntitySearchFilter';
export type {
  EntitySearchClause,
  EntitySearchClauseKind,
  EntitySearchFilter,
  EntitySearchFilterValue,
  EntitySearchRange,
} from './EntitySearchFilter';
export { BULK_ENTITY_SOURCES, BulkTriggerRequestSchema, EntityRefSchema, MAX_BULK_ENTITY_REFS } from './BulkTriggerRequest';
export type { BulkTriggerRequest, EntityRef } from './BulkTriggerRequest';
export { parseBulkTriggerRequest } from './parseBulkTriggerRequest';
export type { ParseBulkTriggerRequestResult } from './parseBulkTriggerRequest';
export { matchesEntityFilter } from './matchesEntityFilter';
export { idsOfFilter, schemasOfFilter } from './schemasOfFilter';
export { parseEntitiesQuery } from './parseEntitiesQuery';
export type { ParseEntitiesQueryResult } from './parseEntitiesQuery';
export { isTimeZone, parseZonedInstant } from './parseZonedInstant';
