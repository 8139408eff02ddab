/**
 * The bulk job state machine, in Amazon States Language, built from one function so the CDK
 * app deploys exactly what the embedded stack runs (JSONPath only: no JSONata, no variables).
 *
 *   AwaitApproval ──(approved)──▶ ProcessBatch ◀──────────── more ─┐
 *        │ cancelled / timeout         │  hands its cursor back    │
 *        ▼                             ├── wait ─▶ PaceWait ───────┤
 *   Cancelled / RecordFailure          ├── cancelled ─▶ Cancelled  │
 *                                      └── done ─▶ Monitor ◀─ MonitorWait
 *                                                     └── done ─▶ SendReport ─▶ Finished
 *
 * Every Task retries transient Lambda errors and a crashed step (its work is idempotent) and
 * catches everything else into RecordFailure, which marks the job failed.
 */
export interface BulkJobDefinitionProps {
  /** ARN of the function that runs the tasks (one function, a `task` field per step) */
  tasksFunctionArn: string;
  /** how long a job waits for its approval before it fails (default 7 days) */
  approvalTimeoutSeconds?: number;
  /** pause between monitoring passes while executions still run (default 15 s) */
  monitorIntervalSeconds?: number;
  /** upper bound of one step (default 900 s: the Lambda maximum; batches stop themselves earlier) */
  taskTimeoutSeconds?: number;
}

export type AslState = Record<string, unknown>;
export interface AslDefinition {
  Comment: string;
  StartAt: string;
  States: Record<string, AslState>;
}

export const BULK_STATES = {
  awaitApproval: 'AwaitApproval',
  processBatch: 'ProcessBatch',
  paceWait: 'PaceWait',
  monitor: 'Monitor',
  monitorWait: 'MonitorWait',
  sendReport: 'SendReport',
  recordFailure: 'RecordFailure',
} as const;

export const WAIT_FOR_TASK_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
export const BULK_JOB_CANCELLED_ERROR = 'BulkJobCancelled';

const TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

const retry = [
  { ErrorEquals: TRANSIENT, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' },
  // a step that decided it can never succeed is not retried
  { ErrorEquals: ['NonRetryableError', 'ValidationError'], MaxAttempts: 0 },
  // a crashed or timed-out step is run again from the cursor it was given
  { ErrorEquals: ['States.TaskFailed', 'States.Timeout'], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 },
];
const toFailure = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: BULK_STATES.recordFailure }];
const job = { 'org_id.$': '$.org_id', 'job_id.$': '$.job_id' };

export function bulkJobDefinition(props: BulkJobDefinitionProps): AslDefinition {
  const fn = props.tasksFunctionArn;
  const task = (name: string, parameters: Record<string, unknown>, rest: AslState): AslState => ({
    Type: 'Task',
    Resource: fn,
    Parameters: { task: name, ...job, ...parameters },
    TimeoutSeconds: props.taskTimeoutSeconds ?? 900,
    Retry: retry,
    Catch: toFailure,
    ...rest,
  });
  const on = (variable: string, value: string, next: string) => ({ Variable: variable, StringEquals: value, Next: next });
  return {
    Comment: 'autoflow bulk job: approval, lazy batches over the selected entities, monitoring, report',
    StartAt: BULK_STATES.awaitApproval,
    States: {
      [BULK_STATES.awaitApproval]: {
        Type: 'Task',
        Resource: WAIT_FOR_TASK_TOKEN,
        Parameters: { FunctionName: fn, Payload: { task: 'await_approval', ...job, 'callback_token.$': '$$.Task.Token' } },
        TimeoutSeconds: props.approvalTimeoutSeconds ?? 7 * 24 * 3600,
        ResultPath: null,
        Retry: [retry[0]],
        Catch: [{ ErrorEquals: [BULK_JOB_CANCELLED_ERROR], ResultPath: null, Next: 'Cancelled' }, ...toFailure],
        Next: 'StartBatches',
      },
      StartBatches: { Type: 'Pass', Result: { cursor: null, pages: 0 }, ResultPath: '$.batch', Next: BULK_STATES.processBatch },
      [BULK_STATES.processBatch]: task('process_batch', { 'cursor.$': '$.batch.cursor', 'pages.$': '$.batch.pages' }, { ResultPath: '$.batch', Next: 'AfterBatch' }),
      AfterBatch: {
        Type: 'Choice',
        Choices: [
          on('$.batch.next', 'cancelled', 'Cancelled'),
          on('$.batch.next', 'wait', BULK_STATES.paceWait),
          on('$.batch.next', 'more', BULK_STATES.processBatch),
        ],
        Default: 'StartMonitoring',
      },
      [BULK_STATES.paceWait]: { Type: 'Wait', SecondsPath: '$.batch.wait_seconds', Next: BULK_STATES.processBatch },
      StartMonitoring: { Type: 'Pass', Result: { cursor: null, tally: null }, ResultPath: '$.monitor', Next: BULK_STATES.monitor },
      [BULK_STATES.monitor]: task('monitor', { 'cursor.$': '$.monitor.cursor', 'tally.$': '$.monitor.tally' }, { ResultPath: '$.monitor', Next: 'AfterMonitor' }),
      AfterMonitor: {
        Type: 'Choice',
        Choices: [on('$.monitor.next', 'cancelled', 'Cancelled'), on('$.monitor.next', 'done', BULK_STATES.sendReport)],
        Default: BULK_STATES.monitorWait,
      },
      [BULK_STATES.monitorWait]: { Type: 'Wait', Seconds: props.monitorIntervalSeconds ?? 15, Next: BULK_STATES.monitor },
      [BULK_STATES.sendReport]: task('send_report', { 'tally.$': '$.monitor.tally' }, { ResultPath: null, Next: 'Finished' }),
      Finished: { Type: 'Succeed' },
      Cancelled: { Type: 'Succeed' },
      [BULK_STATES.recordFailure]: {
        Type: 'Task',
        Resource: fn,
        Parameters: { task: 'record_failure', ...job, 'error.$': '$.error' },
        ResultPath: null,
        Retry: [retry[0]],
        Next: 'Failed',
      },
      Failed: { Type: 'Fail', Error: 'BulkJobFailed', Cause: 'the bulk job failed; its error is on the job' },
    },
  };
}
