import { Duration } from 'aws-cdk-lib';

/**
 * Timeouts of the functions. The trigger queue's visibility timeout follows the listener's
 * (AWS recommends six times the function timeout for SQS event sources), so both live here.
 */
export const TIMEOUT = {
  ingress: Duration.seconds(10),
  listener: Duration.seconds(30),
  dispatcher: Duration.seconds(60),
  entityEvents: Duration.seconds(60),
  sweeper: Duration.seconds(55),
  /** actions run up to 15 minutes (MAX_TIMEOUT_MS); the engine enforces each action's own timeout */
  worker: Duration.minutes(15),
  /**
   * the Lambda maximum, as the definition's TimeoutSeconds per step; a batch stops itself after
   * AUTOFLOW_BULK_BATCH_BUDGET_MS (at most 12 minutes), so a page in flight still has time to end
   */
  bulkTasks: Duration.minutes(15),
  /**
   * under API Gateway's 30 s integration timeout, so a slow request ends as the function's own
   * error (logged) rather than a gateway 503; a manual start waits at most 10 s of it
   */
  api: Duration.seconds(29),
} as const;

export const TRIGGER_QUEUE_VISIBILITY = Duration.seconds(TIMEOUT.listener.toSeconds() * 6);

/** After this many receives a trigger message goes to the DLQ (the redrive backstop of ADR 0003). */
export const TRIGGER_MAX_RECEIVE_COUNT = 5;
