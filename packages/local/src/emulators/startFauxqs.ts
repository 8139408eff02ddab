import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { EmulatorStartError } from './errors';
import { superviseChild, type SupervisedChild } from './superviseChild';

export interface StartFauxqsOptions {
  /** Fixed port; the OS picks a free one when omitted. */
  port?: number;
  /** Region used in queue URLs/ARNs when a request carries none. Default us-east-1. */
  defaultRegion?: string;
  /** Default 15 s. */
  startTimeoutMs?: number;
}

export interface Fauxqs {
  endpoint: string;
  /** Pid of the Node process that hosts fauxqs (also its process-group id). */
  pid: number;
  stop(): Promise<void>;
}

const NAME = 'fauxqs';

/**
 * Starts fauxqs' programmatic server (logging off, state in memory) in a child Node process.
 *
 * Why a child process: fauxqs ships as ESM only and needs `node:sqlite` (Node >= 22.5) at import
 * time, so it cannot be required from this CommonJS code, nor under Jest, nor on Node 20 at all;
 * fauxqsProcess.mjs loads it with a stub for the persistence module it does not use here.
 *
 * fauxqs always listens on 0.0.0.0 (no host option for the listener), so it runs on a random
 * free port and only as long as this process. Queue URLs use the request's host, i.e. 127.0.0.1.
 */
export async function startFauxqs(opts: StartFauxqsOptions = {}): Promise<Fauxqs> {
  const timeoutMs = opts.startTimeoutMs ?? 15_000;
  const child = superviseChild(
    NAME,
    spawn(process.execPath, [join(__dirname, 'fauxqsProcess.mjs')], {
      cwd: __dirname,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        FAUXQS_LOGGER: 'false',
        AUTOFLOW_FAUXQS_OPTIONS: JSON.stringify({ port: opts.port, defaultRegion: opts.defaultRegion }),
      },
    }),
  );
  try {
    const port = await readyPort(child, timeoutMs);
    return { endpoint: `http://127.0.0.1:${port}`, pid: child.pid as number, stop: () => child.stop() };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

async function readyPort(child: SupervisedChild, timeoutMs: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  let poll: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new EmulatorStartError(NAME, `did not report ready within ${timeoutMs} ms`, { output: child.output() })),
      timeoutMs,
    );
  });
  const early = child.exited.then((exit) => {
    throw new EmulatorStartError(NAME, `the process exited before it was ready (code ${exit.code}, signal ${exit.signal})`, {
      output: child.output(),
      cause: exit.error,
    });
  });
  // Handled here so that the exit at a later, normal stop() is not an unhandled rejection.
  early.catch(() => undefined);
  const ready = new Promise<number>((resolve) => {
    poll = setInterval(() => {
      const match = /\{"ready":true,"port":(\d+)\}/.exec(child.output());
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    }, 20);
  });
  try {
    return await Promise.race([ready, early, timeout]);
  } finally {
    clearTimeout(timer);
    clearInterval(poll);
  }
}
