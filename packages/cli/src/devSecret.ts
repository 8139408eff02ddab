/**
 * The HS256 secret of the embedded stack's API when `AUTOFLOW_DEV_SECRET` is not set. It is
 * public (it is in this file), so tokens signed with it protect nothing: it only lets
 * `autoflow dev` and `autoflow token` agree without configuration. The dev server listens on
 * loopback only. Set `AUTOFLOW_DEV_SECRET` (at least 32 bytes) to use your own.
 */
export const DEFAULT_DEV_SECRET = 'autoflow-dev-secret-not-for-production-use';

/** `AUTOFLOW_DEV_SECRET`, or the fixed dev default. */
export function devSecret(env: Readonly<Record<string, string | undefined>>): string {
  const fromEnv = env.AUTOFLOW_DEV_SECRET;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_DEV_SECRET;
}
