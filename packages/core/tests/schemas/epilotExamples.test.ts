import { parseExecution, parseFlow } from '../../src/schemas';
import { type EpilotSpec, loadEpilotSpec } from './fixtures';

type Json = Record<string, unknown>;

interface FoundExample {
  /** JSON pointer below components/schemas, e.g. `/TriggerCondition/example` */
  pointer: string;
  value: unknown;
}

/** Every `example` in the named schemas and in all schemas they reference. */
function examplesReachableFrom(spec: EpilotSpec, roots: readonly string[]): FoundExample[] {
  const schemas = spec.components.schemas;
  const seen = new Set<string>();
  const found: FoundExample[] = [];
  const visit = (node: unknown, pointer: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${pointer}/${i}`));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node as Json)) {
      if (key === 'example') found.push({ pointer: `${pointer}/example`, value });
      else if (key === '$ref' && typeof value === 'string') enter(value.split('/').pop() ?? '');
      else if (key !== 'description') visit(value, `${pointer}/${key}`);
    }
  };
  const enter = (name: string): void => {
    if (seen.has(name) || !(name in schemas)) return;
    seen.add(name);
    visit(schemas[name], `/${name}`);
  };
  roots.forEach(enter);
  return found;
}

function anyActionConfigNames(spec: EpilotSpec): string[] {
  const anyOf = (spec.components.schemas.AnyActionConfig?.anyOf ?? []) as Array<{ $ref?: string }>;
  return anyOf.map((ref) => ref.$ref?.split('/').pop() ?? '');
}

const flowWith = (extra: Json): Json => ({ flow_name: 'example', triggers: [], actions: [], ...extra });

const entityOperationTrigger = (configuration: Json): Json => ({ type: 'entity_operation', configuration: { schema: 'contact', ...configuration } });

/**
 * How each example of epilot's spec becomes (part of) a flow. Examples of whole actions are
 * recognised by their shape; everything else is listed here by its pointer.
 */
const PLACEMENTS: Record<string, (example: unknown) => Json> = {
  '/AutomationFlowId/example': (id) => flowWith({ id }),
  '/AutomationActionId/example': (id) => flowWith({ actions: [{ id, type: 'trigger-event', config: { event_name: 'x' } }] }),
  '/TriggerCondition/example': (condition) => flowWith({ trigger_conditions: [condition] }),
  '/ConditionStatement/example': (statement) => flowWith({ conditions: [{ id: 'c1', statements: [statement] }] }),
  '/MappingAttributeV2/example': (attribute) =>
    flowWith({ actions: [{ type: 'map-entity', config: { target_schema: 'contact', mapping_attributes: [attribute] } }] }),
  '/OperationObjectNode/properties/_uniq/oneOf/1/example': (uniq) =>
    flowWith({
      actions: [{ type: 'map-entity', config: { target_schema: 'contact', mapping_attributes: [{ target: 'email', operation: { _append: [], _uniq: uniq } }] } }],
    }),
  // epilot puts these list examples on `items`; they are examples of the whole list.
  '/EntityOperationTrigger/allOf/1/properties/configuration/properties/include_activities/items/example': (list) =>
    flowWith({ triggers: [entityOperationTrigger({ include_activities: list })] }),
  '/EntityOperationTrigger/allOf/1/properties/configuration/properties/exclude_activities/items/example': (list) =>
    flowWith({ triggers: [entityOperationTrigger({ exclude_activities: list })] }),
  '/EntityOperationTrigger/allOf/1/properties/configuration/properties/filter_config/properties/activity/properties/type/example': (types) =>
    flowWith({ triggers: [entityOperationTrigger({ filter_config: { activity: { type: types } } })] }),
  // parts of trigger-workflow's config, a type autoflow runs on a custom worker
  '/TriggerWorkflowCondition/example': (condition) =>
    flowWith({ actions: [{ type: 'trigger-workflow', config: { target_workflow: 'w', conditions: [condition] } }] }),
  '/AssignUsersToStep/example': (steps) => flowWith({ actions: [{ type: 'trigger-workflow', config: { target_workflow: 'w', assign_steps: steps } }] }),
};

/** Examples of the execution side, exercised by the execution tests below. */
const EXECUTION_EXAMPLES = new Set([
  '/AutomationActionExecutionState/properties/outputs/example',
  '/ApiCallerContext/properties/EpilotAuth/properties/claims/example',
]);

const isAction = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && typeof (value as Json).type === 'string' && 'config' in (value as Json);

describe("epilot's published examples", () => {
  const spec = loadEpilotSpec();
  const flowExamples = examplesReachableFrom(spec, ['AutomationFlow', ...anyActionConfigNames(spec)]).filter(
    (e) => !EXECUTION_EXAMPLES.has(e.pointer),
  );
  const actionExamples = flowExamples.filter((e) => isAction(e.value));
  const placedExamples = flowExamples.filter((e) => !isAction(e.value) && e.pointer in PLACEMENTS);

  it('finds the action examples of every action config in the spec', () => {
    expect(actionExamples.map((e) => e.pointer.split('/')[1])).toEqual(
      expect.arrayContaining(['MapEntityActionConfig', 'SendEmailActionConfig', 'TriggerWebhookActionConfig', 'TriggerEventActionConfig', 'FlowExecutionCancelActionConfig']),
    );
  });

  it('knows where every other flow-side example belongs, so none is skipped silently', () => {
    const unplaced = flowExamples
      .filter((e) => !isAction(e.value) && !(e.pointer in PLACEMENTS))
      // scalar examples of plain strings (ids, names) say nothing about a flow's structure
      .filter((e) => typeof e.value === 'object' && e.value !== null)
      .map((e) => e.pointer);
    expect(unplaced).toEqual([]);
  });

  it.each(actionExamples.map((e) => [e.pointer, e.value] as const))('parses the action example %s inside a flow', (_pointer, action) => {
    const result = parseFlow(flowWith({ actions: [action] }));
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it('parses all action examples together in one flow', () => {
    const actions = actionExamples.map((e, i) => ({ ...(e.value as Json), id: `action-${i}` }));
    const result = parseFlow(flowWith({ actions }));
    expect(result.ok ? result.flow.actions.length : result.problems).toBe(actionExamples.length);
  });

  it.each(placedExamples.map((e) => [e.pointer, e.value] as const))('parses the example %s placed in a flow', (pointer, example) => {
    const place = PLACEMENTS[pointer];
    const result = place ? parseFlow(place(example)) : undefined;
    expect(result?.ok ? [] : result?.problems).toEqual([]);
  });

  it('reads the TriggerCondition example, whose comparison "exists" is not in epilot\'s enum, as not_empty', () => {
    const example = spec.components.schemas.TriggerCondition?.example;
    const result = parseFlow(flowWith({ trigger_conditions: [example] }));
    expect(result.ok && result.flow.trigger_conditions).toEqual([{ source: 'billing_contact.email', comparison: 'not_empty' }]);
  });

  it('parses the execution examples of GET /v1/automation/executions, none of which has the "required" status', () => {
    const get = spec.paths['/v1/automation/executions']?.get as Json;
    const content = ((get.responses as Json)['200'] as Json).content as Json;
    const examples = (content['application/json'] as Json).examples as Record<string, { value: { results: Json[] } }>;
    const executions = Object.values(examples).flatMap((example) => example.value.results);
    expect(executions.length).toBeGreaterThan(0);
    for (const execution of executions) {
      expect('status' in execution).toBe(false);
      const result = parseExecution(execution);
      expect(result.ok ? [] : result.problems).toEqual([]);
    }
  });

  it('parses execution state with the outputs and caller examples of the spec', () => {
    const schemas = spec.components.schemas;
    const outputs = ((schemas.AutomationActionExecutionState?.properties as Json).outputs as Json).example;
    const epilotAuth = (schemas.ApiCallerContext?.properties as Json).EpilotAuth as Json;
    const claims = (epilotAuth.properties as Json).claims as Json;
    const result = parseExecution({
      id: 'e1',
      execution_status: 'in_progress',
      entity_id: 'ent-1',
      org_id: '123',
      flow_id: 'f1',
      trigger_context: schemas.TriggerContext?.example,
      trigger_event: { type: 'manual', org_id: '123', entity_id: 'ent-1', caller: { EpilotAuth: { claims: claims.example } } },
      actions: [{ id: 'a1', type: 'trigger-event', config: { event_name: 'x' }, execution_status: 'success', outputs }],
    });
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});
