import { BULK_JOB_CANCELLED_ERROR } from '@autoflow/aws';
import type { BulkJobMachine } from '@autoflow/engine';
import type { LocalStateMachine } from './LocalStateMachine';

/** The bulk job machine of the embedded stack: the deployed definition, run by the local interpreter. */
export class LocalBulkJobMachine implements BulkJobMachine {
  constructor(private readonly machine: LocalStateMachine) {}

  async start(job: { org_id: string; job_id: string }): Promise<void> {
    this.machine.startExecution(job.job_id, { org_id: job.org_id, job_id: job.job_id });
  }

  async approve(callbackToken: string): Promise<void> {
    this.machine.sendTaskSuccess(callbackToken, {});
  }

  async cancel(callbackToken: string, reason: string): Promise<void> {
    this.machine.sendTaskFailure(callbackToken, BULK_JOB_CANCELLED_ERROR, reason);
  }

  /** Resolves when the job's run has ended. */
  async settled(jobId: string): Promise<void> {
    await this.machine.result(jobId);
  }
}
