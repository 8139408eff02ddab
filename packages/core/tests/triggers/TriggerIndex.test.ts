import fc from 'fast-check';
import { eventIndexKeys, matchFlow, TriggerIndex, type FlowLike, type TriggerEvent, type TriggerLike } from '../../src/triggers';

interface Flow extends FlowLike {
  id: string;
}

const orderUpdated = (over: Partial<TriggerEvent> = {}): TriggerEvent => ({
  type: 'entity_operation',
  org_id: 'org-1',
  operation: 'updateEntity',
  entity: { _id: 'o-1', _schema: 'order', status: 'placed' },
  ...over,
});

const onSchema = (schema: string, id?: string): TriggerLike => ({ ...(id ? { id } : {}), type: 'entity_operation', configuration: { schema } });

const flow = (id: string, triggers: TriggerLike[], extra: Partial<FlowLike> = {}): Flow => ({ id, triggers, ...extra });

describe('matchFlow', () => {
  it('starts an enabled flow whose trigger matches, naming the trigger', () => {
    const f = flow('f-1', [onSchema('order', 't-order')]);

    expect(matchFlow(f, orderUpdated())).toEqual({ flow: f, trigger_id: 't-order' });
  });

  it('treats a flow without the enabled flag as enabled', () => {
    const f = flow('f-1', [onSchema('order')]);

    expect(matchFlow(f, orderUpdated())).toEqual({ flow: f });
  });

  it('omits trigger_id when the matching trigger has none', () => {
    const result = matchFlow(flow('f-1', [onSchema('order')]), orderUpdated());

    expect(result).toBeDefined();
    expect(result).not.toHaveProperty('trigger_id');
  });

  it('names the first of several matching triggers', () => {
    const f = flow('f-1', [onSchema('contact', 't-contact'), onSchema('order', 't-order'), { id: 't-any', type: 'entity_operation' }]);

    expect(matchFlow(f, orderUpdated())?.trigger_id).toBe('t-order');
  });

  it('does not start a flow when no trigger matches', () => {
    expect(matchFlow(flow('f-1', [onSchema('contact')]), orderUpdated())).toBeUndefined();
  });

  it('does not start a flow without triggers from an event', () => {
    expect(matchFlow(flow('f-1', []), orderUpdated())).toBeUndefined();
  });

  it.each<[string, TriggerEvent]>([
    ['an entity operation', orderUpdated()],
    ['an activity', { type: 'activity', org_id: 'org-1', entity: { _id: 'o-1', _schema: 'order' }, activity: { type: 'A' } }],
    ['a journey submission', { type: 'journey_submission', org_id: 'org-1', source_id: 'j-1' }],
    ['a received email', { type: 'received_email', org_id: 'org-1' }],
    ['a manual start naming the flow', { type: 'manual', org_id: 'org-1', flow_id: 'f-1' }],
    ['an entity_manual start naming the flow', { type: 'entity_manual', org_id: 'org-1', flow_id: 'f-1', entity: { _id: 'o-1', _schema: 'order' } }],
  ])('never starts a disabled flow from %s', (_name, event) => {
    const disabled = flow(
      'f-1',
      [{ type: 'entity_operation' }, { type: 'activity' }, { type: 'journey_submission' }, { type: 'received_email' }, { type: 'entity_manual' }],
      { enabled: false },
    );

    expect(matchFlow(disabled, event)).toBeUndefined();
  });

  describe('trigger_conditions', () => {
    const gated = flow('f-1', [onSchema('order')], { trigger_conditions: [{ source: 'status', comparison: 'equals', value: 'placed' }] });

    it('starts the flow when they hold', () => {
      expect(matchFlow(gated, orderUpdated())).toEqual({ flow: gated });
    });

    it('does not start the flow when one fails', () => {
      expect(matchFlow(gated, orderUpdated({ entity: { _id: 'o-1', _schema: 'order', status: 'draft' } }))).toBeUndefined();
    });

    it('falls back to the payload of a submission', () => {
      const f = flow('f-2', [{ type: 'api_submission' }], { trigger_conditions: [{ source: 'kind', comparison: 'any_of', value: ['lead', 'offer'] }] });

      expect(matchFlow(f, { type: 'api_submission', org_id: 'org-1', payload: { kind: 'offer' } })).toEqual({ flow: f });
      expect(matchFlow(f, { type: 'api_submission', org_id: 'org-1', payload: { kind: 'other' } })).toBeUndefined();
    });
  });

  describe('manual starts', () => {
    const manual = (flowId: string, schema = 'order'): TriggerEvent => ({
      type: 'entity_manual',
      org_id: 'org-1',
      flow_id: flowId,
      entity: { _id: 'x-1', _schema: schema },
    });

    it('starts the named flow even without a manual trigger', () => {
      const f = flow('f-1', [onSchema('contact')]);

      expect(matchFlow(f, manual('f-1'))).toEqual({ flow: f });
      expect(matchFlow(f, { type: 'manual', org_id: 'org-1', flow_id: 'f-1' })).toEqual({ flow: f });
    });

    it('does not start a flow the event does not name', () => {
      expect(matchFlow(flow('f-1', [{ type: 'entity_manual' }]), manual('f-2'))).toBeUndefined();
    });

    it("starts the flow from an entity of the manual trigger's schema, naming the trigger", () => {
      const f = flow('f-1', [{ id: 'm-order', type: 'entity_manual', configuration: { schema: 'order' } }]);

      expect(matchFlow(f, manual('f-1', 'order'))).toEqual({ flow: f, trigger_id: 'm-order' });
    });

    it("does not start the flow from an entity of another schema than the manual trigger's", () => {
      const f = flow('f-1', [{ type: 'entity_manual', configuration: { schema: 'order' } }]);

      expect(matchFlow(f, manual('f-1', 'contact'))).toBeUndefined();
    });

    it('accepts any of several manual triggers', () => {
      const f = flow('f-1', [
        { id: 'm-order', type: 'entity_manual', configuration: { schema: 'order' } },
        { id: 'm-contact', type: 'entity_manual', configuration: { schema: 'contact' } },
      ]);

      expect(matchFlow(f, manual('f-1', 'contact'))).toEqual({ flow: f, trigger_id: 'm-contact' });
    });
  });
});

