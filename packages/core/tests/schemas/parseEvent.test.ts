import fc from 'fast-check';
import { jsonByteLength, MAX_EVENT_BYTES, parseEvent, type ValidationProblem } from '../../src/schemas';

type Json = Record<string, unknown>;

const base = { event_id: 'evt-1', org_id: 'org-1' };
const entity = { _id: 'ent-1', _schema: 'contact', first_name: 'Ada' };

function problemsOf(input: unknown, opts?: Parameters<typeof parseEvent>[1]): ValidationProblem[] {
  const result = parseEvent(input, opts);
  return result.ok ? [] : result.problems;
}

describe('parseEvent', () => {
  describe('what each event type requires', () => {
    it.each<[string, Json]>([
      ['entity_operation', { entity, operation: 'updateEntity', diff: { updated: { first_name: 'Ad' } }, activity: { type: 'EntityUpdated' } }],
      ['activity', { activity: { id: 'act-1', type: 'DocUploadedFromPortal', caller: { user: 'u1' } }, entity }],
      ['entity_manual', { entity, flow_id: 'flow-1' }],
      ['manual', { entity, flow_id: 'flow-1' }],
      ['journey_submission', { source_id: 'journey-1', payload: { email: 'a@x.example' } }],
      ['frontend_submission', { source_id: 'widget-1', payload: {} }],
      ['api_submission', { payload: { any: 'thing' } }],
      ['received_email', { source_id: 'inbox@x.example', payload: { subject: 'Hi' } }],
    ])('accepts a complete %s event', (type, fields) => {
      expect(problemsOf({ ...base, type, ...fields })).toEqual([]);
    });

    it.each<[string, Json, string[]]>([
      ['entity_operation', {}, ['entity', 'operation']],
      ['entity_operation', { entity }, ['operation']],
      ['entity_manual', {}, ['entity', 'flow_id']],
      ['manual', {}, ['entity', 'flow_id']],
      ['activity', {}, ['activity']],
    ])('requires, for a %s event with %j, the fields %j', (type, fields, missing) => {
      expect(problemsOf({ ...base, type, ...fields })).toEqual(
        missing.map((path) => ({ path, message: `is required when type is "${type}"` })),
      );
    });

    it('rejects an unknown event type, listing the known ones', () => {
      expect(problemsOf({ ...base, type: 'telepathy' })).toEqual([
        { path: 'type', message: expect.stringContaining('must be one of "entity_operation", "activity"') },
      ]);
    });

    it('rejects an entity without _id and _schema', () => {
      expect(problemsOf({ ...base, type: 'entity_manual', entity: { name: 'x' }, flow_id: 'f' }).map((p) => p.path)).toEqual(['entity._id', 'entity._schema']);
    });

    it('keeps the entity\'s attributes and the activity\'s extra fields', () => {
      const result = parseEvent({ ...base, type: 'activity', entity, activity: { type: 'X', title: 'Shown in the feed' } });
      expect(result.ok && [result.event.entity, result.event.activity]).toEqual([entity, { type: 'X', title: 'Shown in the feed' }]);
    });
  });

  describe('identity and shape', () => {
    it.each([
      ['an empty event_id', { event_id: '' }, 'event_id'],
      ['an event_id over 128 characters', { event_id: 'e'.repeat(129) }, 'event_id'],
      ['an org_id with a slash', { org_id: 'org/1' }, 'org_id'],
      ['an org_id over 128 characters', { org_id: 'o'.repeat(129) }, 'org_id'],
      ['a date without timezone', { occurred_at: '2024-01-31T12:00:00' }, 'occurred_at'],
      ['an unknown operation', { operation: 'mergeEntity' }, 'operation'],
      ['a non-string trigger_context value', { trigger_context: { n: 1 } }, 'trigger_context.n'],
      ['an unknown diff part', { diff: { changed: {} } }, 'diff.changed'],
      ['an unknown top-level field', { orgId: 'x' }, 'orgId'],
    ])('rejects %s', (_case, fields, path) => {
      expect(problemsOf({ ...base, type: 'api_submission', ...fields }).map((p) => p.path)).toEqual([path]);
    });

    it('accepts an org_id with letters, digits and _ - : .', () => {
      expect(problemsOf({ ...base, org_id: 'Org_1-a:b.c', type: 'api_submission' })).toEqual([]);
    });

    it('reports every problem of an event at once', () => {
      expect(problemsOf({ event_id: '', org_id: 'a b', type: 'entity_operation', operation: 'nope' }).map((p) => p.path)).toEqual([
        'event_id',
        'org_id',
        'operation',
        'entity',
      ]);
    });
  });

  describe('size limit', () => {
    const withPayloadOf = (bytes: number): Json => {
      const skeleton = { ...base, type: 'api_submission', payload: { data: '' } };
      const overhead = jsonByteLength(skeleton) ?? 0;
      return { ...skeleton, payload: { data: 'x'.repeat(bytes - overhead) } };
    };

    it('accepts an event of exactly 256 KB', () => {
      expect(problemsOf(withPayloadOf(MAX_EVENT_BYTES))).toEqual([]);
    });

    it('rejects an event one byte over 256 KB with its size, without looking further', () => {
      // an invalid org_id of the same length: not reported, since the size is checked first
      const event = { ...withPayloadOf(MAX_EVENT_BYTES + 1), org_id: 'org 1' };
      expect(problemsOf(event)).toEqual([{ path: '', message: `event is ${MAX_EVENT_BYTES + 1} bytes, over the limit of 262144 bytes (256 KB)` }]);
    });

    it('uses the raw size given by the caller instead of measuring', () => {
      expect(problemsOf({ ...base, type: 'api_submission' }, { size: 300_000 })).toEqual([
        { path: '', message: 'event is 300000 bytes, over the limit of 262144 bytes (256 KB)' },
      ]);
    });

    it('counts bytes, not characters, of multi-byte text', () => {
      // quotes 1 + 1, é 2, € 3, 😀 4
      expect(jsonByteLength('é€😀')).toBe(11);
    });

    it('rejects input that cannot be serialised as JSON', () => {
      const cyclic: Json = { ...base, type: 'api_submission' };
      cyclic.payload = cyclic;
      expect(problemsOf(cyclic)).toEqual([{ path: '', message: 'event is not JSON-serialisable' }]);
    });

    it('measures the UTF-8 length of any JSON value like Buffer.byteLength does', () => {
      fc.assert(fc.property(fc.jsonValue(), (value) => jsonByteLength(value) === Buffer.byteLength(JSON.stringify(value), 'utf8')));
    });
  });

  describe('lineage', () => {
    const lineage = { execution_id: 'exec-1', flow_id: 'flow-b', chain: ['flow-a', 'flow-b'], depth: 1 };

    it('accepts the lineage of an event caused by an automation', () => {
      const result = parseEvent({ ...base, type: 'entity_operation', entity, operation: 'updateEntity', lineage });
      expect(result.ok && result.event.lineage).toEqual(lineage);
    });

    it.each([
      ['a negative depth', { depth: -1 }, 'lineage.depth'],
      ['a fractional depth', { depth: 1.5 }, 'lineage.depth'],
      ['an empty flow id in the chain', { chain: ['flow-a', ''] }, 'lineage.chain[1]'],
      ['a chain over 100 flows', { chain: Array.from({ length: 101 }, (_, i) => `f${i}`) }, 'lineage.chain'],
      ['an unknown field', { parent: 'x' }, 'lineage.parent'],
    ])('rejects a lineage with %s', (_case, change, path) => {
      expect(problemsOf({ ...base, type: 'api_submission', lineage: { ...lineage, ...change } }).map((p) => p.path)).toEqual([path]);
    });

    it('requires execution_id, flow_id, chain and depth', () => {
      expect(problemsOf({ ...base, type: 'api_submission', lineage: {} }).map((p) => p.path)).toEqual([
        'lineage.execution_id',
        'lineage.flow_id',
        'lineage.chain',
        'lineage.depth',
      ]);
    });
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        const result = parseEvent(input);
        return result.ok || result.problems.length > 0;
      }),
    );
  });
});
