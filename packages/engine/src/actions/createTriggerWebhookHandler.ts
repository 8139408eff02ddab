import http from 'node:http';
import https from 'node:https';
import { AutomationError, NonRetryableError, RetryableError, TriggerWebhookConfigSchema, type TriggerWebhookConfig } from '@autoflow/core';
import type { ActionContext, ActionDeps, ActionHandler } from './ActionHandler';
import { parseActionConfig } from './parseActionConfig';
import { renderTemplateOrThrow } from './renderTemplateOrThrow';
import { pinnedLookup, vetWebhookUrl, type VettedWebhookUrl } from './vetWebhookUrl';
import { signWebhookBody, WEBHOOK_DELIVERY_HEADER, WEBHOOK_SIGNATURE_HEADER } from './webhookSignature';

/** Longest response text kept in outputs and error info (outputs live in DynamoDB). */
export const WEBHOOK_RESPONSE_LIMIT = 1024;

// headers the handler owns: a flow must not be able to forge a delivery, its signature or its framing
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'content-type',
  'content-length',
  'host',
  'transfer-encoding',
  'connection',
  'user-agent',
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
]);
// what node accepts in a header value
const INVALID_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * trigger-webhook: delivers the execution's data to an HTTP endpoint, signed, and waits for
 * the answer (epilot's `sync` is therefore always on; `entity_sources` is accepted and not
 * used yet). 2xx succeeds; 408, 429 and 5xx are retried (honouring Retry-After); other
 * statuses fail for good. Redirects are not followed: the next hop would escape the SSRF
 * guard. Header values are handlebars templates over the same data as send-email. A GET
 * carries no body; its signature covers the empty body.
 */
export function createTriggerWebhookHandler(deps: Pick<ActionDeps, 'config' | 'settings'>): ActionHandler {
  return async (ctx) => {
    const config = parseActionConfig(TriggerWebhookConfigSchema, ctx);
    const configuredHeaders = renderHeaders(config.headers, ctx);
    const target = await resolveTarget(deps, ctx, config);
    const vetted = await vetWebhookUrl(target.url, { allowPrivate: deps.settings.allowPrivateWebhookTargets });

    const method = config.method;
    const body = method === 'GET' ? '' : JSON.stringify(webhookBody(ctx));
    const headers: Record<string, string> = {
      ...target.headers,
      ...configuredHeaders,
      ...(body === '' ? {} : { 'content-type': 'application/json' }),
      'user-agent': 'autoflow',
      // Stable across retries of the same action, so receivers can de-duplicate on it.
      [WEBHOOK_DELIVERY_HEADER]: `${ctx.execution_id}.${ctx.action_index}`,
      'x-autoflow-attempt': String(ctx.attempt),
      [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(target.secret, body, ctx.clock.now() / 1000),
    };
    const response = await deliver({
      vetted,
      method,
      headers,
      body,
      timeoutMs: config.timeout_ms ?? deps.settings.webhookTimeoutMs,
      signal: ctx.signal,
    });
    return interpret(response, vetted.url, ctx.clock.now());
  };
}

interface ResolvedTarget {
  url: string;
  secret: string;
  headers: Record<string, string>;
}

async function resolveTarget(deps: Pick<ActionDeps, 'config' | 'settings'>, ctx: ActionContext, config: TriggerWebhookConfig): Promise<ResolvedTarget> {
  const stored = config.target_webhook_id === undefined ? undefined : await deps.config.getWebhookTarget(ctx.org_id, config.target_webhook_id);
  if (config.target_webhook_id !== undefined && stored === undefined) {
    throw new NonRetryableError('BAD_CONFIG', `Webhook target ${config.target_webhook_id} does not exist`, {
      info: { target_webhook_id: config.target_webhook_id },
    });
  }
  // secret_ref names a stored webhook target whose secret signs an inline-URL webhook, so the
  // secret itself never has to sit in the flow JSON
  let secret = stored?.secret;
  if (secret === undefined && config.secret_ref !== undefined) {
    const holder = await deps.config.getWebhookTarget(ctx.org_id, config.secret_ref);
    if (holder?.secret === undefined) {
      throw new NonRetryableError('BAD_CONFIG', `secret_ref ${config.secret_ref} names no webhook target with a secret`, {
        info: { secret_ref: config.secret_ref },
      });
    }
    secret = holder.secret;
  }
  const url = config.url ?? stored?.url;
  if (url === undefined) throw new NonRetryableError('BAD_CONFIG', 'Webhook has no URL');
  return { url, secret: secret ?? deps.settings.webhookSigningSecret, headers: stored?.headers ?? {} };
}

function renderHeaders(headers: Record<string, string> | undefined, ctx: ActionContext): Record<string, string> {
  if (headers === undefined) return {};
  const data = { ...ctx.entity, entity: ctx.entity, trigger: ctx.trigger, outputs: ctx.outputs };
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(headers)) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new NonRetryableError('BAD_CONFIG', `config.headers.${name}: is set by autoflow and cannot be configured`);
    }
    const value = template.includes('{{') ? renderTemplateOrThrow(template, data, `headers.${name}`) : template;
    if (INVALID_HEADER_VALUE.test(value)) {
      throw new NonRetryableError('BAD_CONFIG', `config.headers.${name}: value has characters not allowed in an HTTP header (line breaks, control characters)`);
    }
    out[name] = value;
  }
  return out;
}

