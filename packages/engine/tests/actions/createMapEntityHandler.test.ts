import { AutomationError } from '@autoflow/core';
import { createMapEntityHandler, type ActionContext } from '../../src/actions';
import { CONTACT, LINEAGE, makeContext, makeDeps, ORG, type TestDeps } from './actionTestKit';

async function failure(promise: Promise<unknown>): Promise<AutomationError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AutomationError) return err;
    throw err;
  }
  throw new Error('expected the handler to fail');
}

function mapContext(config: Record<string, unknown>, overrides: Partial<ActionContext> = {}): ActionContext {
  return makeContext('map-entity', config, overrides);
}

let deps: TestDeps;

beforeEach(() => {
  deps = makeDeps();
  deps.entities.seed(ORG, CONTACT);
});

describe('map-entity handler', () => {
  describe("target 'self'", () => {
    it('updates the trigger entity when target_schema is its schema, stamping lineage and activity', async () => {
      const outcome = await createMapEntityHandler(deps)(
        mapContext({
          target_schema: 'contact',
          mapping_attributes: [
            { target: 'full_name', operation: { _template: '{{first_name}} {{last_name}}' } },
            { target: 'stage', operation: { _set: 'customer' } },
          ],
        }),
      );

      expect(outcome.outputs).toEqual({ entity_id: 'contact-1', schema: 'contact', operation: 'update', attributes: ['full_name', 'stage'] });
      expect(deps.entities.writes).toEqual([
        {
          kind: 'update',
          orgId: ORG,
          entityId: 'contact-1',
          patch: { full_name: 'Ada Lovelace', stage: 'customer' },
          meta: { lineage: LINEAGE, activity: { type: 'EntityUpdatedByAutomation' } },
        },
      ]);
    });

    it('maps onto the current values of the entity, not the snapshot the execution started with', async () => {
      deps.entities.seed(ORG, { ...CONTACT, tags: ['vip'] });

      await createMapEntityHandler(deps)(
        mapContext({ target_schema: 'contact', target: 'self', mapping_attributes: [{ target: 'tags', operation: { _append: ['new'] } }] }),
      );

      expect(deps.entities.writes[0]?.patch).toEqual({ tags: ['vip', 'new'] });
    });

    it('does not render values as HTML', async () => {
      await createMapEntityHandler(deps)(
        mapContext(
          { target_schema: 'contact', mapping_attributes: [{ target: 'label', operation: { _template: '{{last_name}}' } }] },
          { entity: { ...CONTACT, last_name: "O'Brien & <Sons>" } },
        ),
      );
      expect(deps.entities.writes[0]?.patch).toEqual({ label: "O'Brien & <Sons>" });
    });

    it('reads the trigger and earlier outputs under _trigger and _outputs', async () => {
      await createMapEntityHandler(deps)(
        mapContext(
          {
            target_schema: 'contact',
            mapping_attributes: [
              { target: 'previous_status', operation: { _copy: '_trigger.diff.updated.status' } },
              { target: 'webhook_status', operation: { _copy: '_outputs.call-crm.status' } },
            ],
          },
          { outputs: { 'call-crm': { status: 201 } } },
        ),
      );
      expect(deps.entities.writes[0]?.patch).toEqual({ previous_status: 'lead', webhook_status: 201 });
    });

    it('writes nothing when the mapping changes nothing', async () => {
      const outcome = await createMapEntityHandler(deps)(mapContext({ target_schema: 'contact', mapping_attributes: [] }));

      expect(outcome.outputs).toEqual({ entity_id: 'contact-1', schema: 'contact', operation: 'update', attributes: [] });
      expect(deps.entities.writes).toEqual([]);
    });

    it('fails with ENTITY_NOT_FOUND when the trigger entity no longer exists', async () => {
      await deps.entities.delete(ORG, 'contact-1');
      const err = await failure(createMapEntityHandler(deps)(mapContext({ target_schema: 'contact', mapping_attributes: [] })));
      expect(err.code).toBe('ENTITY_NOT_FOUND');
      expect(err.retryable).toBe(false);
    });

    it("refuses target 'self' when the execution has no trigger entity", async () => {
      const { entity: _none, ...withoutEntity } = mapContext({ target_schema: 'contact', target: 'self', mapping_attributes: [] });
      const err = await failure(createMapEntityHandler(deps)(withoutEntity));
      expect(err.code).toBe('BAD_CONFIG');
    });
  });

  describe("target 'new'", () => {
    it('creates an entity of target_schema when it differs from the trigger entity schema', async () => {
      const outcome = await createMapEntityHandler(deps)(
        mapContext({
          target_schema: 'opportunity',
          target_unique: ['contact_id'],
          mapping_attributes: [
            { target: 'contact_id', operation: { _copy: '_id' } },
            { target: 'title', operation: { _template: 'Deal for {{first_name}}' } },
          ],
        }),
      );

      expect(outcome.outputs).toEqual({ entity_id: 'ent-1', schema: 'opportunity', operation: 'create', attributes: ['contact_id', 'title'] });
      expect(await deps.entities.get(ORG, 'ent-1')).toEqual({ _id: 'ent-1', _schema: 'opportunity', contact_id: 'contact-1', title: 'Deal for Ada' });
      expect(deps.entities.writes[0]?.meta).toEqual({ lineage: LINEAGE, activity: { type: 'EntityCreatedByAutomation' } });
    });

    it("creates a new entity of the trigger's own schema when asked explicitly", async () => {
      const outcome = await createMapEntityHandler(deps)(
        mapContext({ target_schema: 'contact', target: 'new', mapping_attributes: [{ target: 'first_name', operation: { _copy: 'first_name' } }] }),
      );
      expect(outcome.outputs).toMatchObject({ operation: 'create', schema: 'contact' });
      expect(outcome.outputs?.entity_id).not.toBe('contact-1');
    });

    it('maps against an empty target, so appends start from nothing', async () => {
      await createMapEntityHandler(deps)(
        mapContext({ target_schema: 'opportunity', mapping_attributes: [{ target: 'tags', operation: { _append: ['from-flow'] } }] }),
      );
      expect(deps.entities.writes[0]?.patch).toEqual({ tags: ['from-flow'] });
    });
  });

  describe('target { entity_id }', () => {
    beforeEach(() => {
      deps.entities.seed(ORG, { _id: 'account-7', _schema: 'account', name: 'Analytical Engines Ltd' });
    });

    it('updates the named entity', async () => {
      const outcome = await createMapEntityHandler(deps)(
        mapContext({
          target_schema: 'account',
          target: { entity_id: 'account-7' },
          mapping_attributes: [{ target: 'primary_contact_email', operation: { _copy: 'email[0].email' } }],
        }),
      );

      expect(outcome.outputs).toEqual({ entity_id: 'account-7', schema: 'account', operation: 'update', attributes: ['primary_contact_email'] });
      expect(deps.entities.writes[0]).toMatchObject({ kind: 'update', entityId: 'account-7', patch: { primary_contact_email: 'ada@example.com' } });
    });

    it('renders an entity_id template over the trigger context', async () => {
      await createMapEntityHandler(deps)(
        mapContext(
          {
            target_schema: 'account',
            target: { entity_id: '{{_outputs.find-account.entity_id}}' },
            mapping_attributes: [{ target: 'touched', operation: { _set: true } }],
          },
          { outputs: { 'find-account': { entity_id: 'account-7' } } },
        ),
      );
      expect(deps.entities.writes[0]).toMatchObject({ entityId: 'account-7', patch: { touched: true } });
    });

    it('fails with ENTITY_NOT_FOUND when the entity does not exist', async () => {
      const err = await failure(
        createMapEntityHandler(deps)(mapContext({ target_schema: 'account', target: { entity_id: 'nope' }, mapping_attributes: [] })),
      );
      expect(err.code).toBe('ENTITY_NOT_FOUND');
      expect(err.info).toEqual({ entity_id: 'nope' });
    });

    it('refuses an entity whose schema is not target_schema', async () => {
      const err = await failure(
        createMapEntityHandler(deps)(mapContext({ target_schema: 'opportunity', target: { entity_id: 'account-7' }, mapping_attributes: [] })),
      );
      expect(err.code).toBe('BAD_CONFIG');
      expect(err.message).toContain('account');
    });
  });

  describe('errors', () => {
    it('fails with MAPPING_ERROR listing the paths of every broken attribute, and writes nothing', async () => {
      const err = await failure(
        createMapEntityHandler(deps)(
          mapContext({
            target_schema: 'contact',
            mapping_attributes: [
              { target: 'ok', operation: { _set: 1 } },
              { target: 'greeting', operation: { _template: '{{shout first_name}}' } },
              { target: '_id', operation: { _set: 'hijack' } },
            ],
          }),
        ),
      );

      expect(err.code).toBe('MAPPING_ERROR');
      expect(err.retryable).toBe(false);
      expect(err.message).toContain('greeting');
      expect(err.message).toContain('_id');
      expect(err.info?.problems).toHaveLength(2);
      expect(deps.entities.writes).toEqual([]);
    });

    it('refuses a config without target_schema, naming the path', async () => {
      const err = await failure(createMapEntityHandler(deps)(mapContext({ mapping_attributes: [] })));
      expect(err.code).toBe('BAD_CONFIG');
      expect(err.message).toContain('config.target_schema');
    });

    it('refuses a template with a syntax error as bad config, naming its path', async () => {
      const err = await failure(
        createMapEntityHandler(deps)(mapContext({ target_schema: 'contact', mapping_attributes: [{ target: 'x', operation: { _template: '{{#if}}' } }] })),
      );
      expect(err.code).toBe('BAD_CONFIG');
      expect(err.message).toContain('config.mapping_attributes[0].operation._template');
    });

    it('refuses an unknown target kind', async () => {
      const err = await failure(createMapEntityHandler(deps)(mapContext({ target_schema: 'contact', target: 'parent', mapping_attributes: [] })));
      expect(err.code).toBe('BAD_CONFIG');
      expect(err.message).toContain('config.target');
    });
  });
});
