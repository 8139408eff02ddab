import { type EntitySearchFilter, EntitySearchFilterSchema, matchesEntityFilter } from '../../src/bulk';

const contract = {
  _id: 'e1',
  _schema: 'contract',
  _org: 'o1',
  _created_at: '2026-01-01T00:00:00.000Z',
  _tags: ['a', 'vip'],
  status: 'active',
  price: 12,
  paid: false,
  note: null,
  empty: [],
  nulls: [null],
  address: { city: 'Köln', zip: '50667' },
  lines: [{ sku: 'X1', qty: 2 }, { sku: 'Y2', qty: 5 }],
  dates: ['2025-06-01', '2026-03-01T10:00:00+01:00'],
};

type Case = readonly [string, EntitySearchFilter, boolean];

const rows = (cases: readonly Case[]) => cases.map(([when, filter, matches]) => ({ when, filter, matches }));

describe('matchesEntityFilter', () => {
  const term: Case[] = [
    ['a string field equal to the value', [{ term: { status: 'active' } }], true],
    ['a differently cased value', [{ term: { status: 'Active' } }], false],
    ['a number field equal to the number', [{ term: { price: 12 } }], true],
    ['a number field and the same number as text (strict)', [{ term: { price: '12' } }], false],
    ['a boolean field', [{ term: { paid: false } }], true],
    ['a null field and null', [{ term: { note: null } }], true],
    ['a missing field and null', [{ term: { missing: null } }], false],
    ['a dotted path', [{ term: { 'address.city': 'Köln' } }], true],
    ['a .keyword suffix', [{ term: { 'address.city.keyword': 'Köln' } }], true],
    ['_schema.keyword', [{ term: { '_schema.keyword': 'contract' } }], true],
    ['one element of an array field', [{ term: { _tags: 'vip' } }], true],
    ['no element of an array field', [{ term: { _tags: 'gold' } }], false],
    ['a path through a list of objects', [{ term: { 'lines.sku': 'Y2' } }], true],
    ['a missing field', [{ term: { missing: 'x' } }], false],
    ['a path below a scalar', [{ term: { 'status.x': 'active' } }], false],
    ['a path into the prototype', [{ term: { 'status.constructor': 'x' } }], false],
  ];
  it.each(rows(term))('term: $when → $matches', ({ filter, matches }) => {
    expect(matchesEntityFilter(filter, contract)).toBe(matches);
  });

  const terms: Case[] = [
    ['one of the values', [{ terms: { status: ['draft', 'active'] } }], true],
    ['none of the values', [{ terms: { status: ['draft', 'closed'] } }], false],
    ['an empty list', [{ terms: { status: [] } }], false],
    ['an array field sharing one value', [{ terms: { _tags: ['gold', 'a'] } }], true],
    ['numbers against a number field', [{ terms: { 'lines.qty': [1, 5] } }], true],
  ];
  it.each(rows(terms))('terms: $when → $matches', ({ filter, matches }) => {
    expect(matchesEntityFilter(filter, contract)).toBe(matches);
  });

  const ids: Case[] = [
    ['the id listed', [{ ids: { values: ['e0', 'e1'] } }], true],
    ['the id not listed', [{ ids: { values: ['e2'] } }], false],
    ['no ids', [{ ids: { values: [] } }], false],
  ];
  it.each(rows(ids))('ids: $when → $matches', ({ filter, matches }) => {
    expect(matchesEntityFilter(filter, contract)).toBe(matches);
  });

  const range: Case[] = [
    ['a number inside gte/lte', [{ range: { price: { gte: 12, lte: 12 } } }], true],
    ['a number on an exclusive bound', [{ range: { price: { gt: 12 } } }], false],
    ['a number under lt', [{ range: { price: { lt: 13 } } }], true],
    ['a number against a text bound', [{ range: { price: { gte: '10' } } }], false],
    ['a date-time inside ISO bounds', [{ range: { _created_at: { gte: '2025-12-31T23:00:00Z', lt: '2026-01-02' } } }], true],
    ['a date-time compared as an instant, not as text', [{ range: { _created_at: { lte: '2026-01-01T01:00:00+01:00' } } }], true],
    ['a date-time after lt', [{ range: { _created_at: { lt: '2026-01-01' } } }], false],
    ['a date-only bound in a time zone', [{ range: { _created_at: { lt: '2026-01-01', time_zone: 'America/New_York' } } }], true],
    ['a date-only bound at a fixed offset', [{ range: { _created_at: { gte: '2026-01-01', time_zone: '-01:00' } } }], false],
    ['a bound with its own offset, ignoring time_zone', [{ range: { _created_at: { gte: '2026-01-01T00:00:00Z', time_zone: 'Asia/Tokyo' } } }], true],
    ['text that is not a date', [{ range: { status: { gte: 'a', lte: 'z' } } }], false],
    ['any element of an array of dates', [{ range: { dates: { gt: '2026-01-01' } } }], true],
    ['no element of an array of dates', [{ range: { dates: { gt: '2027-01-01' } } }], false],
    ['a number in a list of objects', [{ range: { 'lines.qty': { gte: 3 } } }], true],
    ['a null bound, which is open', [{ range: { price: { gte: 10, lte: null } } }], true],
    ['a missing field', [{ range: { missing: { gte: 0 } } }], false],
  ];
  it.each(rows(range))('range: $when → $matches', ({ filter, matches }) => {
    expect(matchesEntityFilter(filter, contract)).toBe(matches);
  });

  const exists: Case[] = [
    ['a present field', [{ exists: { field: 'status' } }], true],
    ['a false boolean', [{ exists: { field: 'paid' } }], true],
    ['a nested object', [{ exists: { field: 'address' } }], true],
    ['a nested path with .keyword', [{ exists: { field: 'address.zip.keyword' } }], true],
    ['a null field', [{ exists: { field: 'note' } }], false],
    ['an empty array', [{ exists: { field: 'empty' } }], false],
    ['an array of nulls', [{ exists: { field: 'nulls' } }], false],
    ['a missing field', [{ exists: { field: 'missing' } }], false],
  ];
  it.each(rows(exists))('exists: $when → $matches', ({ filter, matches }) => {
    expect(matchesEntityFilter(filter, contract)).toBe(matches);
  });

  const logic: Case[] = [
    ['an empty top level (match all)', [], true],
    ['a top level where every clause holds', [{ term: { status: 'active' } }, { term: { _schema: 'contract' } }], true],
    ['a top level where one clause fails', [{ term: { status: 'active' } }, { term: { _schema: 'contact' } }], false],
    ['an empty $and', [{ $and: [] }], true],
    ['$and with one failing clause', [{ $and: [{ term: { price: 12 } }, { term: { paid: true } }] }], false],
    ['an empty $or', [{ $or: [] }], false],
    ['$or with one holding clause', [{ $or: [{ term: { price: 1 } }, { term: { paid: false } }] }], true],
    ['$or with no holding clause', [{ $or: [{ term: { price: 1 } }, { term: { paid: true } }] }], false],
    ['$not of a failing clause', [{ $not: [{ term: { status: 'closed' } }] }], true],
    ['$not of a holding clause', [{ $not: [{ term: { status: 'active' } }] }], false],
    ['$not of two clauses where one fails (NOT of their AND)', [{ $not: [{ term: { status: 'active' } }, { term: { price: 1 } }] }], true],
    ['$not of two holding clauses', [{ $not: [{ term: { status: 'active' } }, { term: { price: 12 } }] }], false],
    ['an empty $not (NOT of match all)', [{ $not: [] }], false],
    [
      'nested $or inside $and inside $not',
      [{ $not: [{ $and: [{ $or: [{ term: { price: 1 } }, { exists: { field: 'address.city' } }] }, { term: { _tags: 'vip' } }] }] }],
      false,
    ],
    ['a double $not', [{ $not: [{ $not: [{ ids: { values: ['e1'] } }] }] }], true],
  ];
  it.each(rows(logic))('logic: $when → $matches', ({ filter, matches }) => {
    expect(matchesEntityFilter(filter, contract)).toBe(matches);
  });

  it('uses only filters the schema accepts in these tables', () => {
    for (const [, filter] of [...term, ...terms, ...ids, ...range, ...exists, ...logic]) {
      expect(EntitySearchFilterSchema.safeParse(filter).success).toBe(true);
    }
  });

  it('matches nothing with a clause of no known kind, when given unvalidated input', () => {
    expect(matchesEntityFilter([{}], contract)).toBe(false);
    expect(matchesEntityFilter([{ term: {} }], contract)).toBe(false);
  });
});
