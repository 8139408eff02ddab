import {
  compileTrigger,
  eventIndexKeys,
  expandDottedKeys,
  filterConfigPattern,
  triggerIndexKeys,
  type TriggerEvent,
  type TriggerLike,
} from '../../src/triggers';

const orderUpdated = (over: Partial<TriggerEvent> = {}): TriggerEvent => ({
  type: 'entity_operation',
  org_id: 'org-1',
  operation: 'updateEntity',
  entity: { _id: 'o-1', _schema: 'order', status: 'placed', order_number: 'A-1' },
  ...over,
});

const entityOperation = (configuration: Record<string, unknown>): TriggerLike => ({ type: 'entity_operation', configuration });

const matches = (trigger: TriggerLike, event: TriggerEvent): boolean => compileTrigger(trigger)(event);

describe('expandDottedKeys', () => {
  it.each<[string, unknown, unknown]>([
    ['keeps a pattern without dotted keys as it is', { status: ['placed'] }, { status: ['placed'] }],
    ['turns a dotted key into nested objects', { 'added.first_name': [{ exists: true }] }, { added: { first_name: [{ exists: true }] } }],
    ['nests every step of a deeper path', { 'a.b.c': [1] }, { a: { b: { c: [1] } } }],
    ['merges a dotted key with a sibling object of the same root', { 'a.b': [1], a: { c: [2] } }, { a: { b: [1], c: [2] } }],
    ['merges two dotted keys of the same root', { 'updated.status': ['open'], 'updated.owner': ['x'] }, { updated: { status: ['open'], owner: ['x'] } }],
    ['expands dotted keys inside objects nested in the pattern', { diff: { 'added.email': [{ exists: true }] } }, { diff: { added: { email: [{ exists: true }] } } }],
    ['leaves scalars untouched', 'plain', 'plain'],
    ['leaves null untouched', null, null],
    ['maps over arrays', [{ 'a.b': [1] }, 2], [{ a: { b: [1] } }, 2]],
  ])('%s', (_name, input, expected) => {
    expect(expandDottedKeys(input)).toEqual(expected);
  });

  it("expands epilot's dotted diff keys inside every $or alternative", () => {
    const pattern = {
      $or: [
        { 'added.first_name': [{ exists: true }] },
        { 'updated.first_name': [{ exists: true }] },
        { 'deleted.first_name': [{ exists: true }] },
      ],
    };

    expect(expandDottedKeys(pattern)).toEqual({
      $or: [
        { added: { first_name: [{ exists: true }] } },
        { updated: { first_name: [{ exists: true }] } },
        { deleted: { first_name: [{ exists: true }] } },
      ],
    });
  });

  it('does not modify its input', () => {
    const pattern = { 'a.b': [1], $or: [{ 'c.d': [2] }, { e: [3] }] };
    const copy = structuredClone(pattern);

    expandDottedKeys(pattern);

    expect(pattern).toEqual(copy);
  });
});

