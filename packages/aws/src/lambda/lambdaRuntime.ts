import type { Context } from 'aws-lambda';
import type { LogLevel } from '../config/LambdaEnv';
import { powertoolsLogger } from '../logging/powertoolsLogger';

/** Options every entry factory takes; tests pass their own environment. */
export interface EntryOptions {
  /** read once, at the first invocation; default `process.env` */
  env?: Record<string, string | undefined>;
}

/**
 * What a container builds once (config, clients, use cases) and keeps for every invocation.
 * A failed build (a bad environment, a secret that could not be read) is not kept: the next
 * invocation tries again and fails with the same clear error if nothing changed.
 */
export function perContainer<T>(build: () => Promise<T> | T): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= Promise.resolve()
      .then(build)
      .catch((err: unknown) => {
        pending = undefined;
        throw err;
      });
    return pending;
  };
}

export type EntryLogger = ReturnType<typeof powertoolsLogger>;

/** The Powertools logger of one function, named `autoflow-<function>`. */
export const entryLogger = (functionName: string, level: LogLevel): EntryLogger => powertoolsLogger(`autoflow-${functionName}`, level);

/** Adds the invocation's request id and function name to every log line of this invocation. */
export function withContext(logger: EntryLogger, context: Context | undefined): void {
  if (context) logger.powertools.addContext(context);
}
