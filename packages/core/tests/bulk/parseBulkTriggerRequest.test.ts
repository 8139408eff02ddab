import { MAX_BULK_ENTITY_REFS, parseBulkTriggerRequest } from '../../src/bulk';
import type { ValidationProblem } from '../../src/schemas';

const flow = { flow_id: 'flow-1' };
const refs = [{ entity_id: 'e1', entity_schema: 'contract' }];
const query = 'status:active';
const filter = [{ term: { _schema: 'contract' } }];

function problemsOf(raw: unknown): ValidationProblem[] {
  const result = parseBulkTriggerRequest(raw);
  return result.ok ? [] : result.problems;
}

describe('parseBulkTriggerRequest', () => {
  it.each([
    ['entities_refs', { entities_refs: refs }],
    ['entities_query', { entities_query: query }],
    ['entities_filter', { entities_filter: filter }],
    ['entities_filter with trigger_context', { entities_filter: filter, trigger_context: { entity_id: 'e9' } }],
  ])('accepts a request selecting by %s alone', (_, fields) => {
    const raw = { ...flow, ...fields };
    expect(parseBulkTriggerRequest(raw)).toEqual({ ok: true, request: raw });
  });

  it.each([
    ['none of them', {}, 'must have exactly one of entities_refs, entities_query, entities_filter'],
    ['refs and query', { entities_refs: refs, entities_query: query }, 'must have exactly one of entities_refs, entities_query, entities_filter (got entities_refs and entities_query)'],
    [
      'all three',
      { entities_refs: refs, entities_query: query, entities_filter: filter },
      'must have exactly one of entities_refs, entities_query, entities_filter (got entities_refs and entities_query and entities_filter)',
    ],
  ])('reports one root problem naming the three sources when given %s', (_, fields, message) => {
    expect(problemsOf({ ...flow, ...fields })).toEqual([{ path: '', message }]);
  });

  it('reports the root problem beside the problems inside the fields', () => {
    expect(problemsOf({ flow_id: '', entities_refs: [], entities_query: query })).toEqual([
      { path: 'flow_id', message: 'must not be empty' },
      { path: 'entities_refs', message: 'must have at least 1 item' },
      { path: '', message: 'must have exactly one of entities_refs, entities_query, entities_filter (got entities_refs and entities_query)' },
    ]);
  });

  it.each<[string, unknown, ValidationProblem[]]>([
    ['a misspelt clause kind', [{ rnage: { price: { gt: 1 } } }], [
      { path: 'entities_filter[0].rnage', message: 'is not a known field' },
      { path: 'entities_filter[0]', message: 'must hold one clause: term, terms, ids, range, exists, $and, $or, $not' },
    ]],
    ['two kinds in one clause', [{ term: { a: 1 }, exists: { field: 'a' } }], [
      { path: 'entities_filter[0]', message: 'holds term and exists; put each clause in its own object (the array ANDs them)' },
    ]],
    ['a term on two fields', [{ term: { a: 1, b: 2 } }], [{ path: 'entities_filter[0].term', message: 'must name exactly one field' }]],
    ['terms with a single value', [{ terms: { a: 'x' } }], [{ path: 'entities_filter[0].terms.a', message: 'expected an array, received a string' }]],
    ['a misspelt ids key', [{ ids: { value: ['e1'] } }], [
      { path: 'entities_filter[0].ids.values', message: 'is required' },
      { path: 'entities_filter[0].ids.value', message: 'is not a known field (did you mean "values"?)' },
    ]],
    ['a range without bounds, nested in $or', [{ $or: [{ range: { a: { format: 'yyyy' } } }] }], [
      { path: 'entities_filter[0].$or[0].range.a', message: 'must set at least one of gt, gte, lt, lte' },
    ]],
    ['an unknown time zone, nested in $not', [{ $not: [{ range: { a: { gt: 1, time_zone: 'Mars/Base' } } }] }], [
      { path: 'entities_filter[0].$not[0].range.a.time_zone', message: 'must be UTC, an offset like +01:00 or an IANA time zone like Europe/Berlin' },
    ]],
    ['an exists without a field', [{ $and: [{ exists: { field: '' } }] }], [{ path: 'entities_filter[0].$and[0].exists.field', message: 'must not be empty' }]],
    ['an empty filter', [], [{ path: 'entities_filter', message: 'must have at least 1 item' }]],
  ])('points into the filter for %s', (_, entities_filter, problems) => {
    expect(problemsOf({ ...flow, entities_filter })).toEqual(problems);
  });

  it.each<[string, unknown, ValidationProblem[]]>([
    ['no flow_id', { entities_query: query }, [{ path: 'flow_id', message: 'is required' }]],
    ['an empty query', { ...flow, entities_query: '' }, [{ path: 'entities_query', message: 'must not be empty' }]],
    ['a ref without its schema', { ...flow, entities_refs: [{ entity_id: 'e1' }] }, [{ path: 'entities_refs[0].entity_schema', message: 'is required' }]],
    [
      'too many refs',
      { ...flow, entities_refs: Array.from({ length: MAX_BULK_ENTITY_REFS + 1 }, () => refs[0]) },
      [{ path: 'entities_refs', message: `must have at most ${MAX_BULK_ENTITY_REFS} items` }],
    ],
    ['a non-text trigger_context value', { ...flow, entities_query: query, trigger_context: { n: 1 } }, [
      { path: 'trigger_context.n', message: 'expected a string, received the number 1' },
    ]],
    ['a misspelt source', { ...flow, entities_query: query, entities_filtr: filter }, [
      { path: 'entities_filtr', message: 'is not a known field (did you mean "entities_filter"?)' },
    ]],
    ['no object at all', 'flow-1', [{ path: '', message: 'expected an object, received a string' }]],
  ])('reports %s', (_, raw, problems) => {
    expect(problemsOf(raw)).toEqual(problems);
  });

  it('accepts exactly the maximum number of refs', () => {
    const entities_refs = Array.from({ length: MAX_BULK_ENTITY_REFS }, (_, i) => ({ entity_id: `e${i}`, entity_schema: 'contract' }));
    expect(parseBulkTriggerRequest({ ...flow, entities_refs }).ok).toBe(true);
  });
});
