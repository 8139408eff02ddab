import { ExecutionAlreadyExists, type SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { BulkJobMachine } from '@autoflow/engine';
import { BULK_JOB_CANCELLED_ERROR } from './bulkJobDefinition';

/** The bulk job state machine on Step Functions: one execution per job, named after it. */
export class StepFunctionsBulkJobMachine implements BulkJobMachine {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(job: { org_id: string; job_id: string }): Promise<void> {
    try {
      await this.sfn.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: job.job_id, input: JSON.stringify({ org_id: job.org_id, job_id: job.job_id }) }),
      );
    } catch (err) {
      // same name and input: the job runs already
      if (!(err instanceof ExecutionAlreadyExists)) throw err;
    }
  }

  async approve(callbackToken: string): Promise<void> {
    await this.sfn.send(new SendTaskSuccessCommand({ taskToken: callbackToken, output: '{}' }));
  }

  async cancel(callbackToken: string, reason: string): Promise<void> {
    await this.sfn.send(new SendTaskFailureCommand({ taskToken: callbackToken, error: BULK_JOB_CANCELLED_ERROR, cause: reason }));
  }
}
