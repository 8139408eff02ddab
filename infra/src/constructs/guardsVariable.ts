import type { DeploymentConfig } from '@autoflow/aws';

/**
 * The deployment's overrides of the guard defaults as the functions read them (JSON), or nothing
 * when the defaults apply. The listener applies the rate limits; the dispatcher and the sweeper
 * the org cap and the lock lease.
 */
export const guardsVariable = (config: DeploymentConfig): string | undefined =>
  Object.keys(config.guards).length > 0 ? JSON.stringify(config.guards) : undefined;
