import {
  AutomationExecutionSchema,
  chainFromLineage,
  EpilotErrorCode,
  ExecutionStatus,
  FINAL_STATUSES,
  isActionOfType,
  isFinalStatus,
  lineageFromExecution,
  parseExecution,
} from '../../src/schemas';
import { loadEpilotSpec } from './fixtures';

type Json = Record<string, unknown>;

const execution = (extra: Json = {}): Json => ({
  id: 'exec-1',
  execution_status: 'in_progress',
  entity_id: 'ent-1',
  org_id: 'org-1',
  flow_id: 'flow-1',
  actions: [],
  ...extra,
});

describe('AutomationExecution', () => {
  it('reads a document without status, which epilot\'s spec lists as required', () => {
    expect(parseExecution(execution()).ok).toBe(true);
  });

  it('reads a document with status and drops it, so it is never written back', () => {
    const result = parseExecution(execution({ status: 'in_progress' }));
    expect(result.ok && 'status' in result.execution).toBe(false);
  });

  it('drops unknown top-level fields instead of failing the read', () => {
    const result = parseExecution(execution({ written_by_a_newer_version: true }));
    expect(result.ok && Object.keys(result.execution)).toEqual(['id', 'execution_status', 'entity_id', 'org_id', 'flow_id', 'actions']);
  });

  it('reads actions with their typed config and their execution state', () => {
    const result = parseExecution(
      execution({
        current_action_id: 'a2',
        actions: [
          { id: 'a1', type: 'send-email', config: { email_template_id: 't' }, execution_status: 'success', started_at: '2024-01-01T00:00:00Z', outputs: { message_id: 'm' } },
          {
            id: 'a2',
            type: 'trigger-webhook',
            config: { url: 'https://x.example/h' },
            execution_status: 'failed',
            error_output: { error_code: 'TRIGGER_WEBHOOK_ERROR', error_reason: 'answered 500', error_info: { details: [{ explanation: 'boom' }], status: 500 } },
            retry_strategy: 'RETRY_AND_RESUME',
          },
          { id: 'a3', type: 'credit-check', config: { provider: 'x' }, execution_status: 'pending' },
        ],
      }),
    );
    const webhook = result.ok ? result.execution.actions[1] : undefined;
    expect(webhook && isActionOfType(webhook, 'trigger-webhook') ? [webhook.config.method, webhook.error_output?.error_code] : undefined).toEqual([
      'POST',
      'TRIGGER_WEBHOOK_ERROR',
    ]);
  });

  it('reads wait actions, send windows and the error_output of a failed condition block', () => {
    const result = parseExecution(
      execution({
        conditions: [
          {
            id: 'c1',
            schedule_id: 's1',
            allow_failure: true,
            error_output: { error_code: 'INVALID_SCHEDULE_CONFIG', error_reason: 'attribute "end_date" of the trigger entity is missing' },
          },
        ],
        schedules: [{ id: 's1', numberOfUnits: 1, timePeriod: 'days', source: { id: 't', origin: 'trigger', attribute: 'end_date' } }],
        actions: [
          { id: 'w', type: 'wait', config: { event: { type: ['received_email'] }, timeout: 'P3D' }, execution_status: 'scheduled' },
          { id: 'm', type: 'send-email', config: { email_template_id: 't' }, send_window: { start: '09:00', end: '17:00' }, condition_id: 'c1' },
        ],
      }),
    );
    const wait = result.ok ? result.execution.actions[0] : undefined;
    expect([
      wait && isActionOfType(wait, 'wait') ? wait.config.timeout : undefined,
      result.ok ? result.execution.actions[1]?.send_window : undefined,
      result.ok ? result.execution.conditions?.[0]?.error_output?.error_code : undefined,
    ]).toEqual(['P3D', { start: '09:00', end: '17:00' }, 'INVALID_SCHEDULE_CONFIG']);
  });

  it('reports problems with paths when a document does not fit', () => {
    const result = parseExecution(execution({ execution_status: 'done', actions: [{ type: 'x', execution_status: 'later' }] }));
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toEqual(['execution_status', 'actions[0].execution_status']);
  });

  it('keeps the chain extension and epilot\'s workflow context', () => {
    const chain = { parent_execution_id: 'exec-0', flow_ids: ['flow-0', 'flow-1'], depth: 1 };
    const workflow_context = { workflow_exec_id: 'w', workflow_role: 'trigger_workflow', _execution_chain: { depth: 0 } };
    const parsed = AutomationExecutionSchema.parse(execution({ chain, workflow_context }));
    expect([parsed.chain, parsed.workflow_context]).toEqual([chain, workflow_context]);
  });
});

describe('ExecutionStatus', () => {
  const spec = loadEpilotSpec();

  it('has exactly epilot\'s statuses', () => {
    const published = spec.components.schemas.ExecutionStatus?.enum as string[];
    expect(Object.values(ExecutionStatus).sort()).toEqual([...published].sort());
  });

  it.each(Object.values(ExecutionStatus))('counts %s as final only if it is success, failed, cancelled, skipped or hot', (status) => {
    expect(isFinalStatus(status)).toBe(['success', 'failed', 'cancelled', 'skipped', 'hot'].includes(status));
  });

  it('lists the five final statuses', () => {
    expect([...FINAL_STATUSES].sort()).toEqual(['cancelled', 'failed', 'hot', 'skipped', 'success']);
  });
});

describe('EpilotErrorCode', () => {
  it('has exactly the error codes of epilot\'s spec', () => {
    const published = loadEpilotSpec().components.schemas.ErrorCode?.enum as string[];
    expect(Object.values(EpilotErrorCode)).toEqual(published);
  });
});

describe('chain and lineage', () => {
  it('starts a chain at depth 0 for an event from outside autoflow', () => {
    expect(chainFromLineage(undefined, 'flow-a')).toEqual({ flow_ids: ['flow-a'], depth: 0 });
  });

  it('extends the chain of the event that caused the execution', () => {
    const lineage = { execution_id: 'exec-a', flow_id: 'flow-a', chain: ['flow-a'], depth: 0 };
    expect(chainFromLineage(lineage, 'flow-b')).toEqual({ parent_execution_id: 'exec-a', flow_ids: ['flow-a', 'flow-b'], depth: 1 });
  });

  it('gives events caused by an execution the execution\'s lineage', () => {
    const chain = { parent_execution_id: 'exec-a', flow_ids: ['flow-a', 'flow-b'], depth: 1 };
    expect(lineageFromExecution({ id: 'exec-b', flow_id: 'flow-b', chain })).toEqual({
      execution_id: 'exec-b',
      flow_id: 'flow-b',
      chain: ['flow-a', 'flow-b'],
      depth: 1,
    });
  });

  it('keeps the newest 100 flows of a long chain while the depth stays exact', () => {
    const lineage = { execution_id: 'e', flow_id: 'f99', chain: Array.from({ length: 100 }, (_, i) => `f${i}`), depth: 150 };
    const chain = chainFromLineage(lineage, 'g');
    expect([chain.flow_ids.length, chain.flow_ids[0], chain.flow_ids[99], chain.depth]).toEqual([100, 'f1', 'g', 151]);
  });
});
