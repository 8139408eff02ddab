import fc from 'fast-check';
import { compilePattern } from '../../src/pattern';
import { compileTrigger, type TriggerEvent, type TriggerLike } from '../../src/triggers';
import { readTrigger } from '../../src/triggers/readTrigger';
import { triggerDocument, triggerPattern } from '../../src/triggers/triggerPattern';

const TYPES = ['entity_operation', 'activity', 'entity_manual', 'journey_submission', 'frontend_submission', 'api_submission', 'received_email', 'schedule'] as const;
const NON_MANUAL_EVENTS = ['entity_operation', 'activity', 'journey_submission', 'frontend_submission', 'api_submission', 'received_email', 'other'] as const;
// Few words, each usable in every place, so that configurations and events often meet.
const WORDS = ['order', 'updateEntity', 'A', '10.0.0.1', ''] as const;

/** Configuration values as saved flows hold them, and a few they should not (non-strings, empties). */
const word = fc.constantFrom(...WORDS);
const list = fc.oneof(fc.array(word, { maxLength: 3 }), fc.array(fc.oneof(word, fc.integer(), fc.constant(null)), { maxLength: 2 }));
const filterConfig = fc.record(
  {
    operation: fc.record(
      {
        operation: fc.array(fc.constantFrom('updateEntity', 'createEntity'), { maxLength: 2 }),
        payload: fc.record({ status: fc.constant(['placed']), 'address.city': fc.constant([{ prefix: 'B' }]) }, { requiredKeys: [] }),
        diff: fc.constantFrom({}, { 'updated.status': [{ exists: true }] }, { added: { status: [{ 'anything-but': ['draft'] }] } }),
      },
      { requiredKeys: [] },
    ),
    activity: fc.record({ type: fc.array(fc.constantFrom('A', 'B'), { maxLength: 2 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const trigger: fc.Arbitrary<TriggerLike> = fc.record({
  type: fc.oneof({ arbitrary: fc.constant('entity_operation'), weight: 4 }, { arbitrary: fc.constantFrom(...TYPES), weight: 3 }),
  configuration: fc.record(
    {
      schema: fc.oneof(word, fc.integer()),
      operations: list,
      include_activities: list,
      exclude_activities: list,
      types: list,
      source_id: fc.oneof(word, fc.integer()),
      filter_config: filterConfig,
    },
    { requiredKeys: [] },
  ),
});

/** Events as the listener receives them, and ill-typed ones: the pattern must agree on both. */
const odd = fc.constantFrom<unknown>(undefined, null, 7, ['order'], ['A'], { type: 'A' }, '');
const event = fc
  .record(
    {
      type: fc.oneof({ arbitrary: fc.constant('entity_operation'), weight: 4 }, { arbitrary: fc.constantFrom(...NON_MANUAL_EVENTS), weight: 3 }),
      entity: fc.record({ _schema: fc.oneof(word, odd), status: fc.constantFrom('placed', 'draft'), address: fc.constant({ city: 'Berlin' }) }, { requiredKeys: [] }),
      operation: fc.oneof(word, odd),
      activity: fc.oneof(fc.record({ type: fc.oneof(word, odd) }, { requiredKeys: [] }), odd),
      diff: fc.record({ updated: fc.constant({ status: 'placed' }), added: fc.constantFrom({}, { status: 'draft' }, { status: 'open' }) }, { requiredKeys: [] }),
      source_id: fc.oneof(word, odd),
    },
    { requiredKeys: ['type'] },
  )
  .map((e) => ({ org_id: 'org-1', ...e }) as unknown as TriggerEvent);

describe('triggerPattern', () => {
  it('matches triggerDocument(event) exactly when compileTrigger matches the event', () => {
    fc.assert(
      fc.property(trigger, event, (t, e) => {
        const pattern = triggerPattern(readTrigger(t));
        const expected = compileTrigger(t)(e);

        if (pattern === undefined) expect(expected).toBe(false);
        else expect(compilePattern(pattern)(triggerDocument(e))).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it.each<[string, TriggerLike, Record<string, unknown>, boolean]>([
    ['an activity type that is not a string is never excluded', { type: 'entity_operation', configuration: { exclude_activities: ['A'] } }, { activity: { type: ['A'] } }, true],
    ['an excluded activity type fails the trigger', { type: 'entity_operation', configuration: { exclude_activities: ['A'] } }, { activity: { type: 'A' } }, false],
    ['no activity passes an exclusion', { type: 'entity_operation', configuration: { exclude_activities: ['A'] } }, {}, true],
    ['an empty operation listed admits an event without operation', { type: 'entity_operation', configuration: { operations: [''] } }, { operation: undefined }, true],
    ['an empty activity type listed admits an event without activity', { type: 'activity', configuration: { types: [''] } }, { type: 'activity' }, true],
    ['a source that is not a string never equals the configured one', { type: 'api_submission', configuration: { source_id: 's-1' } }, { type: 'api_submission', source_id: ['s-1'] }, false],
    ['an empty schema asks nothing', { type: 'entity_operation', configuration: { schema: '' } }, { entity: { _schema: 'contact' } }, true],
  ])('agrees with compileTrigger: %s', (_name, t, over, matches) => {
    const e = { type: 'entity_operation', org_id: 'org-1', operation: 'updateEntity', entity: { _schema: 'order' }, ...over } as unknown as TriggerEvent;

    expect(compileTrigger(t)(e)).toBe(matches);
    expect(compilePattern(triggerPattern(readTrigger(t))!)(triggerDocument(e))).toBe(matches);
  });

  it('names the trigger type, schema and operations as exact literals, which a PatternSet files as keys', () => {
    const pattern = triggerPattern(
      readTrigger({ type: 'entity_operation', configuration: { schema: 'order', operations: ['updateEntity'], exclude_activities: ['Sync'] } }),
    );

    expect(pattern).toEqual({
      trigger: {
        type: [{ exactly: 'entity_operation' }],
        schema: [{ exactly: 'order' }],
        operation: [{ exactly: 'updateEntity' }],
        activity_type: [{ 'anything-but': ['Sync'] }, { exists: false }],
      },
    });
  });

  it('leaves out manual triggers and unknown types, which no indexed event starts', () => {
    expect(triggerPattern(readTrigger({ type: 'entity_manual', configuration: { schema: 'order' } }))).toBeUndefined();
    expect(triggerPattern(readTrigger({ type: 'schedule' }))).toBeUndefined();
  });
});
