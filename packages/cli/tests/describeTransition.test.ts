import type { Decision, ExecutionState } from '@autoflow/core';
import { describeTransition, shortId } from '../src';

const state: ExecutionState = {
  org_id: 'demo',
  execution_id: '4a434696-9563-58b0-9d4e-1a0a7070593d',
  flow_id: 'order-placed',
  status: 'in_progress',
  created_at: 0,
  updated_at: 0,
  seq: 3,
  cur: 0,
  lease_until: 0,
  acts: [
    { s: 'in_progress', n: 1 },
    { s: 'pending', n: 0 },
  ],
};

describe('shortId', () => {
  it.each([
    ['4a434696-9563-58b0-9d4e-1a0a7070593d', '4a434696'],
    ['order-placed', 'order-placed'],
    ['f7ceaa26-f210-4b89-9b56-5e6fe9ef1d49', 'f7ceaa26'],
  ])('writes %s as %s', (id, short) => expect(shortId(id)).toBe(short));
});

describe('describeTransition', () => {
  it.each<[string, Decision, string | undefined]>([
    ['nothing for a decision to do nothing', { kind: 'none', reason: 'lease not expired' }, undefined],
    [
      'the action dispatched and its attempt',
      {
        kind: 'dispatch',
        next: state,
        dispatch: { org_id: 'demo', execution_id: state.execution_id, flow_id: 'order-placed', index: 0, attempt: 2, action_id: 'notify-erp', action_type: 'trigger-webhook', dispatch_id: 'd', expect_seq: 3 },
      },
      'execution 4a434696 (flow order-placed): run trigger-webhook "notify-erp" attempt 2',
    ],
    [
      'a retry being scheduled, with the error code',
      { kind: 'write', expect_seq: 3, next: { ...state, acts: [{ s: 'scheduled', n: 1, why: 'TRIGGER_WEBHOOK_ERROR' }, { s: 'pending', n: 0 }] } },
      'execution 4a434696 (flow order-placed): in_progress — action #1 scheduled (TRIGGER_WEBHOOK_ERROR)',
    ],
    [
      'a final status in capitals, with every action that changed',
      { kind: 'write', expect_seq: 3, next: { ...state, status: 'failed', acts: [{ s: 'failed', n: 3, why: 'TRIGGER_WEBHOOK_ERROR' }, { s: 'skipped', n: 0, why: 'execution failed at notify-erp' }] } },
      'execution 4a434696 (flow order-placed): FAILED — action #1 failed (TRIGGER_WEBHOOK_ERROR), action #2 skipped (execution failed at notify-erp)',
    ],
  ])('describes %s', (_what, decision, line) => {
    expect(describeTransition(state, decision)).toBe(line);
  });
});
