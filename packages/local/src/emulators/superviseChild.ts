import type { ChildProcess } from 'node:child_process';
import { EmulatorStopError } from './errors';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all (e.g. ENOENT for a missing binary). */
  error?: NodeJS.ErrnoException;
}

export interface SupervisedChild {
  readonly name: string;
  /** Undefined only when the spawn itself failed. */
  readonly pid: number | undefined;
  /** Resolves once the process is gone (or could not be spawned); never rejects. */
  readonly exited: Promise<ChildExit>;
  hasExited(): boolean;
  /** The last few KB of what the process wrote to stdout and stderr. */
  output(): string;
  /**
   * Ends the whole process group: SIGTERM, then SIGKILL after `graceMs`, then waits until no
   * member of the group is left. Idempotent.
   */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_LIMIT = 16 * 1024;
const live = new Set<SupervisedChild>();
let exitHookInstalled = false;

/**
 * Last line of defence when the host process ends without calling stop(): a detached child
 * would otherwise outlive it. Only the groups started here are signalled.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    }
  });
}

/** Returns false when no process of the group is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

// Unref'd: a pending grace-period timer must not keep the host process alive after the child exited.
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Takes ownership of a child that was spawned with `detached: true`, so that its pid is also
 * its process-group id and everything it forks can be ended together.
 */
export function superviseChild(name: string, child: ChildProcess): SupervisedChild {
  let tail = '';
  const collect = (chunk: Buffer | string) => {
    tail += chunk.toString();
    if (tail.length > OUTPUT_LIMIT) tail = tail.slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  let done = false;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      // 'error' without a pid means the spawn failed and no 'exit' will follow.
      if (child.pid === undefined) {
        done = true;
        resolve({ code: null, signal: null, error });
      }
    });
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });

  let stopping: Promise<void> | undefined;
  const supervised: SupervisedChild = {
    name,
    pid: child.pid,
    exited,
    hasExited: () => done,
    output: () => tail,
    stop(graceMs = 5000) {
      stopping ??= (async () => {
        const pgid = child.pid;
        if (pgid === undefined) return;
        if (!done) {
          signalGroup(pgid, 'SIGTERM');
          const first = await Promise.race([exited.then(() => true), delay(graceMs).then(() => false)]);
          if (!first) {
            signalGroup(pgid, 'SIGKILL');
            const second = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
            if (!second) throw new EmulatorStopError(name, `process ${pgid} did not exit after SIGKILL`);
          }
        }
        // The leader is gone; anything it forked into its group must go too.
        for (let i = 0; i < 40 && signalGroup(pgid, 0); i++) {
          signalGroup(pgid, 'SIGKILL');
          await delay(50);
        }
        if (signalGroup(pgid, 0)) throw new EmulatorStopError(name, `process group ${pgid} still has members`);
        live.delete(supervised);
      })();
      return stopping;
    },
  };

  if (child.pid !== undefined) {
    live.add(supervised);
    installExitHook();
    void exited.then(() => {
      if (!signalGroup(child.pid as number, 0)) live.delete(supervised);
    });
  }
  return supervised;
}
