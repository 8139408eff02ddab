/**
 * Where a command reads and writes: the process in `bin.ts`, buffers in tests. Commands never
 * touch `process` themselves, so they can run in-process against a test API.
 */
export interface CliIo {
  /** writes one line to stdout */
  out(line: string): void;
  /** writes one line to stderr */
  err(line: string): void;
  readStdin(): Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  /** resolves when the user asks a long-running command (`dev`) to stop: Ctrl-C, SIGTERM */
  untilInterrupted(): Promise<void>;
  /**
   * Set only when stdout is a terminal: writes without a newline, so a progress line can be
   * redrawn in place. Without it (pipes, CI, tests) commands print plain lines instead.
   */
  tty?: TtyOut;
}

export interface TtyOut {
  write(text: string): void;
  /** the terminal's width in characters */
  columns(): number;
}

/** The process's stdout, stderr, stdin, environment and signals. */
export function processIo(): CliIo {
  return {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    ...(process.stdout.isTTY ? { tty: { write: (text: string) => void process.stdout.write(text), columns: () => process.stdout.columns || 80 } } : {}),
    untilInterrupted: () =>
      new Promise<void>((resolve) => {
        // Stays installed after the first signal: Ctrl-C reaches pnpm, tsx and node alike (and
        // pnpm relays SIGTERM), and a later signal without a listener would kill node before the
        // emulators are stopped. Only a signal a while after the first one is someone insisting.
        let first = 0;
        const onSignal = (): void => {
          if (first === 0) {
            first = Date.now();
            resolve();
          } else if (Date.now() - first > 1000) process.stderr.write('still stopping the embedded stack…\n');
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }),
  };
}
