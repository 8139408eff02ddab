import { createApp, hs256Authenticator, serveApi, signDevToken, type ServedApi } from '@autoflow/api';
import { type CliIo, runCli } from '../../src';
import { createApiServices } from '@autoflow/engine';
import { type TestEnvironment, useEmbeddedStack } from '../../../../test/support/useEmbeddedStack';

/** The HS256 secret of the test API; the CLI signs with it through AUTOFLOW_DEV_SECRET. */
export const CLI_TEST_SECRET = 'autoflow-cli-tests-secret-0123456789abcdef';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json) */
  json<T = any>(): T;
}

export interface RunOptions {
  /** replaces the environment (default: the test API's URL and a token of `org`) */
  env?: Record<string, string | undefined>;
  stdin?: string;
}

/** Runs one `autoflow` command line in-process and captures what it printed. */
export async function runAutoflow(argv: readonly string[], env: Record<string, string | undefined>, stdin = ''): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => void out.push(line),
    err: (line) => void err.push(line),
    readStdin: async () => stdin,
    env,
    untilInterrupted: () => new Promise(() => {}),
  };
  const code = await runCli(argv, io);
  const stdout = out.join('\n');
  return { code, stdout, stderr: err.join('\n'), json: () => JSON.parse(stdout) };
}

export interface CliEnvironment extends TestEnvironment {
  url: string;
  token(org: string): Promise<string>;
  /** runs the CLI as `org` against the test API (AUTOFLOW_API_URL and AUTOFLOW_TOKEN set) */
  run(org: string, argv: readonly string[], options?: RunOptions): Promise<CliRun>;
  /** calls the API directly as `org`, to arrange what a test needs */
  call<T = any>(org: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/**
 * Starts the embedded stack, a webhook receiver and the real API over them (HS256 with
 * CLI_TEST_SECRET, a free loopback port) for the suite, the way `autoflow dev` serves it.
 */
export function useCliApi(): CliEnvironment {
  const env = useEmbeddedStack() as CliEnvironment;
  let served: ServedApi | undefined;
  beforeAll(async () => {
    const { stack } = env;
    const services = createApiServices({ ...stack.stores, ingress: stack.ingress, clock: stack.clock, bulk: stack.bulk });
    served = await serveApi(createApp({ services, authenticate: hs256Authenticator(CLI_TEST_SECRET) }));
    env.url = served.url;
  });
  afterAll(async () => {
    await served?.close();
  });
  env.token = (org) => signDevToken(CLI_TEST_SECRET, org);
  env.run = async (org, argv, options = {}) =>
    runAutoflow(argv, options.env ?? { AUTOFLOW_API_URL: env.url, AUTOFLOW_TOKEN: await env.token(org), AUTOFLOW_DEV_SECRET: CLI_TEST_SECRET }, options.stdin);
  env.call = async (org, method, path, body) => {
    const res = await fetch(`${env.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await env.token(org)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return env;
}
