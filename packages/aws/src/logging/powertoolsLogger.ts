import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger } from '@autoflow/engine';

/** The engine's Logger port over Powertools' structured JSON logger (one per function). */
export function powertoolsLogger(serviceName: string, logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'INFO'): Logger & { powertools: PowertoolsLogger } {
  const logger = new PowertoolsLogger({ serviceName, logLevel });
  return {
    powertools: logger,
    debug: (message, extra) => logger.debug(message, extra ?? {}),
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  };
}
