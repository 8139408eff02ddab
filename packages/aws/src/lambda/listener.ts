import { SQSClient } from '@aws-sdk/client-sqs';
import { TriggerListener, systemClock } from '@autoflow/engine';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ListenerEnvSchema, loadLambdaConfig } from '../config/LambdaEnv';
import { METRIC } from '../config/metricNames';
import { createDocumentClient } from '../dynamodb/documentClient';
import { DynamoExecutionStore } from '../dynamodb/DynamoExecutionStore';
import { DynamoFlowStore } from '../dynamodb/DynamoFlowStore';
import { DynamoGuardStore } from '../dynamodb/DynamoGuardStore';
import { DynamoRecentEventStore } from '../dynamodb/DynamoRecentEventStore';
import { schedulerTimerService } from '../timers/createSchedulerTimerService';
import { createListenerHandler } from '../handlers/listenerHandler';
import { SqsDeadLetterSink } from '../sqs/SqsEventIngress';
import { EmfMetrics } from './EmfMetrics';
import { type EntryOptions, entryLogger, perContainer, withContext } from './lambdaRuntime';

/**
 * The trigger listener on the FIFO trigger queue (batch of up to 10, ReportBatchItemFailures).
 * Invalid events are dead-lettered with their reason and reported as handled; a failure that may
 * pass later fails its record and the rest of its org's group only (createListenerHandler).
 */
export function createListenerLambda(options: EntryOptions = {}) {
  const container = perContainer(() => {
    const config = loadLambdaConfig(ListenerEnvSchema, options.env ?? process.env);
    const logger = entryLogger('listener', config.logLevel);
    const metrics = new EmfMetrics(config.stage);
    const db = createDocumentClient();
    const dlq = new SqsDeadLetterSink(new SQSClient({}), config.triggerDlqUrl);
    const listener = new TriggerListener({
      flows: new DynamoFlowStore(db, config.controlTable, systemClock),
      executions: new DynamoExecutionStore(db, config.executionsTable),
      guards: new DynamoGuardStore(db, config.controlTable),
      guardSettings: config.guards,
      // exit_on ends executions (disarming their timers); wait steps see events through the look-back
      ...(config.timers ? { timers: schedulerTimerService(config.timers, logger) } : {}),
      recentEvents: new DynamoRecentEventStore(db, config.controlTable),
      deadLetters: {
        reject: async (input) => {
          await dlq.reject(input);
          metrics.count(METRIC.eventsRejected);
        },
      },
      onFlowDisabled: () => metrics.count(METRIC.flowsAutoDisabled),
      clock: systemClock,
      logger,
    });
    return { logger, handle: createListenerHandler(listener) };
  });

  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const { logger, handle } = await container();
    withContext(logger, context);
    return handle(event);
  };
}

export const handler = createListenerLambda();