describe('TriggerIndex', () => {
  const orderFlow = flow('f-order', [onSchema('order', 't-1')]);
  const contactFlow = flow('f-contact', [onSchema('contact')]);
  const anySchemaFlow = flow('f-any', [{ type: 'entity_operation', configuration: { operations: ['updateEntity'] } }]);
  const journeyFlow = flow('f-journey', [{ type: 'journey_submission', configuration: { source_id: 'j-1' } }]);
  const anyJourneyFlow = flow('f-any-journey', [{ type: 'journey_submission' }]);
  const disabledOrderFlow = flow('f-disabled', [onSchema('order')], { enabled: false });
  const index = new TriggerIndex<Flow>([orderFlow, contactFlow, anySchemaFlow, journeyFlow, anyJourneyFlow, disabledOrderFlow]);

  const ids = (flows: readonly Flow[]): string[] => flows.map((f) => f.id).sort();

  it('matches the flows filed under the schema and those for any schema', () => {
    expect(index.match(orderUpdated())).toEqual(
      expect.arrayContaining([
        { flow: orderFlow, trigger_id: 't-1' },
        { flow: anySchemaFlow },
      ]),
    );
    expect(index.match(orderUpdated())).toHaveLength(2);
  });

  it('offers a disabled flow as a candidate but never matches it', () => {
    expect(ids(index.candidates(orderUpdated()))).toContain('f-disabled');
    expect(index.match(orderUpdated()).map((m) => m.flow.id)).not.toContain('f-disabled');
  });

  it('does not offer flows of another schema as candidates', () => {
    expect(ids(index.candidates(orderUpdated()))).toEqual(['f-any', 'f-disabled', 'f-order']);
  });

  it.each<[string, TriggerEvent, string[]]>([
    ['the source and any source for a submission', { type: 'journey_submission', org_id: 'org-1', source_id: 'j-1' }, ['f-any-journey', 'f-journey']],
    ['only any source for a submission from another source', { type: 'journey_submission', org_id: 'org-1', source_id: 'j-2' }, ['f-any-journey']],
    ['only any source for a submission without source', { type: 'journey_submission', org_id: 'org-1' }, ['f-any-journey']],
    ['nothing for a kind of event no flow listens to', { type: 'received_email', org_id: 'org-1' }, []],
  ])('matches %s', (_name, event, expected) => {
    expect(index.match(event).map((m) => m.flow.id).sort()).toEqual(expected);
  });

  it('offers only the named flow for a manual start', () => {
    const event: TriggerEvent = { type: 'manual', org_id: 'org-1', flow_id: 'f-contact' };

    expect(ids(index.candidates(event))).toEqual(['f-contact']);
    expect(index.match(event)).toEqual([{ flow: contactFlow }]);
  });

  it('offers nothing for a manual start naming an unknown flow', () => {
    expect(index.candidates({ type: 'manual', org_id: 'org-1', flow_id: 'nope' })).toEqual([]);
  });

  it('lists a flow once even when several of its triggers share a key', () => {
    const twice = flow('f-twice', [onSchema('order', 'a'), onSchema('order', 'b'), { type: 'entity_operation' }]);

    expect(new TriggerIndex([twice]).match(orderUpdated())).toEqual([{ flow: twice, trigger_id: 'a' }]);
  });

  it('files a flow narrowed by payload._schema under each listed schema', () => {
    const narrowed = flow('f-narrow', [{ type: 'entity_operation', configuration: { filter_config: { operation: { payload: { _schema: ['contract', 'order'] } } } } }]);
    const small = new TriggerIndex([narrowed]);

    expect(ids(small.candidates(orderUpdated()))).toEqual(['f-narrow']);
    expect(small.candidates(orderUpdated({ entity: { _id: 'c', _schema: 'contact' } }))).toEqual([]);
  });

  it('matches a flow added after construction', () => {
    const grown = new TriggerIndex<Flow>([]);

    grown.add(orderFlow);

    expect(grown.match(orderUpdated())).toEqual([{ flow: orderFlow, trigger_id: 't-1' }]);
  });

  describe('properties', () => {
    const SCHEMAS = ['order', 'contact', 'opportunity'] as const;
    const STATUSES = ['draft', 'open_for_acceptance', 'placed'] as const;
    const OPERATIONS = ['createEntity', 'updateEntity', 'deleteEntity'] as const;
    const ACTIVITIES = ['EntityUpdated', 'DocUploaded'] as const;
    const SOURCES = ['s-1', 's-2'] as const;
    const SUBMISSIONS = ['journey_submission', 'frontend_submission', 'api_submission'] as const;
    const EVENT_TYPES = ['entity_operation', 'activity', 'entity_manual', 'manual', ...SUBMISSIONS, 'received_email'] as const;
    const FLOW_IDS = ['f-0', 'f-1', 'f-2', 'f-3', 'f-4', 'f-5', 'f-6', 'f-7'] as const;

    const some = <T>(values: readonly T[]) => fc.subarray([...values], { minLength: 1 });
    const optional = { requiredKeys: [] as never[] };

    const diffFilter = fc.oneof(
      fc.record({ updated: fc.record({ status: some(STATUSES) }) }),
      fc.record({ added: fc.record({ status: fc.constant([{ exists: true }]) }) }),
      fc.constant({ $or: [{ 'added.status': [{ exists: true }] }, { 'updated.status': [{ exists: true }] }, { 'deleted.status': [{ exists: true }] }] }),
    );

    const entityOperationTrigger = fc.record(
      {
        schema: fc.constantFrom(...SCHEMAS),
        operations: fc.subarray([...OPERATIONS]),
        include_activities: fc.subarray([...ACTIVITIES]),
        exclude_activities: fc.subarray([...ACTIVITIES]),
        filter_config: fc.record(
          {
            operation: fc.record(
              {
                operation: some(OPERATIONS),
                payload: fc.record({ _schema: some(SCHEMAS), status: some(STATUSES) }, optional),
                diff: diffFilter,
              },
              optional,
            ),
            activity: fc.record({ type: some(ACTIVITIES) }),
          },
          optional,
        ),
      },
      optional,
    ).map((configuration): TriggerLike => ({ type: 'entity_operation', configuration }));

    const trigger: fc.Arbitrary<TriggerLike> = fc
      .tuple(
        fc.option(fc.constantFrom('t-a', 't-b'), { nil: undefined }),
        fc.oneof(
          { arbitrary: entityOperationTrigger, weight: 4 },
          fc.record({ schema: fc.constantFrom(...SCHEMAS), types: fc.subarray([...ACTIVITIES]) }, optional).map((configuration) => ({ type: 'activity', configuration })),
          fc.record({ schema: fc.constantFrom(...SCHEMAS) }, optional).map((configuration) => ({ type: 'entity_manual', configuration })),
          fc.tuple(fc.constantFrom(...SUBMISSIONS), fc.record({ source_id: fc.constantFrom(...SOURCES) }, optional)).map(([type, configuration]) => ({ type, configuration })),
          fc.constant({ type: 'received_email' }),
          fc.constant({ type: 'schedule', configuration: { schema: 'order' } }),
        ),
      )
      .map(([id, t]) => (id ? { id, ...t } : t));

    const flowRecord = fc.record(
      {
        enabled: fc.boolean(),
        triggers: fc.array(trigger, { minLength: 1, maxLength: 3 }),
        trigger_conditions: fc.array(
          fc.oneof(
            fc.record({ source: fc.constant('status'), comparison: fc.constantFrom('equals', 'any_of'), value: fc.constantFrom(...STATUSES) }),
            fc.record({ source: fc.constantFrom('status', 'note'), comparison: fc.constantFrom('not_empty', 'is_empty') }),
          ),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: ['triggers'] },
    );

    const flows: fc.Arbitrary<Flow[]> = fc
      .array(flowRecord, { minLength: 1, maxLength: FLOW_IDS.length })
      .map((list) => list.map((f, i) => ({ id: FLOW_IDS[i]!, ...f })));

    /** An org of many flows: the index shares states between them, which a few flows do not exercise. */
    const manyFlows: fc.Arbitrary<Flow[]> = fc
      .array(flowRecord, { minLength: 20, maxLength: 120 })
      .map((list) => list.map((f, i) => ({ id: i < FLOW_IDS.length ? FLOW_IDS[i]! : `f-${i}`, ...f })));

    const statusDiff = fc.record(
      { added: fc.record({ status: fc.constantFrom(...STATUSES) }), updated: fc.record({ status: fc.constantFrom(...STATUSES) }), deleted: fc.record({ status: fc.constantFrom(...STATUSES) }) },
      optional,
    );

    const event: fc.Arbitrary<TriggerEvent> = fc
      .record(
        {
          // entity operations carry the most trigger options, so they come up most often
          type: fc.oneof({ arbitrary: fc.constant('entity_operation'), weight: 3 }, { arbitrary: fc.constantFrom(...EVENT_TYPES), weight: 2 }),
          entity: fc.record({ _id: fc.constant('e-1'), _schema: fc.constantFrom(...SCHEMAS), status: fc.constantFrom(...STATUSES) }, { requiredKeys: ['_id', '_schema'] }),
          operation: fc.constantFrom(...OPERATIONS),
          diff: statusDiff,
          activity: fc.record({ type: fc.constantFrom(...ACTIVITIES) }),
          source_id: fc.constantFrom(...SOURCES),
          payload: fc.record({ status: fc.constantFrom(...STATUSES), note: fc.constant('n') }, optional),
          flow_id: fc.constantFrom(...FLOW_IDS, 'f-unknown'),
        },
        { requiredKeys: ['type'] },
      )
      .map((e) => ({ org_id: 'org-1', ...e }));

    const summary = (m: { flow: Flow; trigger_id?: string } | undefined) => (m ? { id: m.flow.id, trigger_id: m.trigger_id } : undefined);

    it('matches exactly the flows matchFlow starts, with the same trigger', () => {
      fc.assert(
        fc.property(flows, event, (list, e) => {
          const expected = list
            .map((f) => summary(matchFlow(f, e)))
            .filter((m) => m !== undefined)
            .sort((a, b) => a.id.localeCompare(b.id));

          const actual = new TriggerIndex(list)
            .match(e)
            .map(summary)
            .sort((a, b) => a!.id.localeCompare(b!.id));

          expect(actual).toEqual(expected);
        }),
        { numRuns: 1000 },
      );
    });

    it('matches exactly the flows matchFlow starts in an org of many flows', () => {
      fc.assert(
        fc.property(manyFlows, fc.array(event, { minLength: 1, maxLength: 10 }), (list, events) => {
          const index = new TriggerIndex(list);
          for (const e of events) {
            const expected = list.map((f) => summary(matchFlow(f, e))).filter((m) => m !== undefined);
            const actual = index.match(e).map(summary);
            expect([...actual].sort((a, b) => a!.id.localeCompare(b!.id))).toEqual([...expected].sort((a, b) => a.id.localeCompare(b.id)));
          }
        }),
        { numRuns: 100 },
      );
    });

    it('lists matches in the order of the key lookups: flows filed under the schema or source first, then those for any', () => {
      fc.assert(
        fc.property(manyFlows, event, (list, e) => {
          const index = new TriggerIndex(list);
          // What looking the keys up one after the other and evaluating each candidate gives.
          const byLookup = index
            .candidates(e)
            .map((f) => summary(matchFlow(f, e)))
            .filter((m) => m !== undefined);

          expect(index.match(e).map(summary)).toEqual(byLookup);
        }),
        { numRuns: 300 },
      );
    });

    /** The schema (or source) a trigger names, or undefined when it admits any. */
    function named(t: TriggerLike): string[] | undefined {
      const c = t.configuration ?? {};
      if (typeof c.schema === 'string') return [c.schema];
      if (typeof c.source_id === 'string') return [c.source_id];
      const payload = ((c.filter_config as Record<string, unknown> | undefined)?.operation as Record<string, unknown> | undefined)?.payload as
        | Record<string, unknown>
        | undefined;
      return Array.isArray(payload?._schema) ? (payload._schema as string[]) : undefined;
    }

    const keyOf = (e: TriggerEvent): string | undefined =>
      e.type === 'entity_operation' || e.type === 'activity' ? (e.entity?._schema as string | undefined) : e.source_id;

    it('offers as candidates only flows with a trigger of the event type that names its schema or source, or none', () => {
      fc.assert(
        fc.property(
          flows,
          event.filter((e) => e.type !== 'manual' && e.type !== 'entity_manual'),
          (list, e) => {
            const candidates = new TriggerIndex(list).candidates(e);

            for (const c of candidates) {
              const admits = c.triggers.some((t) => {
                const names = named(t);
                return t.type === e.type && (names === undefined || names.includes(keyOf(e) ?? ''));
              });
              expect(admits).toBe(true);
            }
            expect(new Set(candidates).size).toBe(candidates.length);
          },
        ),
        { numRuns: 1000 },
      );
    });

    it('offers a manual start only the flow it names', () => {
      fc.assert(
        fc.property(
          flows,
          event.filter((e) => e.type === 'manual' || e.type === 'entity_manual'),
          (list, e) => {
            const candidates = new TriggerIndex(list).candidates(e);

            expect(candidates.map((c) => c.id)).toEqual(list.some((f) => f.id === e.flow_id) ? [e.flow_id] : []);
          },
        ),
      );
    });

    it('looks up only keys of the event type', () => {
      fc.assert(
        fc.property(event, (e) => {
          expect(eventIndexKeys(e).every((key) => key.startsWith(`${e.type}#`))).toBe(true);
        }),
      );
    });
  });
});

describe('TriggerIndex with an $or inside the payload filter', () => {
  it('matches a flow whose payload $or lets another schema through, as matchFlow does', () => {
    const flow: FlowLike = {
      id: 'f-1',
      triggers: [
        {
          type: 'entity_operation',
          configuration: { filter_config: { operation: { payload: { _schema: ['contact'], $or: [{ _schema: ['account'] }, { status: ['active'] }] } } } },
        },
      ],
    };
    const event: TriggerEvent = { type: 'entity_operation', org_id: 'org-1', operation: 'updateEntity', entity: { _id: 'a-1', _schema: 'account' } };
    expect(matchFlow(flow, event)).toEqual({ flow });
    expect(new TriggerIndex([flow]).match(event)).toEqual([{ flow }]);
  });
});

describe('TriggerIndex where the keys alone would miss a flow', () => {
  it.each<[string, TriggerLike, TriggerEvent]>([
    ['an empty schema, which asks nothing', { type: 'entity_operation', configuration: { schema: '' } }, { type: 'entity_operation', org_id: 'org-1', entity: { _id: 'a', _schema: 'order' } }],
    ['an empty source, which asks nothing', { type: 'api_submission', configuration: { source_id: '' } }, { type: 'api_submission', org_id: 'org-1', source_id: 's-1' }],
    [
      'a payload._schema filter on an entity whose _schema is a list',
      { type: 'entity_operation', configuration: { filter_config: { operation: { payload: { _schema: ['order'] } } } } },
      { type: 'entity_operation', org_id: 'org-1', entity: { _id: 'a', _schema: ['order'] } },
    ],
  ])('starts the flow as matchFlow does: %s', (_name, trigger, event) => {
    const f = flow('f-1', [trigger]);

    expect(matchFlow(f, event)).toEqual({ flow: f });
    expect(new TriggerIndex([f]).match(event)).toEqual([{ flow: f }]);
  });

  it('lists such a flow after those filed under the event keys', () => {
    const keyed = flow('f-keyed', [onSchema('order')]);
    const open = flow('f-open', [{ type: 'entity_operation', configuration: { schema: '' } }]);
    const any = flow('f-any', [{ type: 'entity_operation' }]);

    expect(new TriggerIndex([open, any, keyed]).match(orderUpdated()).map((m) => m.flow.id)).toEqual(['f-keyed', 'f-any', 'f-open']);
  });
});
