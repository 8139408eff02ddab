import type { CliIo } from './CliIo';
import { ApiError, type Problem, UsageError } from './errors';

/** Where `autoflow dev` serves the API unless told otherwise. */
export const DEFAULT_API_URL = 'http://127.0.0.1:4870';

export interface ApiOptions {
  api?: string;
  token?: string;
}

/**
 * A small JSON client of the autoflow API (paths in docs/api.md). Non-2xx answers become
 * `ApiError`s carrying the API's `{status, error, problems}`.
 */
export class ApiClient {
  /** `token` undefined: requests go without one (the dev routes need none) */
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly timeoutMs = 30_000,
  ) {}

  /** `--api` / `AUTOFLOW_API_URL` (default the dev server's URL) and `--token` / `AUTOFLOW_TOKEN`. */
  static from(opts: ApiOptions, io: CliIo): ApiClient {
    const baseUrl = apiUrl(opts, io);
    const token = opts.token ?? io.env.AUTOFLOW_TOKEN;
    if (!token) {
      throw new UsageError('no API token: pass --token or set AUTOFLOW_TOKEN (on the embedded stack: export AUTOFLOW_TOKEN=$(pnpm -s autoflow token --org demo))');
    }
    return new ApiClient(baseUrl, token);
  }

  /** For the dev routes of `autoflow dev` (`/dev/…`): the same URL as `from`, no token. */
  static forDevRoutes(opts: Pick<ApiOptions, 'api'>, io: CliIo, timeoutMs?: number): ApiClient {
    return new ApiClient(apiUrl(opts, io), undefined, timeoutMs);
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(this.token !== undefined ? { authorization: `Bearer ${this.token}` } : {}),
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') {
        throw new ApiError(0, `${method} ${path}: no answer from ${this.baseUrl} within ${Math.round(this.timeoutMs / 1000)} s`);
      }
      const cause = (err as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } }).cause;
      const why = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message ?? (err as Error).message;
      throw new ApiError(0, `cannot reach the API at ${this.baseUrl} (${cause}); is \`pnpm dev\` running, or is --api / AUTOFLOW_API_URL right?`);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const errorBody = (parsed ?? {}) as { error?: unknown; problems?: unknown };
      const message = typeof errorBody.error === 'string' ? errorBody.error : `${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`;
      throw new ApiError(res.status, `${method} ${path}: ${res.status} ${message}`, toProblems(errorBody.problems));
    }
    return parsed as T;
  }
}

function apiUrl(opts: Pick<ApiOptions, 'api'>, io: CliIo): string {
  const raw = opts.api ?? io.env.AUTOFLOW_API_URL ?? DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--api: "${raw}" is not a URL (expected e.g. ${DEFAULT_API_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--api: "${raw}" is not an http(s) URL`);
  return url.toString().replace(/\/+$/, '');
}

/** `path` segments are user input (ids): they are always encoded. */
export const segment = (value: string): string => encodeURIComponent(value);

function toProblems(value: unknown): Problem[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((p: unknown) => {
    const o = p as { path?: unknown; message?: unknown; in?: unknown };
    if (typeof o?.message !== 'string') return [];
    const path = typeof o.path === 'string' ? o.path : '';
    return [{ path: typeof o.in === 'string' && o.in !== 'body' ? `${o.in}:${path}` : path, message: o.message }];
  });
}
