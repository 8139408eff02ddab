import fc from 'fast-check';
import {
  type AutomationFlow,
  isActionOfType,
  type PatternValidator,
  parseFlow,
  resolveMapEntityTarget,
  type ValidationProblem,
} from '../../src/schemas';
import { validatePattern as realValidatePattern } from '../../src/pattern';
import { realisticFlow } from './fixtures';

type Json = Record<string, unknown>;

const minimalFlow = (extra: Json = {}): Json => ({ flow_name: 'f', triggers: [], actions: [], ...extra });
const withActions = (...actions: Json[]): Json => minimalFlow({ actions });

function problemsOf(input: unknown, opts?: Parameters<typeof parseFlow>[1]): ValidationProblem[] {
  const result = parseFlow(input, opts);
  return result.ok ? [] : result.problems;
}

function flowOf(input: unknown): AutomationFlow {
  const result = parseFlow(input);
  if (!result.ok) throw new Error(`expected a valid flow: ${JSON.stringify(result.problems)}`);
  return result.flow;
}

const pathsOf = (problems: readonly ValidationProblem[]): string[] => problems.map((p) => p.path);

describe('parseFlow', () => {
  describe('valid flows', () => {
    it('parses a realistic flow with every built-in action, a custom action, a branch and a delay', () => {
      const flow = flowOf(realisticFlow());
      expect(flow.actions.map((a) => a.type)).toEqual([
        'trigger-webhook',
        'map-entity',
        'send-email',
        'trigger-event',
        'credit-check',
        'cancel-flow-execution',
      ]);
    });

    it('drops the $schema editor hint from the parsed flow', () => {
      const flow = flowOf(realisticFlow());
      expect('$schema' in flow).toBe(false);
    });

    it('defaults the webhook method to POST when none is given', () => {
      const flow = flowOf(realisticFlow());
      const webhook = flow.actions[0];
      expect(webhook && isActionOfType(webhook, 'trigger-webhook') ? webhook.config.method : undefined).toBe('POST');
    });

    it('keeps a retry policy as written, leaving omitted fields to the engine defaults', () => {
      const flow = flowOf(withActions({ type: 'trigger-event', config: { event_name: 'x' }, retry_policy: { max_attempts: 3 } }));
      expect(flow.actions[0]?.retry_policy).toEqual({ max_attempts: 3 });
    });

    it('accepts a flow without optional parts', () => {
      expect(parseFlow(minimalFlow()).ok).toBe(true);
    });
  });

  describe('many problems at once', () => {
    it('reports every problem of an invalid flow, each with its path', () => {
      const problems = problemsOf({
        flow_name: '',
        triggers: [{ type: 'entity_operation', configuration: { operations: [] } }, { type: 'carrier_pigeon', configuration: {} }],
        actions: [
          { id: 'a1', type: 'trigger-webhook', config: { url: 'not a url' } },
          { id: 'a2', type: 'send-email', config: { subject: 'Hi {{name' } },
          { id: 'a3', type: 'map-entity', config: {} },
          { id: 'a4', type: 'trigger-event', config: { event_name: 'x' }, retry_policy: { max_attempts: 0 }, timeout_ms: -5 },
        ],
        max_executions: { count: 10, window: 'one minute' },
      });
      expect(pathsOf(problems)).toEqual(
        expect.arrayContaining([
          'flow_name',
          'triggers[0].configuration.operations',
          'triggers[1].type',
          'actions[0].config.url',
          'actions[1].config.subject',
          'actions[1].config',
          'actions[2].config.target_schema',
          'actions[3].retry_policy.max_attempts',
          'actions[3].timeout_ms',
          'max_executions.window',
        ]),
      );
      expect(problems).toHaveLength(10);
    });

    it('gives each problem a readable message', () => {
      const problems = problemsOf(withActions({ type: 'trigger-event', config: {} }, { type: 'send-email', config: { to: 'a@b.c' } }));
      expect(problems).toEqual([
        { path: 'actions[0].config.event_name', message: 'is required' },
        {
          path: 'actions[1].config',
          message: 'send-email needs either email_template_id or an inline email (to, subject, and html or text); missing: subject, html or text',
        },
      ]);
    });

    it('reports problems of the envelope and of the config of the same action together', () => {
      const problems = problemsOf(withActions({ type: 'trigger-webhook', allow_failure: 'yes', config: { url: 'ftp://x.example' } }));
      expect(pathsOf(problems).sort()).toEqual(['actions[0].allow_failure', 'actions[0].config.url']);
    });

    it('reports an invalid reference even when the rest of the flow is invalid too', () => {
      const problems = problemsOf({ flow_name: 5, triggers: [], actions: [{ type: 'x', condition_id: 'missing' }] });
      expect(pathsOf(problems)).toEqual(['flow_name', 'actions[0].condition_id']);
    });
  });

  describe('strictness', () => {
    it('rejects an unknown top-level field and suggests the field that was meant', () => {
      expect(problemsOf(minimalFlow({ max_execution: { count: 1, window: 'PT1M' } }))).toEqual([
        { path: 'max_execution', message: 'is not a known field (did you mean "max_executions"?)' },
      ]);
    });

    it('rejects an unknown action envelope field, whatever the action type', () => {
      const problems = problemsOf(withActions({ type: 'my-worker', alow_failure: true }, { type: 'trigger-event', config: { event_name: 'e' }, retries: 3 }));
      expect(problems).toEqual([
        { path: 'actions[0].alow_failure', message: 'is not a known field (did you mean "allow_failure"?)' },
        { path: 'actions[1].retries', message: 'is not a known field' },
      ]);
    });

    it('rejects execution state in a flow action with a message saying where it belongs', () => {
      expect(problemsOf(withActions({ type: 'trigger-event', config: { event_name: 'e' }, execution_status: 'success' }))).toEqual([
        { path: 'actions[0].execution_status', message: 'is execution state and belongs in executions, not in a flow definition' },
      ]);
    });

    it('rejects an unknown key in the config of a built-in action', () => {
      expect(pathsOf(problemsOf(withActions({ type: 'trigger-webhook', config: { url: 'https://x.example', methd: 'GET' } })))).toEqual([
        'actions[0].config.methd',
      ]);
    });

    it('rejects a misspelt filter_config key, which would otherwise widen the trigger silently', () => {
      const problems = problemsOf(
        minimalFlow({ triggers: [{ type: 'entity_operation', configuration: { schema: 'order', filter_config: { operation: { paylod: {} } } } }] }),
      );
      expect(problems).toEqual([
        { path: 'triggers[0].configuration.filter_config.operation.paylod', message: 'is not a known field (did you mean "payload"?)' },
      ]);
    });
  });

  describe('action types', () => {
    it('accepts an unknown action type with any config and keeps the config as given', () => {
      const config = { anything: [1, { deep: true }], 'odd key': null };
      const flow = flowOf(withActions({ id: 'x', type: 'erp-sync', config }));
      expect(flow.actions[0]).toEqual({ id: 'x', type: 'erp-sync', config });
    });

    it('accepts an unknown action type without config', () => {
      expect(flowOf(withActions({ type: 'ping' })).actions[0]?.type).toBe('ping');
    });

    it('does not let a broken built-in action pass as a custom one', () => {
      expect(pathsOf(problemsOf(withActions({ type: 'map-entity', config: { anything: 1 } })))).toEqual([
        'actions[0].config.target_schema',
        'actions[0].config.anything',
      ]);
    });

    it('rejects a custom action type too long to address its worker', () => {
      expect(pathsOf(problemsOf(withActions({ type: 'x'.repeat(101) })))).toEqual(['actions[0].type']);
    });

    it('rejects an action type that is not a string', () => {
      expect(problemsOf(withActions({ type: 7 }))).toEqual([{ path: 'actions[0].type', message: 'expected a string, received the number 7' }]);
    });

    it('rejects a config of an unknown type that is not an object', () => {
      expect(pathsOf(problemsOf(withActions({ type: 'erp-sync', config: ['a'] })))).toEqual(['actions[0].config']);
    });
  });

  describe('trigger-webhook', () => {
    it.each([
      ['a relative URL', '/hooks/1', 'must be an absolute URL'],
      ['a non-http scheme', 'file:///etc/passwd', 'must use http or https'],
      ['credentials in the URL', 'https://user:pw@x.example/h', 'must not contain credentials'],
    ])('rejects %s', (_case, url, message) => {
      const problems = problemsOf(withActions({ type: 'trigger-webhook', config: { url } }));
      expect(problems).toEqual([{ path: 'actions[0].config.url', message: expect.stringContaining(message) }]);
    });

    it('requires a url or a target_webhook_id', () => {
      expect(problemsOf(withActions({ type: 'trigger-webhook', config: {} }))).toEqual([
        { path: 'actions[0].config', message: 'trigger-webhook needs a url or a target_webhook_id' },
      ]);
    });

    it('rejects a header name with characters HTTP does not allow', () => {
      expect(pathsOf(problemsOf(withActions({ type: 'trigger-webhook', config: { url: 'https://x.example', headers: { 'Bad Header': 'v' } } })))).toEqual([
        'actions[0].config.headers["Bad Header"]',
      ]);
    });
  });

  describe('send-email', () => {
    it('accepts a stored template without inline fields', () => {
      expect(parseFlow(withActions({ type: 'send-email', config: { email_template_id: 't1', language_code: 'de' } })).ok).toBe(true);
    });

    it('accepts an inline email with a text body and several recipients', () => {
      expect(parseFlow(withActions({ type: 'send-email', config: { to: ['a@x.example', '{{email}}'], subject: 's', text: 't' } })).ok).toBe(true);
    });

    it('lists exactly what an inline email is missing', () => {
      expect(problemsOf(withActions({ type: 'send-email', config: { html: '<p/>' } }))[0]?.message).toMatch(/missing: to, subject$/);
    });

    it('reports handlebars syntax errors with the field they are in', () => {
      const problems = problemsOf(withActions({ type: 'send-email', config: { to: 'a@x.example', subject: 'ok', html: '{{#if x}}open' } }));
      expect(problems).toEqual([{ path: 'actions[0].config.html', message: expect.stringMatching(/^is not a valid handlebars template: /) }]);
    });
  });

  describe('map-entity', () => {
    it('reads the V2 operations _set, _append, _uniq, _copy (with fallbacks) and _template', () => {
      const mapping = [
        { target: 'a', operation: { _set: { nested: 1 } } },
        { target: 'b', operation: { _append: [{ email: { _copy: 'contact.email' } }], _uniq: ['email'] } },
        { target: 'c', operation: { _copy: ['x', 'y'] } },
        { target: 'd', operation: { _template: '{{first}} {{last}}' } },
        { target: 'e', operation: 42 },
      ];
      expect(parseFlow(withActions({ type: 'map-entity', config: { target_schema: 'contact', mapping_attributes: mapping } })).ok).toBe(true);
    });

    it('reads the legacy mode-based mappers and checks what each mode needs', () => {
      const problems = problemsOf(
        withActions({
          type: 'map-entity',
          config: {
            target_schema: 'contact',
            mapping_attributes: [
              { mode: 'copy_if_exists', target: 'a', source: 'x' },
              { mode: 'set_value', target: 'b', value: [1] },
              { mode: 'append_if_exists', target: 'c', value_json: '[]' },
              { mode: 'copy_if_exists', target: 'd' },
              { mode: 'copy_all', target: 'e' },
            ],
          },
        }),
      );
      expect(problems).toEqual([
        { path: 'actions[0].config.mapping_attributes[3].source', message: 'is required when mode is "copy_if_exists"' },
        { path: 'actions[0].config.mapping_attributes[4].mode', message: 'must be one of "copy_if_exists", "append_if_exists", "set_value"' },
      ]);
    });

    it('reads epilot\'s targetPath as target and writes target only', () => {
      const flow = flowOf(withActions({ type: 'map-entity', config: { target_schema: 'c', mapping_attributes: [{ targetPath: 'x', operation: 1 }] } }));
      const action = flow.actions[0];
      expect(action && isActionOfType(action, 'map-entity') ? action.config.mapping_attributes : undefined).toEqual([{ target: 'x', operation: 1 }]);
    });

    it('reports an operation node of the wrong type at the operation', () => {
      expect(problemsOf(withActions({ type: 'map-entity', config: { target_schema: 'c', mapping_attributes: [{ target: 'x', operation: { _copy: 5 } }] } }))).toEqual([
        { path: 'actions[0].config.mapping_attributes[0].operation._copy', message: 'expected a string, received the number 5' },
      ]);
    });

    it.each([
      [undefined, 'contact', 'contact', 'self'],
      [undefined, 'contact', 'order', 'new'],
      [undefined, 'contact', undefined, 'new'],
      ['new', 'contact', 'contact', 'new'],
      [{ entity_id: '{{related._id}}' }, 'contact', 'contact', { entity_id: '{{related._id}}' }],
    ] as const)('resolves target %j with target_schema %s and trigger schema %s to %j', (target, targetSchema, triggerSchema, expected) => {
      const flow = flowOf(withActions({ type: 'map-entity', config: { target_schema: targetSchema, ...(target === undefined ? {} : { target }) } }));
      const action = flow.actions[0];
      expect(action && isActionOfType(action, 'map-entity') ? resolveMapEntityTarget(action.config, triggerSchema) : undefined).toEqual(expected);
    });
  });

  describe('cancel-flow-execution', () => {
    it('does not require configured_reasons, which epilot\'s spec lists as required without declaring it', () => {
      expect(parseFlow(withActions({ type: 'cancel-flow-execution', config: { selected_reasons: [{ id: 'r1', title: 'Done' }] } })).ok).toBe(true);
    });

    it('accepts configured_reasons when a client sends it anyway', () => {
      expect(parseFlow(withActions({ type: 'cancel-flow-execution', config: { configured_reasons: [{ id: 'r1', title: 'Done' }] } })).ok).toBe(true);
    });
  });

  describe('retry policy and timeouts', () => {
    it.each([
      [{ max_attempts: 11 }, 'actions[0].retry_policy.max_attempts'],
      [{ max_attempts: 1.5 }, 'actions[0].retry_policy.max_attempts'],
      [{ backoff_rate: 0.5 }, 'actions[0].retry_policy.backoff_rate'],
      [{ jitter: 'some' }, 'actions[0].retry_policy.jitter'],
      [{ initial_delay_ms: 10_000, max_delay_ms: 1_000 }, 'actions[0].retry_policy.max_delay_ms'],
      [{ non_retryable_error_codes: [''] }, 'actions[0].retry_policy.non_retryable_error_codes[0]'],
    ])('rejects retry policy %j at %s', (retry_policy, path) => {
      expect(pathsOf(problemsOf(withActions({ type: 'x', retry_policy })))).toEqual([path]);
    });

    it('rejects an action timeout above the 15-minute limit', () => {
      expect(pathsOf(problemsOf(withActions({ type: 'x', timeout_ms: 900_001 })))).toEqual(['actions[0].timeout_ms']);
    });
  });

  describe('max_executions', () => {
    it.each(['PT1M', 'PT30S', 'P1D', 'P1W', 'PT1H30M', 'PT0.5S'])('accepts the window %s', (window) => {
      expect(parseFlow(minimalFlow({ max_executions: { count: 5, window } })).ok).toBe(true);
    });

    it.each(['', 'P', 'PT', '1M', 'PT1M ', '-PT1M', 'P1DT', 'PT0S', 'one minute'])('rejects the window %j', (window) => {
      expect(pathsOf(problemsOf(minimalFlow({ max_executions: { count: 5, window } })))).toEqual(['max_executions.window']);
    });

    it('requires a whole count of at least 1', () => {
      expect(pathsOf(problemsOf(minimalFlow({ max_executions: { count: 0.5, window: 'PT1M' } })))).toEqual(['max_executions.count']);
    });
  });

  describe('cross-references', () => {
    const action = (extra: Json) => ({ type: 'trigger-event', config: { event_name: 'e' }, ...extra });

    it('reports a condition_id that names no condition, listing the known ones', () => {
      expect(problemsOf(minimalFlow({ conditions: [{ id: 'c1' }], actions: [action({ condition_id: 'c2' })] }))).toEqual([
        { path: 'actions[0].condition_id', message: 'refers to condition "c2", which is not in conditions[] (known: "c1")' },
      ]);
    });

    it('reports a schedule_id that names no schedule, on actions and on conditions', () => {
      const problems = problemsOf(minimalFlow({ conditions: [{ id: 'c1', schedule_id: 's9' }], actions: [action({ schedule_id: 's1' })] }));
      expect(problems).toEqual([
        { path: 'actions[0].schedule_id', message: 'refers to schedule "s1", which is not in schedules[] (the flow has no schedules)' },
        { path: 'conditions[0].schedule_id', message: 'refers to schedule "s9", which is not in schedules[] (the flow has no schedules)' },
      ]);
    });

    it('reports every repeated action id after the first', () => {
      expect(problemsOf(withActions(action({ id: 'a' }), action({ id: 'b' }), action({ id: 'a' }), action({ id: 'a' })))).toEqual([
        { path: 'actions[2].id', message: 'duplicate action id "a" (also used by actions[0])' },
        { path: 'actions[3].id', message: 'duplicate action id "a" (also used by actions[0])' },
      ]);
    });

    it('reports repeated condition and schedule ids', () => {
      const schedule = { id: 's', source: { id: 't', origin: 'trigger' } };
      expect(pathsOf(problemsOf(minimalFlow({ conditions: [{ id: 'c' }, { id: 'c' }], schedules: [schedule, schedule] })))).toEqual([
        'conditions[1].id',
        'schedules[1].id',
      ]);
    });

    it('accepts references that resolve', () => {
      const schedules = [{ id: 's1', numberOfUnits: 1, timePeriod: 'hours', source: { id: 't', origin: 'trigger' } }];
      expect(parseFlow(minimalFlow({ conditions: [{ id: 'c1', schedule_id: 's1' }], schedules, actions: [action({ condition_id: 'c1', schedule_id: 's1' })] })).ok).toBe(
        true,
      );
    });
  });

  describe('filter patterns', () => {
    const flowWithFilter = (filter_config: Json) =>
      minimalFlow({ triggers: [{ type: 'entity_operation', configuration: { schema: 'order', filter_config } }] });

    it('passes each pattern of a filter_config to the injected validator and reports its problems under the flow path', () => {
      const seen: unknown[] = [];
      const validatePattern: PatternValidator = (pattern) => {
        seen.push(pattern);
        return [{ path: 'status[0]', message: 'is not a valid matcher' }];
      };
      const payload = { status: [{ bogus: 1 }] };
      const diff = { updated: { status: ['a'] } };
      const activity = { type: ['EntityUpdated'] };
      const problems = problemsOf(flowWithFilter({ operation: { payload, diff }, activity }), { validatePattern });
      expect(seen).toEqual([payload, diff, activity]);
      expect(pathsOf(problems)).toEqual([
        'triggers[0].configuration.filter_config.operation.payload.status[0]',
        'triggers[0].configuration.filter_config.operation.diff.status[0]',
        'triggers[0].configuration.filter_config.activity.status[0]',
      ]);
    });

    it('joins root-level and index paths of the validator without extra dots', () => {
      const validatePattern: PatternValidator = () => [
        { path: '', message: 'root' },
        { path: '[0]', message: 'index' },
      ];
      expect(pathsOf(problemsOf(flowWithFilter({ operation: { payload: {} } }), { validatePattern }))).toEqual([
        'triggers[0].configuration.filter_config.operation.payload',
        'triggers[0].configuration.filter_config.operation.payload[0]',
      ]);
    });

    it('reports a validator that throws as a problem of that pattern instead of throwing', () => {
      const validatePattern: PatternValidator = () => {
        throw new Error('boom');
      };
      expect(problemsOf(flowWithFilter({ operation: { payload: {} } }), { validatePattern })).toEqual([
        { path: 'triggers[0].configuration.filter_config.operation.payload', message: 'could not be checked: boom' },
      ]);
    });

    it('rejects a pattern that is not a JSON object without consulting the validator', () => {
      const validatePattern = jest.fn<ReturnType<PatternValidator>, Parameters<PatternValidator>>(() => []);
      const problems = problemsOf(flowWithFilter({ operation: { payload: ['placed'] } }), { validatePattern });
      expect(pathsOf(problems)).toEqual(['triggers[0].configuration.filter_config.operation.payload']);
      expect(validatePattern).not.toHaveBeenCalled();
    });

    it("works with the pattern module's validatePattern, epilot's dotted diff keys included", () => {
      const filter = {
        operation: {
          payload: { total: [{ numeric: ['>'] }] },
          diff: { $or: [{ 'added.first_name': [{ exists: true }] }, { 'updated.first_name': [{ exists: true }] }] },
        },
      };
      expect(pathsOf(problemsOf(flowWithFilter(filter), { validatePattern: realValidatePattern }))).toEqual([
        'triggers[0].configuration.filter_config.operation.payload.total[0].numeric',
      ]);
      expect(parseFlow(realisticFlow(), { validatePattern: realValidatePattern }).ok).toBe(true);
    });

    it('reports schema problems and pattern problems together', () => {
      const validatePattern: PatternValidator = () => [{ path: 'x', message: 'bad' }];
      const input = { ...flowWithFilter({ operation: { payload: { x: [] } } }), flow_name: '' };
      expect(pathsOf(problemsOf(input, { validatePattern }))).toEqual(['flow_name', 'triggers[0].configuration.filter_config.operation.payload.x']);
    });
  });

  describe('properties', () => {
    it('never throws and reports at least one problem for any JSON that it rejects', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (input) => {
          const result = parseFlow(input);
          return result.ok || (result.problems.length > 0 && result.problems.every((p) => typeof p.path === 'string' && p.message.length > 0));
        }),
      );
    });

    it('never throws on a valid flow with random values put in random places', () => {
      const keys = ['flow_name', 'triggers', 'actions', 'conditions', 'schedules', 'max_executions', 'trigger_conditions'];
      fc.assert(
        fc.property(fc.constantFrom(...keys), fc.jsonValue(), fc.nat(5), (key, value, index) => {
          const flow = realisticFlow();
          const list = flow[key];
          if (Array.isArray(list) && list.length > 0) list[index % list.length] = value;
          else flow[key] = value;
          const result = parseFlow(flow);
          return result.ok || result.problems.length > 0;
        }),
      );
    });

    it('parses its own output to the same flow', () => {
      const once = flowOf(realisticFlow());
      expect(flowOf(once)).toEqual(once);
    });
  });
});
