import { createApp, hs256Authenticator, serveApi, signDevToken, type ServedApi } from '@autoflow/api';
import { createApiServices, type Logger } from '@autoflow/engine';
import type { EmbeddedStackOptions } from '@autoflow/local';
import { type TestEnvironment, useEmbeddedStack } from '../../../../test/support/useEmbeddedStack';

/** The HS256 secret of the test API (the embedded stack's kind of auth). */
export const TEST_SECRET = 'autoflow-api-tests-secret-0123456789abcdef';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiEnvironment extends TestEnvironment {
  /** base URL of the served API */
  url: string;
  /** what the app logged as errors (a 500 logs one) */
  loggedErrors: Array<{ message: string; extra?: Record<string, unknown> }>;
  token(org: string): Promise<string>;
  /** Calls the API as `org` (or with no token when `org` is null); JSON in, JSON out. */
  call<T = any>(org: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  /** Sends raw bytes, for requests no well-behaved client would make. */
  raw<T = any>(method: string, path: string, init: { body?: string; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
}

/**
 * Starts the embedded stack, a webhook receiver and the API over them (HS256 tokens, served by
 * @hono/node-server on 127.0.0.1, a free port; bulk jobs run on the stack's local state
 * machine) for the suite, and stops all of it after.
 */
export function useApi(options: EmbeddedStackOptions = {}): ApiEnvironment {
  const base = useEmbeddedStack(options);
  const env = base as ApiEnvironment;
  env.loggedErrors = [];
  let served: ServedApi | undefined;
  const logger: Logger = {
    debug() {},
    info() {},
    warn() {},
    error: (message, extra) => void env.loggedErrors.push({ message, ...(extra ? { extra } : {}) }),
  };
  beforeAll(async () => {
    const { stack } = base;
    const services = createApiServices({ ...stack.stores, ingress: stack.ingress, clock: stack.clock, timers: stack.timers, bulk: stack.bulk });
    served = await serveApi(createApp({ services, authenticate: hs256Authenticator(TEST_SECRET), logger }));
    env.url = served.url;
  });
  afterAll(async () => {
    await served?.close();
  });
  env.token = (org) => signDevToken(TEST_SECRET, org);
  env.raw = async (method, path, init) => {
    const res = await fetch(`${env.url}${path}`, { method, ...(init.body !== undefined ? { body: init.body } : {}), headers: init.headers ?? {} });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: the assertion that follows will say so
    }
    return { status: res.status, body: body as any, headers: res.headers };
  };
  env.call = async (org, method, path, body, headers = {}) =>
    env.raw(method, path, {
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(org !== null ? { authorization: `Bearer ${await env.token(org)}` } : {}),
        ...headers,
      },
    });
  return env;
}
