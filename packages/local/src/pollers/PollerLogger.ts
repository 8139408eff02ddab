/** What the pollers and the bus log through; `console` fits. */
export interface PollerLogger {
  debug?(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export const silentLogger: PollerLogger = { warn: () => undefined, error: () => undefined };
