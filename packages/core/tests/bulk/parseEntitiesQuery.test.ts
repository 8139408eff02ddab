import { type EntitySearchFilter, EntitySearchFilterSchema, parseEntitiesQuery } from '../../src/bulk';

describe('parseEntitiesQuery', () => {
  it.each<[string, EntitySearchFilter]>([
    ['status:active', [{ term: { status: 'active' } }]],
    ['price:12', [{ term: { price: 12 } }]],
    ['price:\\-1.5', [{ term: { price: -1.5 } }]],
    ['zip:007', [{ term: { zip: '007' } }]],
    ['zip:"12"', [{ term: { zip: '12' } }]],
    ['paid:true', [{ term: { paid: true } }]],
    ['paid:"false"', [{ term: { paid: 'false' } }]],
    ['name:"Ada Lovelace"', [{ term: { name: 'Ada Lovelace' } }]],
    ['name:"say \\"hi\\""', [{ term: { name: 'say "hi"' } }]],
    ['name:Ada\\ Lovelace', [{ term: { name: 'Ada Lovelace' } }]],
    ['address.city.keyword:Köln', [{ term: { 'address.city.keyword': 'Köln' } }]],
    ['_id:e1', [{ term: { _id: 'e1' } }]],
    ['price:[1 TO 5]', [{ range: { price: { gte: 1, lte: 5 } } }]],
    ['price:{1 TO 5}', [{ range: { price: { gt: 1, lt: 5 } } }]],
    ['price:[1 TO 5}', [{ range: { price: { gte: 1, lt: 5 } } }]],
    ['price:{* TO 5]', [{ range: { price: { lte: 5 } } }]],
    ['_created_at:[2026-01-01 TO *]', [{ range: { _created_at: { gte: '2026-01-01' } } }]],
    ['_created_at:[2026-01-01T00:00:00Z TO 2026-02-01T00:00:00Z]', [{ range: { _created_at: { gte: '2026-01-01T00:00:00Z', lte: '2026-02-01T00:00:00Z' } } }]],
    ['price:[* TO *]', [{ exists: { field: 'price' } }]],
    ['price:>=5', [{ range: { price: { gte: 5 } } }]],
    ['price:>5', [{ range: { price: { gt: 5 } } }]],
    ['price:<5', [{ range: { price: { lt: 5 } } }]],
    ['price:<=-5', [{ range: { price: { lte: -5 } } }]],
    ['_created_at:>=2026-01-01T10\\:00Z', [{ range: { _created_at: { gte: '2026-01-01T10:00Z' } } }]],
    ['_created_at:<2026-01-01', [{ range: { _created_at: { lt: '2026-01-01' } } }]],
    ['_exists_:address.city', [{ exists: { field: 'address.city' } }]],
    ['email:*', [{ exists: { field: 'email' } }]],
    ['email:"*"', [{ term: { email: '*' } }]],
    ['a:1 AND b:2', [{ term: { a: 1 } }, { term: { b: 2 } }]],
    ['a:1 && b:2', [{ term: { a: 1 } }, { term: { b: 2 } }]],
    ['a:1 b:2 c:3', [{ term: { a: 1 } }, { term: { b: 2 } }, { term: { c: 3 } }]],
    ['+a:1 +b:2', [{ term: { a: 1 } }, { term: { b: 2 } }]],
    ['a:1 OR b:2 || c:3', [{ $or: [{ term: { a: 1 } }, { term: { b: 2 } }, { term: { c: 3 } }] }]],
    ['NOT a:1', [{ $not: [{ term: { a: 1 } }] }]],
    ['-a:1', [{ $not: [{ term: { a: 1 } }] }]],
    ['!a:1', [{ $not: [{ term: { a: 1 } }] }]],
    ['-_exists_:email', [{ $not: [{ exists: { field: 'email' } }] }]],
    ['a:1 -b:2', [{ term: { a: 1 } }, { $not: [{ term: { b: 2 } }] }]],
    ['a:1 NOT b:2', [{ term: { a: 1 } }, { $not: [{ term: { b: 2 } }] }]],
    ['a:1 AND NOT b:2', [{ term: { a: 1 } }, { $not: [{ term: { b: 2 } }] }]],
    ['a:1 OR NOT b:2', [{ $or: [{ term: { a: 1 } }, { $not: [{ term: { b: 2 } }] }] }]],
    ['NOT a:1 AND b:2', [{ $not: [{ term: { a: 1 } }] }, { term: { b: 2 } }]],
    ['NOT (a:1 OR b:2)', [{ $not: [{ $or: [{ term: { a: 1 } }, { term: { b: 2 } }] }] }]],
    ['(a:1 AND b:2) OR c:3', [{ $or: [{ $and: [{ term: { a: 1 } }, { term: { b: 2 } }] }, { term: { c: 3 } }] }]],
    ['a:1 AND (b:2 OR c:3)', [{ term: { a: 1 } }, { $or: [{ term: { b: 2 } }, { term: { c: 3 } }] }]],
    ['((a:1))', [{ term: { a: 1 } }]],
    ['status:(active OR draft)', [{ $or: [{ term: { status: 'active' } }, { term: { status: 'draft' } }] }]],
    ['status:(active -draft)', [{ term: { status: 'active' } }, { $not: [{ term: { status: 'draft' } }] }]],
    ['-status:(active OR draft)', [{ $not: [{ $or: [{ term: { status: 'active' } }, { term: { status: 'draft' } }] }] }]],
    ['price:([1 TO 2] OR >10)', [{ $or: [{ range: { price: { gte: 1, lte: 2 } } }, { range: { price: { gt: 10 } } }] }]],
    ['_schema:contract AND _created_at:>=2026-01-01', [{ term: { _schema: 'contract' } }, { range: { _created_at: { gte: '2026-01-01' } } }]],
  ])('translates %s', (query, filter) => {
    const result = parseEntitiesQuery(query);
    expect(result).toEqual({ ok: true, filter });
    expect(EntitySearchFilterSchema.safeParse(filter).success).toBe(true);
  });

  it.each([
    ['foo', 'free text foo at character 1 is not supported; name a field, e.g. status:foo'],
    ['status:active "open"', 'free text "open" at character 15 is not supported; name a field, e.g. status:"open"'],
    ['name:Ada*', 'wildcard Ada* at character 6 is not supported; match exact values or use a range'],
    ['name:A?a', 'wildcard A?a at character 6 is not supported; match exact values or use a range'],
    ['name:Ada~', 'fuzzy search "~" on Ada at character 6 is not supported'],
    ['name:"Ada L"~2', 'proximity search "~2" on "Ada L" at character 6 is not supported'],
    ['name:Ada^2', 'boost "^2" on Ada at character 6 is not supported'],
    ['name:/Ad.*/', 'regular expression /Ad.*/ at character 6 is not supported'],
    ['*:*', 'field pattern "*" at character 1 is not supported; name one field'],
    ['price:-5', '"-" after "price:" at character 7 is ambiguous; write price:\\-5 for a value starting with "-", or -price:5 to exclude it'],
    ['a:1 AND b:2 OR c:3', 'mixes AND and OR without parentheses in the expression at character 1; add parentheses, e.g. (a AND b) OR c'],
    ['a:1 OR b:2 c:3', 'mixes AND and OR without parentheses in the expression at character 1; add parentheses, e.g. (a AND b) OR c'],
    ['a:1 AND', 'ends with "AND", which has nothing on its right'],
    ['OR a:1', 'starts with "OR", which has nothing on its left'],
    ['', 'is empty; name at least one field, e.g. _schema:contact'],
    ['   ', 'is empty; name at least one field, e.g. _schema:contact'],
    ['price:>=', '">=" on price at character 7 needs a value right after it, e.g. price:>=10'],
    ['[1 TO 2]', 'range [1 TO 2] needs a field; write e.g. price:[1 TO 2]'],
    ['_exists_:[1 TO 2]', 'range [1 TO 2] needs a field; write e.g. price:[1 TO 2]'],
    ['_created_at:>=2026-01-01T10:00:00Z', 'is not valid Lucene syntax at character 28: unexpected ":" (quote or \\-escape values holding spaces, colons or brackets, e.g. field:"2026-01-01T10:00:00Z" or field:>=2026-01-01T10\\:00Z)'],
    ['price:[1 TO', 'ends too early at character 12; a value or closing bracket is missing'],
  ])('refuses %p', (query, message) => {
    expect(parseEntitiesQuery(query)).toEqual({ ok: false, problems: [{ path: 'entities_query', message }] });
  });

  it('reports every unsupported part at once', () => {
    const result = parseEntitiesQuery('status:act* AND name:Ada~ AND hello');
    expect(result.ok ? [] : result.problems.map((p) => p.message)).toEqual([
      'wildcard act* at character 8 is not supported; match exact values or use a range',
      'fuzzy search "~" on Ada at character 22 is not supported',
      'free text hello at character 31 is not supported; name a field, e.g. status:hello',
    ]);
  });
});
