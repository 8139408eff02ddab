import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { guardSettings } from '@autoflow/core';
import { Admission, type DispatchPublisher, Dispatcher, type Logger, type TimerService, systemClock } from '@autoflow/engine';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { type DispatcherConfig, DispatcherEnvSchema, type TimerSettings, loadLambdaConfig } from '../config/LambdaEnv';
import { DynamoAdmissionStore } from '../dynamodb/DynamoAdmissionStore';
import { DynamoEntityStore } from '../dynamodb/DynamoEntityStore';
import { DynamoRecentEventStore } from '../dynamodb/DynamoRecentEventStore';
import { createDocumentClient } from '../dynamodb/documentClient';
import { DynamoExecutionStore } from '../dynamodb/DynamoExecutionStore';
import { EventBridgeDispatchPublisher } from '../eventbridge/EventBridgeDispatchPublisher';
import { createDispatcherHandler } from '../handlers/dispatcherHandler';
import { schedulerTimerService } from '../timers/createSchedulerTimerService';
import { type EntryOptions, entryLogger, perContainer, withContext } from './lambdaRuntime';

/** The automation bus publisher both the dispatcher and the sweeper use. */
export function automationBusPublisher(busName: string): DispatchPublisher {
  const eventBridge = new EventBridgeClient({});
  return new EventBridgeDispatchPublisher((input) => eventBridge.send(new PutEventsCommand(input)), busName);
}


interface BuiltDispatcher {
  dispatcher: Dispatcher;
  executions: DynamoExecutionStore;
  /** where the dispatcher arms timers; absent without timer settings */
  timers?: TimerService;
}

/**
 * The dispatcher as the dispatcher, sweeper and timers functions build it: admission control (org
 * slots and entity locks in the control table, with the deployment's org cap and lock lease), the
 * automation bus and, with the timer settings, the timer service: the same parts the embedded
 * stack wires.
 */
export function buildDispatcher(config: DispatcherConfig & { timers: TimerSettings }, logger: Logger): BuiltDispatcher & { timers: TimerService };
export function buildDispatcher(config: DispatcherConfig, logger: Logger): BuiltDispatcher;
export function buildDispatcher(config: DispatcherConfig, logger: Logger): BuiltDispatcher {
  const db = createDocumentClient();
  const executions = new DynamoExecutionStore(db, config.executionsTable);
  const limits = guardSettings(config.guards);
  const timers = config.timers ? schedulerTimerService(config.timers, logger) : undefined;
  const dispatcher = new Dispatcher({
    executions,
    admission: new Admission(new DynamoAdmissionStore(db, config.controlTable), { orgConcurrency: limits.orgConcurrency, lockLeaseMs: limits.lockLeaseMs }),
    publisher: automationBusPublisher(config.automationBus),
    ...(timers ? { timers } : {}),
    ...(config.entitiesTable ? { entities: new DynamoEntityStore(db, config.entitiesTable, systemClock) } : {}),
    recentEvents: new DynamoRecentEventStore(db, config.controlTable),
    clock: systemClock,
    logger,
  });
  return timers ? { dispatcher, executions, timers } : { dispatcher, executions };
}

/**
 * The dispatcher on the executions stream. The event source mapping's filter criteria deliver
 * only new results and states that wake it (DISPATCHER_STREAM_FILTER); every transition is
 * conditional, so a replayed record changes nothing.
 */
export function createDispatcherLambda(options: EntryOptions = {}) {
  const container = perContainer(() => {
    const config = loadLambdaConfig(DispatcherEnvSchema, options.env ?? process.env);
    const logger = entryLogger('dispatcher', config.logLevel);
    return { logger, handle: createDispatcherHandler(buildDispatcher(config, logger).dispatcher, { onError: (message, extra) => logger.error(message, extra) }) };
  });

  return async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
    const { logger, handle } = await container();
    withContext(logger, context);
    return handle(event);
  };
}

export const handler = createDispatcherLambda();
