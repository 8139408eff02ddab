import { EntitySearchFilterSchema } from '../../src/bulk';
import { parseWithProblems } from '../../src/schemas';

describe('EntitySearchFilterSchema', () => {
  it.each([
    ['epilot example', [{ term: { _schema: 'contact' } }, { terms: { status: ['active'] } }]],
    ['every clause kind', [
      { term: { 'status.keyword': 'active' } },
      { terms: { price: [1, 2.5, true, null] } },
      { ids: { values: ['e1'] } },
      { range: { _created_at: { gte: '2021-01-01T00:00:00.000Z', lte: '2021-01-31T23:59:59.999Z', format: 'strict_date_optional_time', relation: 'WITHIN', time_zone: 'Europe/Berlin' } } },
      { exists: { field: '_tags' } },
      { $and: [] },
      { $or: [{ $not: [{ term: { a: null } }] }] },
    ]],
    ['a fixed-offset time zone', [{ range: { d: { lt: '2026-01-01', time_zone: '+05:30' } } }]],
    ['an open (null) bound beside a real one', [{ range: { price: { gte: null, lt: 3 } } }]],
  ])('accepts %s', (_, filter) => {
    expect(parseWithProblems(EntitySearchFilterSchema, filter)).toEqual({ ok: true, data: filter });
  });

  it.each([
    ['a clause that is not an object', ['status:active'], '[0]', 'expected an object, received a string'],
    ['a term value that is an object', [{ term: { a: { b: 1 } } }], '[0].term.a', 'expected a string, received an object'],
    ['a range on two fields', [{ range: { a: { gt: 1 }, b: { gt: 1 } } }], '[0].range', 'must name exactly one field'],
    ['a range with only null bounds', [{ range: { a: { gt: null } } }], '[0].range.a', 'must set at least one of gt, gte, lt, lte'],
    ['a misspelt range bound', [{ range: { a: { gt: 1, gtee: 2 } } }], '[0].range.a.gtee', 'is not a known field (did you mean "gte"?)'],
    ['an unknown relation', [{ range: { a: { gt: 1, relation: 'OVERLAPS' } } }], '[0].range.a.relation', 'must be one of "INTERSECTS", "CONTAINS", "WITHIN"'],
    ['a deeply nested bad clause', [{ $and: [{ $or: [{ $not: [{ exists: {} }] }] }] }], '[0].$and[0].$or[0].$not[0].exists.field', 'is required'],
  ])('rejects %s at its path', (_, filter, path, message) => {
    expect(parseWithProblems(EntitySearchFilterSchema, filter)).toEqual({ ok: false, problems: [{ path, message }] });
  });
});
