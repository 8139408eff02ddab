import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { TimersEnvSchema, loadLambdaConfig } from '../config/LambdaEnv';
import { createTimerHandler } from '../handlers/timerHandler';
import { buildDispatcher } from './dispatcher';
import { type EntryOptions, entryLogger, perContainer, withContext } from './lambdaRuntime';

/**
 * The timers function on the timers queue (standard SQS, batches of up to 10, partial batch
 * responses): each due timer goes to `Dispatcher.onTimer`; one that came early is armed again.
 * It runs the same dispatcher as the dispatcher function, with the same tables, bus and timers.
 */
export function createTimersLambda(options: EntryOptions = {}) {
  const container = perContainer(() => {
    const config = loadLambdaConfig(TimersEnvSchema, options.env ?? process.env);
    const logger = entryLogger('timers', config.logLevel);
    const { dispatcher, timers } = buildDispatcher(config, logger);
    return { logger, handle: createTimerHandler({ dispatcher, timers, logger }) };
  });

  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const { logger, handle } = await container();
    withContext(logger, context);
    return handle(event);
  };
}

export const handler = createTimersLambda();
