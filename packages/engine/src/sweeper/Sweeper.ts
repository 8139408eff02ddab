import { isFinal } from '@autoflow/core';
import type { Dispatcher } from '../dispatcher/Dispatcher';
import type { Clock, ExecutionStore, Logger } from '../ports';
import { silentLogger } from '../ports';

export interface SweepReport {
  checked: number;
  redriven: number;
}

/**
 * Re-drives executions whose lease expired: due retries, actions whose worker went silent,
 * results whose follow-up dispatch was lost, executions nobody picked up. It reads only
 * executions that are not final (a sparse index), never the whole table.
 */
export class Sweeper {
  private readonly logger: Logger;

  constructor(private readonly deps: { executions: Pick<ExecutionStore, 'listActive' | 'getState'>; dispatcher: Pick<Dispatcher, 'onLeaseExpired'>; clock: Clock; logger?: Logger }) {
    this.logger = deps.logger ?? silentLogger;
  }

  async sweep(): Promise<SweepReport> {
    const report: SweepReport = { checked: 0, redriven: 0 };
    for await (const ref of this.deps.executions.listActive()) {
      report.checked++;
      const state = await this.deps.executions.getState(ref.org_id, ref.execution_id);
      if (!state || isFinal(state.status) || state.lease_until > this.deps.clock.now()) continue;
      try {
        const outcome = await this.deps.dispatcher.onLeaseExpired(ref.org_id, ref.execution_id);
        if (outcome === 'dispatched' || outcome === 'written') report.redriven++;
      } catch (err) {
        // One broken execution must not stop the sweep of the others.
        this.logger.error('sweep failed for execution', { execution_id: ref.execution_id, error: (err as Error).message });
      }
    }
    return report;
  }
}
