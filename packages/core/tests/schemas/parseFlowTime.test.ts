import {
  ACTION_ENVELOPE_KEYS,
  type AutomationFlow,
  exitOnReason,
  isActionOfType,
  MAX_EXIT_ON_RULES,
  parseFlow,
  type ValidationProblem,
} from '../../src/schemas';

type Json = Record<string, unknown>;

const minimalFlow = (extra: Json = {}): Json => ({ flow_name: 'f', triggers: [], actions: [], ...extra });
const withActions = (...actions: Json[]): Json => minimalFlow({ actions });
const event = (extra: Json = {}): Json => ({ type: 'trigger-event', config: { event_name: 'e' }, ...extra });

function problemsOf(input: unknown): ValidationProblem[] {
  const result = parseFlow(input);
  return result.ok ? [] : result.problems;
}

function flowOf(input: unknown): AutomationFlow {
  const result = parseFlow(input);
  if (!result.ok) throw new Error(`expected a valid flow: ${JSON.stringify(result.problems)}`);
  return result.flow;
}

const pathsOf = (problems: readonly ValidationProblem[]): string[] => problems.map((p) => p.path);

describe('parseFlow: time and waiting fields', () => {
  describe("conditions: epilot's evaluation_order, allow_failure and error_output", () => {
    it('parses an epilot flow whose scheduled conditions carry all three', () => {
      const flow = flowOf({
        flow_name: 'Contract ends: remind 30 days before',
        entity_schema: 'contract',
        triggers: [{ id: 't1', type: 'entity_operation', configuration: { schema: 'contract', operations: ['updateEntity'] } }],
        schedules: [
          {
            id: 'before-end',
            numberOfUnits: 30,
            timePeriod: 'days',
            timeRelation: 'before',
            source: { id: 't1', origin: 'trigger', schema: 'contract', attribute: 'end_date' },
          },
        ],
        conditions: [
          {
            id: 'still-active',
            schedule_id: 'before-end',
            evaluation_order: 'AFTER_SCHEDULE',
            allow_failure: true,
            evaluationResult: false,
            error_output: {
              error_code: 'INVALID_SCHEDULE_CONFIG',
              error_reason: 'attribute "end_date" of the trigger entity is missing',
              error_info: { details: [{ explanation: 'end_date is empty', context: 'schedules[0]' }] },
            },
            statements: [
              { source: { origin: 'trigger', id: 't1', schema: 'contract', attribute: 'status' }, operation: 'equals', values: ['active'] },
            ],
          },
          { id: 'check-now', schedule_id: 'before-end', evaluation_order: 'BEFORE_SCHEDULE', allow_failure: false },
        ],
        actions: [event({ id: 'remind', condition_id: 'still-active' }), event({ id: 'log', condition_id: 'check-now' })],
      });
      expect(flow.conditions?.map((c) => [c.evaluation_order, c.allow_failure, c.error_output?.error_code])).toEqual([
        ['AFTER_SCHEDULE', true, 'INVALID_SCHEDULE_CONFIG'],
        ['BEFORE_SCHEDULE', false, undefined],
      ]);
    });

    it.each([
      [{ evaluation_order: 'LATER' }, 'conditions[0].evaluation_order', 'must be one of "AFTER_SCHEDULE", "BEFORE_SCHEDULE"'],
      [{ allow_failure: 'yes' }, 'conditions[0].allow_failure', 'expected a boolean, received a string'],
      [{ error_output: { error_reason: 'x' } }, 'conditions[0].error_output.error_code', 'is required'],
      [{ error_output: 'failed' }, 'conditions[0].error_output', 'expected an object, received a string'],
    ])('refuses the condition field %j', (field, path, message) => {
      expect(problemsOf(minimalFlow({ conditions: [{ id: 'c', ...field }] }))).toEqual([{ path, message }]);
    });
  });

  describe('send_window (autoflow extension)', () => {
    it('is an envelope field of every action type', () => {
      expect(ACTION_ENVELOPE_KEYS).toContain('send_window');
      const send_window = { start: '09:00', end: '17:00' };
      const flow = flowOf(withActions(event({ send_window }), { type: 'erp-sync', send_window }, { type: 'wait', config: { timeout: 'PT1H' }, send_window }));
      expect(flow.actions.map((a) => a.send_window)).toEqual([send_window, send_window, send_window]);
    });

    it('keeps a full window as written', () => {
      const send_window = {
        days: ['mon', 'tue', 'wed', 'thu', 'fri'],
        start: '08:30',
        end: '18:00',
        time_zone: 'Europe/Berlin',
        time_zone_attribute: 'contact.time_zone',
      };
      expect(flowOf(withActions(event({ send_window }))).actions[0]?.send_window).toEqual(send_window);
    });

    it('accepts a window over midnight', () => {
      expect(parseFlow(withActions(event({ send_window: { days: ['fri'], start: '22:00', end: '06:00' } }))).ok).toBe(true);
    });

    it('accepts 00:00 and 23:59', () => {
      expect(parseFlow(withActions(event({ send_window: { start: '00:00', end: '23:59', time_zone: 'UTC' } }))).ok).toBe(true);
    });

    it.each([
      [{ start: '09:00' }, 'actions[0].send_window.end', 'is required'],
      [{ start: '9:00', end: '17:00' }, 'actions[0].send_window.start', 'must be a time of day HH:MM between 00:00 and 23:59'],
      [{ start: '09:00', end: '24:00' }, 'actions[0].send_window.end', 'must be a time of day HH:MM between 00:00 and 23:59'],
      [{ start: '09:60', end: '17:00' }, 'actions[0].send_window.start', 'must be a time of day HH:MM between 00:00 and 23:59'],
      [{ start: '09:00', end: '09:00' }, 'actions[0].send_window.end', 'must differ from start'],
      [{ days: [], start: '09:00', end: '17:00' }, 'actions[0].send_window.days', 'must have at least 1 item'],
      [{ days: ['monday'], start: '09:00', end: '17:00' }, 'actions[0].send_window.days[0]', 'must be one of "mon", "tue", "wed", "thu", "fri", "sat", "sun"'],
      [{ days: ['mon', 'tue', 'mon'], start: '09:00', end: '17:00' }, 'actions[0].send_window.days[2]', 'repeats "mon"'],
      [{ start: '09:00', end: '17:00', time_zone: 'Mars/Olympus' }, 'actions[0].send_window.time_zone', 'is not a known IANA time zone, e.g. Europe/Berlin or UTC'],
      [{ start: '09:00', end: '17:00', time_zone: '' }, 'actions[0].send_window.time_zone', 'is not a known IANA time zone, e.g. Europe/Berlin or UTC'],
      [{ start: '09:00', end: '17:00', time_zone_attribute: '' }, 'actions[0].send_window.time_zone_attribute', 'must not be empty'],
      [{ start: '09:00', end: '17:00', timezone: 'UTC' }, 'actions[0].send_window.timezone', 'is not a known field (did you mean "time_zone"?)'],
    ])('refuses the window %j', (send_window, path, message) => {
      expect(problemsOf(withActions(event({ send_window })))).toEqual([{ path, message }]);
    });
  });

  describe('the wait action (autoflow extension)', () => {
    it('reads a plain delay', () => {
      const action = flowOf(withActions({ id: 'w', type: 'wait', config: { timeout: 'P3D' } })).actions[0];
      expect(action && isActionOfType(action, 'wait') ? action.config : undefined).toEqual({ timeout: 'P3D' });
    });

    it('reads a wait for an event with a timeout', () => {
      const config = { event: { type: ['received_email'], payload: { subject: [{ prefix: 'Re:' }] } }, timeout: 'PT48H' };
      const action = flowOf(withActions({ type: 'wait', config })).actions[0];
      expect(action && isActionOfType(action, 'wait') ? action.config : undefined).toEqual(config);
    });

    it.each([
      [{}, 'actions[0].config.timeout', 'is required'],
      [{ timeout: 'three days' }, 'actions[0].config.timeout', 'must be an ISO 8601 duration such as PT30S, PT1M or P1D (got "three days")'],
      [{ timeout: 'PT0S' }, 'actions[0].config.timeout', 'must be longer than zero'],
      [{ timeout: 'P1D', event: ['received_email'] }, 'actions[0].config.event', 'expected an object, received an array'],
      [{ timeout: 'P1D', event: { type: 'received_email' } }, 'actions[0].config.event.type', 'must be an array of values to match or a nested pattern object, got "received_email"'],
      [{ timeout: 'P1D', event: { payload: { total: [{ numeric: ['>'] }] } } }, 'actions[0].config.event.payload.total[0].numeric', '">" must be followed by a number'],
      [{ timeout: 'P1D', event: {} }, 'actions[0].config.event', 'empty objects are not allowed'],
      [{ timeout: 'P1D', until: 'x' }, 'actions[0].config.until', 'is not a known field'],
    ])('refuses the config %j', (config, path, message) => {
      expect(problemsOf(withActions({ type: 'wait', config }))).toEqual([{ path, message }]);
    });

    it('reports every problem of a pattern at once', () => {
      const config = { timeout: 'P1D', event: { type: [], diff: { $or: [{ 'updated.status': ['x'] }] } } };
      expect(pathsOf(problemsOf(withActions({ type: 'wait', config })))).toEqual(['actions[0].config.event.type', 'actions[0].config.event.diff.$or']);
    });

    it('does not let a wait without config pass as a custom action', () => {
      expect(problemsOf(withActions({ type: 'wait' }))).toEqual([{ path: 'actions[0].config', message: 'is required' }]);
    });
  });

  describe('exit_on (autoflow extension)', () => {
    const rule = (extra: Json = {}): Json => ({ event: { type: ['entity_operation'], entity: { status: ['cancelled'] } }, ...extra });

    it('reads rules with and without id and reason', () => {
      const flow = flowOf(minimalFlow({ exit_on: [rule({ id: 'cancelled', reason: 'The contract was cancelled' }), rule()] }));
      expect(flow.exit_on).toEqual([rule({ id: 'cancelled', reason: 'The contract was cancelled' }), rule()]);
    });

    it.each([
      [[{}], 'exit_on[0].event', 'is required'],
      [[rule({ event: { type: 'x' } })], 'exit_on[0].event.type', 'must be an array of values to match or a nested pattern object, got "x"'],
      [[rule({ reason: 'x'.repeat(201) })], 'exit_on[0].reason', 'must be at most 200 characters long'],
      [[rule({ reason: '' })], 'exit_on[0].reason', 'must not be empty'],
      [[rule({ id: '' })], 'exit_on[0].id', 'must not be empty'],
      [[rule({ when: 'now' })], 'exit_on[0].when', 'is not a known field'],
      [Array.from({ length: MAX_EXIT_ON_RULES + 1 }, () => rule()), 'exit_on', 'must have at most 10 items'],
      [rule(), 'exit_on', 'expected an array, received an object'],
      [[rule({ id: 'a' }), rule({ id: 'a' })], 'exit_on[1].id', 'duplicate exit_on rule id "a" (also used by exit_on[0])'],
    ])('refuses exit_on %#', (exit_on, path, message) => {
      expect(problemsOf(minimalFlow({ exit_on }))).toEqual([{ path, message }]);
    });

    it.each([
      [{ id: 'cancelled' }, 0, 'exit_on cancelled matched event entity_operation'],
      [{}, 2, 'exit_on 2 matched event entity_operation'],
      [{ id: 'x', reason: 'Customer replied' }, 0, 'Customer replied'],
    ])('gives rule %j at index %d the reason %j', (r, index, reason) => {
      expect(exitOnReason(r, index, 'entity_operation')).toBe(reason);
    });
  });

  describe('schedules timed from an action', () => {
    const fromAction = (sourceId: string): Json => ({ id: 's1', numberOfUnits: 1, timePeriod: 'days', source: { id: sourceId, origin: 'action' } });

    it('accepts a schedule timed from an earlier action', () => {
      expect(parseFlow(minimalFlow({ schedules: [fromAction('a0')], actions: [event({ id: 'a0' }), event({ id: 'a1', schedule_id: 's1' })] })).ok).toBe(true);
    });

    it('accepts a schedule timed from an earlier action of a block that uses it through its condition', () => {
      const flow = minimalFlow({
        schedules: [fromAction('a0')],
        conditions: [{ id: 'c1', schedule_id: 's1' }],
        actions: [event({ id: 'a0' }), event({ id: 'a1', condition_id: 'c1' }), event({ id: 'a2', condition_id: 'c1' })],
      });
      expect(parseFlow(flow).ok).toBe(true);
    });

    it('reports a schedule timed from a later action', () => {
      const flow = minimalFlow({ schedules: [fromAction('a1')], actions: [event({ id: 'a0', schedule_id: 's1' }), event({ id: 'a1' })] });
      expect(problemsOf(flow)).toEqual([
        {
          path: 'schedules[0].source.id',
          message: 'names action "a1" (actions[1]), which does not run before the actions that use this schedule (first: actions[0])',
        },
      ]);
    });

    it('reports a schedule timed from the action that uses it', () => {
      const flow = minimalFlow({ schedules: [fromAction('a0')], actions: [event({ id: 'a0', schedule_id: 's1' })] });
      expect(pathsOf(problemsOf(flow))).toEqual(['schedules[0].source.id']);
    });

    it('reports a schedule of a block timed from an action inside the block', () => {
      const flow = minimalFlow({
        schedules: [fromAction('a2')],
        conditions: [{ id: 'c1', schedule_id: 's1' }],
        actions: [event({ id: 'a0' }), event({ id: 'a1', condition_id: 'c1' }), event({ id: 'a2', condition_id: 'c1' })],
      });
      expect(problemsOf(flow)).toEqual([
        {
          path: 'schedules[0].source.id',
          message: 'names action "a2" (actions[2]), which does not run before the actions that use this schedule (first: actions[1])',
        },
      ]);
    });

    it('reports a schedule timed from an action the flow does not have', () => {
      const flow = minimalFlow({ schedules: [fromAction('nope')], actions: [event({ id: 'a0', schedule_id: 's1' })] });
      expect(problemsOf(flow)).toEqual([
        { path: 'schedules[0].source.id', message: 'names action "nope", which is not in actions[] (the schedule is first used by actions[0])' },
      ]);
    });

    it('leaves a schedule that no action uses alone', () => {
      expect(parseFlow(minimalFlow({ schedules: [fromAction('nope')] })).ok).toBe(true);
    });

    it('reports it together with the other problems of the flow', () => {
      const flow = minimalFlow({
        flow_name: '',
        schedules: [fromAction('a1')],
        actions: [event({ id: 'a0', schedule_id: 's1', send_window: { start: '09:00', end: '09:00' } }), event({ id: 'a1', condition_id: 'c9' })],
      });
      expect(pathsOf(problemsOf(flow))).toEqual(['flow_name', 'actions[0].send_window.end', 'actions[1].condition_id', 'schedules[0].source.id']);
    });
  });
});
