import { ExecutionAlreadyExists, SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { NonRetryableError } from '@autoflow/core';
import type { BulkJobMachine } from '@autoflow/engine';
import { BULK_JOB_CANCELLED_ERROR } from './bulkJobDefinition';

/**
 * The bulk job state machine on Step Functions: one execution per job, named after it.
 *
 * The API starts executions and answers the approval step; the bulk tasks function only answers
 * it (with the task token it was handed), so it is built without the state machine's ARN, and
 * needs no grant to start anything.
 */
export class StepFunctionsBulkJobMachine implements BulkJobMachine {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn?: string,
  ) {}

  async start(job: { org_id: string; job_id: string }): Promise<void> {
    if (!this.stateMachineArn) {
      throw new NonRetryableError('BAD_CONFIG', `cannot start bulk job ${job.job_id}: this function was not given the bulk job state machine's ARN`);
    }
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

/**
 * The machine with a Step Functions client of its own (endpoint and region from the standard
 * AWS variables), for entries of packages that do not depend on the SDK themselves.
 */
export const stepFunctionsBulkJobMachine = (stateMachineArn?: string): StepFunctionsBulkJobMachine => new StepFunctionsBulkJobMachine(new SFNClient({}), stateMachineArn);
