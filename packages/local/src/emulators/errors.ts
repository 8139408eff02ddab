/** An emulator could not be started; `output` holds the tail of what its process printed. */
export class EmulatorStartError extends Error {
  readonly emulator: string;
  readonly output?: string;

  constructor(emulator: string, message: string, opts: { output?: string; cause?: unknown } = {}) {
    super(`${emulator}: ${message}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'EmulatorStartError';
    this.emulator = emulator;
    if (opts.output !== undefined && opts.output !== '') this.output = opts.output;
  }
}

/** An emulator process did not go away when asked to. */
export class EmulatorStopError extends Error {
  constructor(emulator: string, message: string) {
    super(`${emulator}: ${message}`);
    this.name = 'EmulatorStopError';
  }
}
