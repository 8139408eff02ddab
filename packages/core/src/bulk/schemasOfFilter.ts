import type { EntitySearchClause, EntitySearchFilter } from './EntitySearchFilter';

/**
 * The entity schemas a filter is restricted to, read from its top-level AND clauses
 * (`term`/`terms` on `_schema` or `_schema.keyword`, also inside top-level `$and`); several
 * restrictions intersect. Undefined when the filter does not restrict the schema. Only a hint
 * for choosing an index: the whole filter still decides each entity.
 */
export function schemasOfFilter(filter: EntitySearchFilter): string[] | undefined {
  return restrictionOf(filter, '_schema');
}

/**
 * The entity ids a filter is restricted to, read like {@link schemasOfFilter} from top-level
 * `ids` clauses and `term`/`terms` on `_id`, so a store can fetch by key instead of querying.
 */
export function idsOfFilter(filter: EntitySearchFilter): string[] | undefined {
  return restrictionOf(filter, '_id');
}

function restrictionOf(filter: EntitySearchFilter, field: '_schema' | '_id'): string[] | undefined {
  let allowed: string[] | undefined;
  for (const clause of conjuncts(filter)) {
    for (const values of valueListsOf(clause, field)) {
      // strict equality with a string field: a number or boolean can select nothing
      const strings = [...new Set(values.filter((v): v is string => typeof v === 'string'))];
      allowed = allowed === undefined ? strings : allowed.filter((v) => strings.includes(v));
    }
  }
  return allowed;
}

/** The clauses that all must hold: the top level and, recursively, its `$and`s. */
function conjuncts(filter: EntitySearchFilter): EntitySearchClause[] {
  return filter.flatMap((clause) => [clause, ...conjuncts(clause.$and ?? [])]);
}

function valueListsOf(clause: EntitySearchClause, field: '_schema' | '_id'): unknown[][] {
  const names = new Set([field, `${field}.keyword`]);
  const lists: unknown[][] = [];
  for (const [name, value] of Object.entries(clause.term ?? {})) if (names.has(name)) lists.push([value]);
  for (const [name, values] of Object.entries(clause.terms ?? {})) if (names.has(name)) lists.push(values);
  if (field === '_id' && clause.ids !== undefined) lists.push(clause.ids.values);
  return lists;
}