function webhookBody(ctx: ActionContext) {
  const trigger = ctx.trigger;
  return {
    org_id: ctx.org_id,
    execution_id: ctx.execution_id,
    flow_id: ctx.flow_id,
    flow_name: ctx.flow_name,
    action_id: ctx.action.id,
    dispatch_id: ctx.dispatch_id,
    entity: ctx.entity ?? null,
    trigger: {
      type: trigger?.type ?? null,
      operation: trigger?.operation ?? null,
      diff: trigger?.diff ?? null,
      activity: trigger?.activity ?? null,
      source_id: trigger?.source_id ?? null,
      payload: trigger?.payload ?? null,
    },
    outputs: ctx.outputs,
  };
}

interface DeliveryRequest {
  vetted: VettedWebhookUrl;
  method: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  signal: AbortSignal;
}

interface DeliveryResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** at most WEBHOOK_RESPONSE_LIMIT bytes of the body */
  text: string;
  truncated: boolean;
}

function deliver(request: DeliveryRequest): Promise<DeliveryResponse> {
  const { vetted, timeoutMs, signal } = request;
  const timeoutError = (why: string) =>
    new RetryableError('TIMEOUT_ERROR', `Webhook ${vetted.url.origin} did not answer ${why}`, {
      info: { url: redact(vetted.url), timeout_ms: timeoutMs },
    });
  if (signal.aborted) return Promise.reject(timeoutError('before the action timed out'));

  return new Promise<DeliveryResponse>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let req: http.ClientRequest | undefined;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => {
      finish(() => reject(timeoutError('before the action timed out')));
      req?.destroy();
    };

    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const done = () =>
        finish(() => {
          const text = Buffer.concat(chunks).subarray(0, WEBHOOK_RESPONSE_LIMIT).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, truncated });
        });
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size > WEBHOOK_RESPONSE_LIMIT) {
          // the rest is never read: a receiver cannot make the worker buffer a huge answer
          truncated = true;
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', (err) => finish(() => reject(networkError(err, vetted))));
    };

    const client = vetted.url.protocol === 'https:' ? https : http;
    try {
      req = client.request(
        {
          protocol: vetted.url.protocol,
          hostname: vetted.hostname,
          port: vetted.url.port === '' ? undefined : Number(vetted.url.port),
          path: `${vetted.url.pathname}${vetted.url.search}`,
          method: request.method,
          headers: request.body === '' ? request.headers : { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
          lookup: pinnedLookup(vetted.addresses) as unknown as http.RequestOptions['lookup'],
          // a fresh socket per delivery: a pooled one may be connected to an address vetted for another URL
          agent: false,
        },
        onResponse,
      );
    } catch (err) {
      // node validates headers synchronously; stored target headers are the only ones zod did not check
      finish(() => reject(new NonRetryableError('BAD_CONFIG', `Webhook request could not be built: ${(err as Error).message}`, { cause: err })));
      return;
    }
    const sent = req;
    timer = setTimeout(() => {
      finish(() => reject(timeoutError(`within ${timeoutMs} ms`)));
      sent.destroy();
    }, timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    sent.on('error', (err) => finish(() => reject(networkError(err, vetted))));
    sent.end(request.body);
  });
}

function networkError(err: Error, vetted: VettedWebhookUrl): AutomationError {
  const code = (err as NodeJS.ErrnoException).code;
  return new RetryableError('TRIGGER_WEBHOOK_ERROR', `Webhook ${vetted.url.origin} could not be reached: ${code ?? err.message}`, {
    cause: err,
    info: { url: redact(vetted.url), ...(code === undefined ? {} : { network_error: code }) },
  });
}

function interpret(response: DeliveryResponse, url: URL, nowMs: number) {
  const { status } = response;
  const parsed = parseBody(response);
  if (status >= 200 && status < 300) return { outputs: { status, response: parsed } };

  const info = { status, url: redact(url), response: parsed };
  const message = `Webhook ${url.origin} answered ${status}`;
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'], nowMs);
    throw new RetryableError('TRIGGER_WEBHOOK_ERROR', message, { info, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  throw new NonRetryableError('TRIGGER_WEBHOOK_ERROR', status >= 300 && status < 400 ? `${message} (redirects are not followed)` : message, { info });
}

/** JSON when the (complete) body is JSON, else its text; never more than the response limit. */
function parseBody(response: DeliveryResponse): unknown {
  if (response.text === '') return null;
  if (!response.truncated) {
    try {
      return JSON.parse(response.text) as unknown;
    } catch {
      // not JSON: keep the text
    }
  }
  return response.text.slice(0, WEBHOOK_RESPONSE_LIMIT);
}

/** Retry-After as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The URL without its query string, which may carry tokens. */
function redact(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
