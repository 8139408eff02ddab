import { type EntitySearchFilter, idsOfFilter, schemasOfFilter } from '../../src/bulk';

describe('schemasOfFilter', () => {
  it.each<[string, EntitySearchFilter, string[] | undefined]>([
    ['an empty filter', [], undefined],
    ['a filter on other fields', [{ term: { status: 'active' } }], undefined],
    ['a term on _schema', [{ term: { _schema: 'contract' } }], ['contract']],
    ['a term on _schema.keyword', [{ term: { '_schema.keyword': 'contract' } }], ['contract']],
    ['terms on _schema', [{ terms: { _schema: ['contract', 'contact', 'contract'] } }], ['contract', 'contact']],
    ['several restrictions, intersected', [{ terms: { _schema: ['contract', 'contact'] } }, { term: { _schema: 'contact' } }], ['contact']],
    ['restrictions that exclude each other', [{ term: { _schema: 'contract' } }, { term: { _schema: 'contact' } }], []],
    ['a non-text schema, which selects nothing', [{ term: { _schema: 1 } }], []],
    ['a restriction inside a top-level $and', [{ $and: [{ term: { _schema: 'contract' } }] }], ['contract']],
    ['a restriction inside $or only', [{ $or: [{ term: { _schema: 'contract' } }, { term: { status: 'x' } }] }], undefined],
    ['a restriction inside $not only', [{ $not: [{ term: { _schema: 'contract' } }] }], undefined],
  ])('reads %s as %j', (_, filter, expected) => {
    expect(schemasOfFilter(filter)).toEqual(expected);
  });
});

describe('idsOfFilter', () => {
  it.each<[string, EntitySearchFilter, string[] | undefined]>([
    ['a filter without ids', [{ term: { _schema: 'contract' } }], undefined],
    ['an ids clause', [{ ids: { values: ['e1', 'e2'] } }], ['e1', 'e2']],
    ['a term on _id', [{ term: { _id: 'e1' } }], ['e1']],
    ['an ids clause narrowed by terms on _id', [{ ids: { values: ['e1', 'e2'] } }, { terms: { '_id.keyword': ['e2', 'e3'] } }], ['e2']],
    ['ids inside $or only', [{ $or: [{ ids: { values: ['e1'] } }] }], undefined],
  ])('reads %s as %j', (_, filter, expected) => {
    expect(idsOfFilter(filter)).toEqual(expected);
  });
});
