import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type Logger, type TimerService, systemClock } from '@autoflow/engine';
import type { TimerSettings } from '../config/LambdaEnv';
import { SchedulerTimerService } from './SchedulerTimerService';

/** The timer port on AWS (SQS delays and EventBridge Scheduler) on the system clock, as every function that arms or disarms timers builds it. */
export function schedulerTimerService(settings: TimerSettings, logger: Logger): TimerService {
  return new SchedulerTimerService({ sqs: new SQSClient({}), scheduler: new SchedulerClient({}), settings, clock: systemClock, logger });
}
