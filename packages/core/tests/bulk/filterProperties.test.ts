import fc from 'fast-check';
import {
  type EntitySearchClause,
  type EntitySearchFilter,
  EntitySearchFilterSchema,
  idsOfFilter,
  matchesEntityFilter,
  parseEntitiesQuery,
  schemasOfFilter,
} from '../../src/bulk';

const FIELDS = ['_id', '_schema', '_schema.keyword', 'status', 'status.keyword', 'price', 'tags', 'address.city', 'missing'] as const;
const scalar = fc.oneof(
  fc.constantFrom('e1', 'e2', 'contract', 'contact', 'active', 'closed', 'Köln', '2026-01-01', '2026-01-01T12:00:00Z'),
  fc.integer({ min: -3, max: 3 }),
  fc.boolean(),
  fc.constant(null),
);
const field = fc.constantFrom(...FIELDS);

const range = fc
  .record({ gt: scalar, gte: scalar, lt: scalar, lte: scalar }, { requiredKeys: [] })
  .filter((r) => Object.values(r).some((v) => v !== null));

const { clause } = fc.letrec<{ clause: EntitySearchClause; filter: EntitySearchFilter }>((tie) => ({
  clause: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(field, scalar).map(([f, v]) => ({ term: { [f]: v } })),
    fc.tuple(field, fc.array(scalar, { maxLength: 3 })).map(([f, vs]) => ({ terms: { [f]: vs } })),
    fc.array(fc.constantFrom('e1', 'e2', 'e3'), { maxLength: 2 }).map((values) => ({ ids: { values } })),
    fc.tuple(field, range).map(([f, r]) => ({ range: { [f]: r } })),
    field.map((f) => ({ exists: { field: f } })),
    tie('filter').map((f) => ({ $and: f })),
    tie('filter').map((f) => ({ $or: f })),
    tie('filter').map((f) => ({ $not: f })),
  ),
  filter: fc.array(tie('clause'), { maxLength: 3 }),
}));
const filter = fc.array(clause, { maxLength: 3 });

const entity = fc.record(
  {
    _id: fc.constantFrom('e1', 'e2', 'e3'),
    _schema: fc.constantFrom('contract', 'contact'),
    status: fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })),
    price: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(null)),
    tags: fc.array(scalar, { maxLength: 3 }),
    address: fc.oneof(fc.record({ city: scalar }), fc.array(fc.record({ city: scalar }), { maxLength: 2 })),
  },
  { requiredKeys: ['_id', '_schema'] },
);

const matches = (f: EntitySearchFilter, e: Record<string, unknown>): boolean => matchesEntityFilter(f, e);

describe('entity filter properties', () => {
  it('generates only filters the schema accepts', () => {
    fc.assert(fc.property(filter, (f) => expect(EntitySearchFilterSchema.safeParse(f).success).toBe(true)));
  });

  it('makes $not: [c] the negation of [c]', () => {
    fc.assert(fc.property(clause, entity, (c, e) => expect(matches([{ $not: [c] }], e)).toBe(!matches([c], e))));
  });

  it('makes $not of a filter the negation of the filter', () => {
    fc.assert(fc.property(filter, entity, (f, e) => expect(matches([{ $not: f }], e)).toBe(!matches(f, e))));
  });

  it('makes the $or of a clause with itself equal to the clause', () => {
    fc.assert(fc.property(clause, entity, (c, e) => expect(matches([{ $or: [c, c] }], e)).toBe(matches([c], e))));
  });

  it('makes the $or of a filter with itself equal to the filter', () => {
    fc.assert(fc.property(filter, entity, (f, e) => expect(matches([{ $or: [{ $and: f }, { $and: f }] }], e)).toBe(matches(f, e))));
  });

  it('reads $not: [a, b] as NOT (a AND b), i.e. (NOT a) OR (NOT b)', () => {
    fc.assert(
      fc.property(clause, clause, entity, (a, b, e) => {
        expect(matches([{ $not: [a, b] }], e)).toBe(matches([{ $or: [{ $not: [a] }, { $not: [b] }] }], e));
      }),
    );
  });

  it('never selects an entity outside schemasOfFilter or idsOfFilter', () => {
    fc.assert(
      fc.property(filter, entity, (f, e) => {
        if (!matches(f, e)) return;
        expect(schemasOfFilter(f) ?? [e._schema]).toContain(e._schema);
        expect(idsOfFilter(f) ?? [e._id]).toContain(e._id);
      }),
    );
  });
});

type Expr = { atom: string } | { not: Expr } | { and: Expr[] } | { or: Expr[] };

const ATOMS = ['status:active', 'status:"closed"', 'price:[0 TO 2]', 'price:>=1', '_exists_:address.city', 'tags:*', '_id:e1', '_schema.keyword:contract'];

const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...ATOMS).map((atom) => ({ atom })),
    tie('expr').map((not) => ({ not })),
    fc.array(tie('expr'), { minLength: 1, maxLength: 3 }).map((and) => ({ and })),
    fc.array(tie('expr'), { minLength: 1, maxLength: 3 }).map((or) => ({ or })),
  ),
}));

function render(e: Expr): string {
  if ('atom' in e) return e.atom;
  if ('not' in e) return `NOT (${render(e.not)})`;
  return `(${('and' in e ? e.and : e.or).map(render).join('and' in e ? ' AND ' : ' OR ')})`;
}

function parsed(query: string): EntitySearchFilter {
  const result = parseEntitiesQuery(query);
  if (!result.ok) throw new Error(`${query}: ${JSON.stringify(result.problems)}`);
  return result.filter;
}

function evaluate(e: Expr, entity: Record<string, unknown>): boolean {
  if ('atom' in e) return matches(parsed(e.atom), entity);
  if ('not' in e) return !evaluate(e.not, entity);
  return 'and' in e ? e.and.every((x) => evaluate(x, entity)) : e.or.some((x) => evaluate(x, entity));
}

describe('parseEntitiesQuery properties', () => {
  it('combines parenthesised atoms with boolean AND, OR and NOT into a valid filter', () => {
    fc.assert(
      fc.property(expr, entity, (e, ent) => {
        const filter = parsed(render(e));
        expect(EntitySearchFilterSchema.safeParse(filter).success).toBe(true);
        expect(matches(filter, ent)).toBe(evaluate(e, ent));
      }),
    );
  });
});
