import { type SweepReport, Sweeper, systemClock } from '@autoflow/engine';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { SweeperEnvSchema, loadLambdaConfig } from '../config/LambdaEnv';
import { METRIC } from '../config/metricNames';
import { buildDispatcher } from './dispatcher';
import { EmfMetrics } from './EmfMetrics';
import { type EntryOptions, entryLogger, perContainer, withContext } from './lambdaRuntime';

/**
 * The sweeper, run every minute by a schedule: re-drives executions whose lease expired, read
 * from the sparse `active` index. Sweeps that overlap are harmless: every re-drive is a
 * conditional transition, so only one of them takes effect.
 */
export function createSweeperLambda(options: EntryOptions = {}) {
  const container = perContainer(() => {
    const config = loadLambdaConfig(SweeperEnvSchema, options.env ?? process.env);
    const logger = entryLogger('sweeper', config.logLevel);
    const { dispatcher, executions } = buildDispatcher(config, logger);
    return { logger, metrics: new EmfMetrics(config.stage), sweeper: new Sweeper({ executions, dispatcher, clock: systemClock, logger }) };
  });

  return async (event: ScheduledEvent, context?: Context): Promise<SweepReport> => {
    const { logger, metrics, sweeper } = await container();
    withContext(logger, context);
    const report = await sweeper.sweep();
    metrics.count(METRIC.executionsRedriven, report.redriven);
    logger.info('sweep done', { scheduled_at: event.time, ...report });
    return report;
  };
}

export const handler = createSweeperLambda();
