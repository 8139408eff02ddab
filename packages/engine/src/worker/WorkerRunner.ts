import {
  type ActionResult,
  AutomationError,
  ConflictError,
  NonRetryableError,
  RetryableError,
  chainFromLineage,
  lineageFromExecution,
  toAutomationError,
} from '@autoflow/core';
import { outputsOf } from '../executions/outputsOf';
import { planOf } from '../executions/planOf';
import type { ActionHandler } from '../actions/ActionHandler';
import { hashResumeToken, newResumeToken } from '../executions/resumeToken';
import type { Clock, DispatchMessage, DispatchWork, ExecutionLog, Lineage, Logger } from '../ports';
import { silentLogger } from '../ports';

export interface WorkerDeps {
  /** the claim, the result, and a read of the execution only for a dispatch that does not carry its work */
  executions: Pick<ExecutionLog, 'writeState' | 'putResult' | 'load'>;
  handlers: { get(type: string): ActionHandler | undefined };
  clock: Clock;
  logger?: Logger;
  /** observes each attempt (tests and the dev server use it) */
  onAttempt?: (event: { dispatch_id: string; action_type: string; phase: 'start' | 'end'; at: number; status?: string }) => void;
}

export type WorkerOutcome = 'done' | 'duplicate';

/** Outputs larger than this are cut, so one result item stays cheap to write. */
const MAX_OUTPUT_BYTES = 8_192;

/**
 * Runs one dispatched action. The claim is the conditional write of the state the dispatcher
 * decided (`next`, if the state still has `expect_seq`): exactly one delivery of a dispatch wins
 * it, so a duplicated event never runs an action twice. The result goes to an item of its own,
 * written once per attempt, whose stream record wakes the dispatcher. What the action runs on
 * comes with the message; only a message too large to carry it makes the worker read it.
 */
export class WorkerRunner {
  private readonly logger: Logger;

  constructor(private readonly deps: WorkerDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  async run(message: DispatchMessage): Promise<WorkerOutcome> {
    const { dispatch, next } = message;
    try {
      await this.deps.executions.writeState(next, dispatch.expect_seq);
    } catch (err) {
      if (err instanceof ConflictError) {
        this.logger.debug('dispatch already claimed or stale', { dispatch_id: dispatch.dispatch_id });
        return 'duplicate';
      }
      throw err;
    }
    const startedAt = this.deps.clock.now();
    this.deps.onAttempt?.({ dispatch_id: dispatch.dispatch_id, action_type: dispatch.action_type, phase: 'start', at: startedAt });
    const result = await this.execute(message, startedAt);
    this.deps.onAttempt?.({ dispatch_id: dispatch.dispatch_id, action_type: dispatch.action_type, phase: 'end', at: result.ended_at, status: result.status });
    await this.deps.executions.putResult(dispatch.org_id, dispatch.execution_id, result, next.seq);
    return 'done';
  }

  /** The message's work, or, when it was too large to carry, the same read from the execution's items. */
  private async workOf({ dispatch, work }: DispatchMessage): Promise<DispatchWork> {
    if (work) return work;
    const record = await this.deps.executions.load(dispatch.org_id, dispatch.execution_id);
    if (!record) throw new RetryableError('INTERNAL_ERROR', `execution ${dispatch.execution_id} not found`);
    const action = record.flow.actions[dispatch.index];
    if (!action) throw new NonRetryableError('BAD_CONFIG', `flow snapshot has no action ${dispatch.action_id} at ${dispatch.index}`);
    return {
      action,
      flow_name: record.flow.flow_name,
      timeout_ms: planOf(record.flow).actions[dispatch.index]?.timeout_ms,
      ...(record.entity ? { entity: record.entity } : {}),
      ...(record.trigger ? { trigger: record.trigger } : {}),
      outputs: outputsOf(record.results),
    };
  }

  private async execute(message: DispatchMessage, startedAt: number): Promise<ActionResult> {
    const { dispatch, next } = message;
    const base = { index: dispatch.index, action_id: dispatch.action_id, attempt: dispatch.attempt, started_at: startedAt };
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      const { action, flow_name, timeout_ms, entity, trigger, outputs } = await this.workOf(message);
      if (action.id !== dispatch.action_id) {
        throw new NonRetryableError('BAD_CONFIG', `flow snapshot has no action ${dispatch.action_id} at ${dispatch.index}`);
      }
      const handler = this.deps.handlers.get(action.type);
      if (!handler) throw new NonRetryableError('BAD_CONFIG', `no worker is registered for action type "${action.type}"`);
      const lineage: Lineage = lineageFromExecution({
        id: dispatch.execution_id,
        flow_id: dispatch.flow_id,
        chain: chainFromLineage(trigger?.lineage, dispatch.flow_id),
      });
      const timeoutMs = timeout_ms ?? Math.max(1, next.lease_until - startedAt);
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new RetryableError('TIMEOUT_ERROR', `action did not finish within ${timeoutMs} ms`));
        }, timeoutMs);
        // The lease, not this timer, is what guarantees progress: never keep a process alive for it.
        timer.unref?.();
      });
      const resumeToken = newResumeToken(dispatch.org_id, dispatch.execution_id, dispatch.index);
      const outcome = await Promise.race([
        handler({
          org_id: dispatch.org_id,
          execution_id: dispatch.execution_id,
          flow_id: dispatch.flow_id,
          flow_name,
          action,
          action_index: dispatch.index,
          attempt: dispatch.attempt,
          dispatch_id: dispatch.dispatch_id,
          resume_token: resumeToken,
          ...(entity ? { entity } : {}),
          ...(trigger ? { trigger } : {}),
          outputs,
          lineage,
          signal: controller.signal,
          clock: this.deps.clock,
          logger: this.logger,
        }),
        timedOut,
      ]);
      return {
        ...base,
        status: 'success',
        ended_at: this.deps.clock.now(),
        ...(outcome.outputs ? { outputs: capOutputs(outcome.outputs) } : {}),
        ...(outcome.effect ? { effect: outcome.effect } : {}),
        ...(outcome.effect === 'pause' ? { resume_hash: hashResumeToken(resumeToken) } : {}),
      };
    } catch (err) {
      const error = toAutomationError(err);
      this.logger.info('action failed', { dispatch_id: dispatch.dispatch_id, code: error.code, reason: error.message });
      return { ...base, status: 'failed', ended_at: this.deps.clock.now(), error: toActionError(error) };
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

function toActionError(error: AutomationError): NonNullable<ActionResult['error']> {
  return {
    code: error.code,
    reason: error.message.slice(0, 1_000),
    retryable: error.retryable,
    ...(error.retryAfterMs !== undefined ? { retry_after_ms: error.retryAfterMs } : {}),
    ...(error.info ? { info: capOutputs(error.info) } : {}),
  };
}

function capOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
  const json = JSON.stringify(outputs);
  if (json.length <= MAX_OUTPUT_BYTES) return outputs;
  return { _truncated: true, preview: json.slice(0, MAX_OUTPUT_BYTES - 64) };
}
