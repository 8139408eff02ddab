import { ConflictError, resume } from '@autoflow/core';
import type { Clock, ExecutionStore } from '../ports';
import { hashResumeToken, parseResumeToken } from './resumeToken';

export type ResumeOutcome = { ok: true; org_id: string; execution_id: string } | { ok: false; reason: 'invalid_token' | 'not_waiting' };

/**
 * Resumes the execution a token belongs to. The token is checked against the hash stored with
 * the pausing attempt's result; the write is conditional, so a token works once.
 */
export async function resumeExecution(deps: { executions: ExecutionStore; clock: Clock }, token: string): Promise<ResumeOutcome> {
  const ref = parseResumeToken(token);
  if (!ref) return { ok: false, reason: 'invalid_token' };
  const record = await deps.executions.load(ref.org_id, ref.execution_id);
  const slot = record?.state.acts[ref.index];
  const result = slot ? record?.results.find((r) => r.index === ref.index && r.attempt === slot.n) : undefined;
  if (!record || !result?.resume_hash || result.resume_hash !== hashResumeToken(token)) return { ok: false, reason: 'invalid_token' };
  const outcome = resume(record.state, ref.index, deps.clock.now());
  if (!outcome.ok) return { ok: false, reason: 'not_waiting' };
  try {
    await deps.executions.writeState(outcome.decision.next, outcome.decision.expect_seq);
  } catch (err) {
    if (err instanceof ConflictError) return { ok: false, reason: 'not_waiting' };
    throw err;
  }
  return { ok: true, org_id: ref.org_id, execution_id: ref.execution_id };
}