describe('filterConfigPattern', () => {
  it('returns undefined when there is no filter_config', () => {
    expect(filterConfigPattern(undefined)).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>]>([
    ['an empty filter_config', {}],
    ['an empty operation block', { operation: {} }],
    ['empty lists and objects', { operation: { operation: [], payload: {}, diff: {} }, activity: { type: [] } }],
  ])('returns undefined for %s, which filters nothing', (_name, filterConfig) => {
    expect(filterConfigPattern(filterConfig)).toBeUndefined();
  });

  it('builds one pattern over operation, payload, diff and activity', () => {
    const pattern = filterConfigPattern({
      operation: {
        operation: ['updateEntity'],
        payload: { status: ['placed'] },
        diff: { 'updated.status': ['open_for_acceptance'] },
      },
      activity: { type: ['EntityUpdated'] },
    });

    expect(pattern).toEqual({
      operation: ['updateEntity'],
      payload: { status: ['placed'] },
      diff: { updated: { status: ['open_for_acceptance'] } },
      activity: { type: ['EntityUpdated'] },
    });
  });

  it('expands dotted keys in the payload filter too', () => {
    expect(filterConfigPattern({ operation: { payload: { 'address.city': ['Köln'] } } })).toEqual({
      payload: { address: { city: ['Köln'] } },
    });
  });
});

describe('compileTrigger', () => {
  describe('entity_operation', () => {
    it('matches every entity operation when the trigger has no configuration', () => {
      expect(matches({ type: 'entity_operation' }, orderUpdated())).toBe(true);
    });

    it.each<[string, TriggerEvent['type']]>([
      ['activity', 'activity'],
      ['manual start', 'manual'],
      ['journey submission', 'journey_submission'],
      ['received email', 'received_email'],
    ])('does not match a %s event', (_name, type) => {
      expect(matches(entityOperation({}), orderUpdated({ type }))).toBe(false);
    });

    it.each<[string, Record<string, unknown>, Partial<TriggerEvent>, boolean]>([
      ['matches when the entity has the schema', { schema: 'order' }, {}, true],
      ['does not match another schema', { schema: 'contact' }, {}, false],
      ['does not match an event without an entity', { schema: 'order' }, { entity: undefined }, false],
      ['matches a listed operation', { operations: ['createEntity', 'updateEntity'] }, {}, true],
      ['does not match an unlisted operation', { operations: ['createEntity'] }, {}, false],
      ['does not match an event without operation when operations are listed', { operations: ['updateEntity'] }, { operation: undefined }, false],
      ['treats an empty operations list as any operation', { operations: [] }, { operation: 'deleteEntity' }, true],
      ['matches an included activity', { include_activities: ['EntityUpdated'] }, { activity: { type: 'EntityUpdated' } }, true],
      ['does not match an activity that is not included', { include_activities: ['EntityUpdated'] }, { activity: { type: 'DocUploaded' } }, false],
      ['does not match an event without activity when activities are included', { include_activities: ['EntityUpdated'] }, {}, false],
      ['does not match an excluded activity', { exclude_activities: ['SyncActivity'] }, { activity: { type: 'SyncActivity' } }, false],
      ['matches an activity that is not excluded', { exclude_activities: ['SyncActivity'] }, { activity: { type: 'EntityUpdated' } }, true],
      ['matches an event without activity when activities are only excluded', { exclude_activities: ['SyncActivity'] }, {}, true],
    ])('%s', (_name, configuration, over, expected) => {
      expect(matches(entityOperation(configuration), orderUpdated(over))).toBe(expected);
    });

    it.each<[string, Record<string, unknown>, Partial<TriggerEvent>, boolean]>([
      ['filter_config operation matches', { operation: { operation: ['updateEntity'] } }, {}, true],
      ['filter_config operation does not match', { operation: { operation: ['createEntity'] } }, {}, false],
      ['payload value matches the new image', { operation: { payload: { status: ['placed'] } } }, {}, true],
      ['payload value does not match', { operation: { payload: { status: ['draft'] } } }, {}, false],
      ['payload _schema narrows to listed schemas', { operation: { payload: { _schema: ['contract', 'order'] } } }, {}, true],
      ['payload _schema refuses other schemas', { operation: { payload: { _schema: ['contract'] } } }, {}, false],
      ['diff.added sees an added attribute', { operation: { diff: { added: { email: [{ exists: true }] } } } }, { diff: { added: { email: 'a@b.c' } } }, true],
      ['diff.added refuses when the attribute was not added', { operation: { diff: { added: { email: [{ exists: true }] } } } }, { diff: { updated: { email: 'old@b.c' } } }, false],
      ['diff.deleted sees a removed attribute with its previous value', { operation: { diff: { deleted: { phone: ['123'] } } } }, { diff: { deleted: { phone: '123' } } }, true],
      ['diff.deleted refuses when nothing was deleted', { operation: { diff: { deleted: { phone: [{ exists: true }] } } } }, { diff: {} }, false],
      ['diff filter refuses an event without diff', { operation: { diff: { updated: { status: [{ exists: true }] } } } }, { diff: undefined }, false],
      ['activity.type matches', { activity: { type: ['EntityUpdated'] } }, { activity: { type: 'EntityUpdated' } }, true],
      ['activity.type refuses another activity', { activity: { type: ['EntityUpdated'] } }, { activity: { type: 'DocUploaded' } }, false],
      ['activity.type refuses an event without activity', { activity: { type: ['EntityUpdated'] } }, {}, false],
    ])('filter_config: %s', (_name, filterConfig, over, expected) => {
      expect(matches(entityOperation({ filter_config: filterConfig }), orderUpdated(over))).toBe(expected);
    });

    describe('"status changed from open_for_acceptance to placed"', () => {
      const placed = entityOperation({
        schema: 'order',
        operations: ['updateEntity'],
        filter_config: {
          operation: {
            operation: ['updateEntity'],
            payload: { status: ['placed'] },
            diff: { updated: { status: ['open_for_acceptance'] } },
          },
        },
      });

      it.each<[string, string, Record<string, unknown> | undefined, boolean]>([
        ['matches open_for_acceptance → placed', 'placed', { updated: { status: 'open_for_acceptance' } }, true],
        ['does not match draft → placed', 'placed', { updated: { status: 'draft' } }, false],
        ['does not match open_for_acceptance → cancelled', 'cancelled', { updated: { status: 'open_for_acceptance' } }, false],
        ['does not match an update that leaves status placed', 'placed', { updated: { order_number: 'A-0' } }, false],
        ['does not match status added as placed', 'placed', { added: { status: 'placed' } }, false],
        ['does not match an update without diff', 'placed', undefined, false],
      ])('%s', (_name, status, diff, expected) => {
        const event = orderUpdated({ entity: { _id: 'o-1', _schema: 'order', status }, ...(diff ? { diff } : {}) });

        expect(matches(placed, event)).toBe(expected);
      });
    });

    describe("epilot's dotted diff keys inside $or", () => {
      const firstNameChanged = entityOperation({
        filter_config: {
          operation: {
            payload: { _schema: ['contact'] },
            diff: {
              $or: [
                { 'added.first_name': [{ exists: true }] },
                { 'updated.first_name': [{ exists: true }] },
                { 'deleted.first_name': [{ exists: true }] },
              ],
            },
          },
        },
      });
      const contact = (diff: TriggerEvent['diff']): TriggerEvent =>
        orderUpdated({ entity: { _id: 'c-1', _schema: 'contact', first_name: 'Ada' }, diff });

      it.each<[string, TriggerEvent['diff'], boolean]>([
        ['matches when first_name was added', { added: { first_name: 'Ada' } }, true],
        ['matches when first_name was updated', { updated: { first_name: 'Ava' } }, true],
        ['matches when first_name was deleted', { deleted: { first_name: 'Ada' } }, true],
        ['does not match when only last_name changed', { updated: { last_name: 'King' } }, false],
        ['does not match an empty diff', {}, false],
      ])('%s', (_name, diff, expected) => {
        expect(matches(firstNameChanged, contact(diff))).toBe(expected);
      });

      it('does not match another schema even when first_name changed', () => {
        const event = orderUpdated({ diff: { added: { first_name: 'Ada' } } });

        expect(matches(firstNameChanged, event)).toBe(false);
      });
    });

    it('reads a dotted diff key outside $or as a nested field', () => {
      const trigger = entityOperation({ filter_config: { operation: { diff: { 'updated.status': ['open_for_acceptance'] } } } });

      expect(matches(trigger, orderUpdated({ diff: { updated: { status: 'open_for_acceptance' } } }))).toBe(true);
      expect(matches(trigger, orderUpdated({ diff: { updated: { status: 'draft' } } }))).toBe(false);
    });
  });

  describe('activity', () => {
    const activity = (type: string, schema = 'order'): TriggerEvent => ({
      type: 'activity',
      org_id: 'org-1',
      entity: { _id: 'o-1', _schema: schema },
      activity: { type },
    });

    it.each<[string, Record<string, unknown>, TriggerEvent, boolean]>([
      ['matches any activity without configuration', {}, activity('DocUploadedFromPortal'), true],
      ['matches an activity of the schema', { schema: 'order' }, activity('DocUploadedFromPortal'), true],
      ['does not match an activity of another schema', { schema: 'contact' }, activity('DocUploadedFromPortal'), false],
      ['matches a listed activity type', { types: ['DocUploadedFromPortal', 'X'] }, activity('DocUploadedFromPortal'), true],
      ['does not match an unlisted activity type', { types: ['DocDownloadedFromPortal'] }, activity('DocUploadedFromPortal'), false],
      ['treats an empty type list as any type', { types: [] }, activity('Anything'), true],
      ['needs both schema and type to match', { schema: 'order', types: ['A'] }, activity('A', 'contact'), false],
    ])('%s', (_name, configuration, event, expected) => {
      expect(matches({ type: 'activity', configuration }, event)).toBe(expected);
    });

    it('does not match an entity operation event', () => {
      expect(matches({ type: 'activity' }, orderUpdated({ activity: { type: 'EntityUpdated' } }))).toBe(false);
    });
  });

  describe('entity_manual', () => {
    const manual = (type: 'manual' | 'entity_manual', schema = 'order'): TriggerEvent => ({
      type,
      org_id: 'org-1',
      flow_id: 'flow-1',
      entity: { _id: 'o-1', _schema: schema },
    });

    it.each<[string, Record<string, unknown>, TriggerEvent, boolean]>([
      ['matches an entity_manual start', {}, manual('entity_manual'), true],
      ['matches a manual start', {}, manual('manual'), true],
      ['matches a start from an entity of the schema', { schema: 'order' }, manual('entity_manual'), true],
      ['does not match a start from an entity of another schema', { schema: 'contact' }, manual('entity_manual'), false],
      ['does not match an entity operation', {}, orderUpdated(), false],
    ])('%s', (_name, configuration, event, expected) => {
      expect(matches({ type: 'entity_manual', configuration }, event)).toBe(expected);
    });
  });

  describe.each(['journey_submission', 'frontend_submission', 'api_submission'] as const)('%s', (type) => {
    const submission = (over: Partial<TriggerEvent> = {}): TriggerEvent => ({ type, org_id: 'org-1', source_id: 'src-1', payload: {}, ...over });

    it.each<[string, Record<string, unknown>, Partial<TriggerEvent>, boolean]>([
      ['matches a submission from its source', { source_id: 'src-1' }, {}, true],
      ['does not match a submission from another source', { source_id: 'src-2' }, {}, false],
      ['does not match a submission without source when a source is set', { source_id: 'src-1' }, { source_id: undefined }, false],
      ['matches any source when no source_id is set', {}, { source_id: 'anything' }, true],
      ['matches a submission without source when no source_id is set', {}, { source_id: undefined }, true],
    ])('%s', (_name, configuration, over, expected) => {
      expect(matches({ type, configuration }, submission(over))).toBe(expected);
    });

    it('does not match a submission of another kind from the same source', () => {
      const other = type === 'api_submission' ? 'journey_submission' : 'api_submission';

      expect(matches({ type, configuration: { source_id: 'src-1' } }, submission({ type: other }))).toBe(false);
    });
  });

  describe('received_email', () => {
    it('matches every received email', () => {
      expect(matches({ type: 'received_email' }, { type: 'received_email', org_id: 'org-1', source_id: 'inbox', payload: {} })).toBe(true);
    });

    it('does not match other events', () => {
      expect(matches({ type: 'received_email' }, orderUpdated())).toBe(false);
    });
  });

  it('never matches a trigger of an unknown type', () => {
    const event = orderUpdated();

    expect(matches({ type: 'schedule', configuration: { schema: 'order' } }, event)).toBe(false);
    expect(matches({ type: 'schedule' }, { ...event, type: 'schedule' })).toBe(false);
  });
});

describe('triggerIndexKeys', () => {
  it.each<[string, TriggerLike, string[]]>([
    ['files an entity_operation trigger under its schema', entityOperation({ schema: 'order' }), ['entity_operation#order']],
    ['files an entity_operation trigger without schema under *', entityOperation({}), ['entity_operation#*']],
    [
      'files a trigger narrowed by plain payload._schema strings under each schema',
      entityOperation({ filter_config: { operation: { payload: { _schema: ['contract', 'order'] } } } }),
      ['entity_operation#contract', 'entity_operation#order'],
    ],
    [
      'prefers the configured schema over payload._schema',
      entityOperation({ schema: 'order', filter_config: { operation: { payload: { _schema: ['contract'] } } } }),
      ['entity_operation#order'],
    ],
    [
      'files under * when payload._schema uses a content filter',
      entityOperation({ filter_config: { operation: { payload: { _schema: [{ prefix: 'con' }] } } } }),
      ['entity_operation#*'],
    ],
    ['files under * when payload._schema is empty', entityOperation({ filter_config: { operation: { payload: { _schema: [] } } } }), ['entity_operation#*']],
    ['files an activity trigger under its schema', { type: 'activity', configuration: { schema: 'order', types: ['A'] } }, ['activity#order']],
    ['files an activity trigger without schema under *', { type: 'activity' }, ['activity#*']],
    ['files a journey submission under its source', { type: 'journey_submission', configuration: { source_id: 'j-1' } }, ['journey_submission#j-1']],
    ['files a frontend submission without source under *', { type: 'frontend_submission', configuration: {} }, ['frontend_submission#*']],
    ['files an api submission under its source', { type: 'api_submission', configuration: { source_id: 'a-1' } }, ['api_submission#a-1']],
    ['files a received email under *', { type: 'received_email' }, ['received_email#*']],
    ['does not file a manual trigger (manual starts name their flow)', { type: 'entity_manual', configuration: { schema: 'order' } }, []],
    ['does not file an unknown trigger type', { type: 'schedule' }, []],
  ])('%s', (_name, trigger, expected) => {
    expect(triggerIndexKeys(trigger)).toEqual(expected);
  });
});

describe('eventIndexKeys', () => {
  it.each<[string, TriggerEvent, string[]]>([
    ['looks up the schema and * for an entity operation', orderUpdated(), ['entity_operation#order', 'entity_operation#*']],
    ['looks up only * for an entity operation without entity', orderUpdated({ entity: undefined }), ['entity_operation#*']],
    [
      'looks up the schema and * for an activity',
      { type: 'activity', org_id: 'o', entity: { _id: 'c', _schema: 'contact' }, activity: { type: 'A' } },
      ['activity#contact', 'activity#*'],
    ],
    ['looks up the source and * for a submission', { type: 'journey_submission', org_id: 'o', source_id: 'j-1' }, ['journey_submission#j-1', 'journey_submission#*']],
    ['looks up only * for a submission without source', { type: 'api_submission', org_id: 'o' }, ['api_submission#*']],
    ['looks up * for a received email', { type: 'received_email', org_id: 'o', source_id: 'inbox' }, ['received_email#*']],
    ['looks up nothing for a manual start', { type: 'manual', org_id: 'o', flow_id: 'f' }, []],
    ['looks up nothing for an entity_manual start', { type: 'entity_manual', org_id: 'o', flow_id: 'f' }, []],
  ])('%s', (_name, event, expected) => {
    expect(eventIndexKeys(event)).toEqual(expected);
  });
});
