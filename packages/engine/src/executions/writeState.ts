import { type ExecutionState, timerChanges } from '@autoflow/core';
import type { ExecutionLog, Timer, TimerService } from '../ports';

/**
 * Replaces `prev` by `next` with a write conditional on `expectSeq` (a lost race throws the
 * store's ConflictError), arming the timers `next` waits on before the write and disarming
 * the ones it no longer needs after it. Arming first means a crash in between leaves a timer
 * that finds its slot not waiting (a no-op), never a waiting slot without a timer; disarming
 * is tidiness, since a stale timer is fenced by its seq anyway.
 */
export async function writeState(
  deps: { executions: Pick<ExecutionLog, 'writeState'>; timers?: TimerService | undefined },
  prev: ExecutionState,
  next: ExecutionState,
  expectSeq: number,
): Promise<void> {
  const changes = timerChanges(prev, next);
  const of = (specs: typeof changes.arm): Timer[] => specs.map((t) => ({ ...t, org_id: next.org_id, execution_id: next.execution_id }));
  if (changes.arm.length > 0) {
    if (!deps.timers) throw new Error('no timer service is configured, so nothing can wait');
    await deps.timers.arm(of(changes.arm));
  }
  await deps.executions.writeState(next, expectSeq);
  if (changes.disarm.length > 0 && deps.timers) await deps.timers.disarm(of(changes.disarm));
}
