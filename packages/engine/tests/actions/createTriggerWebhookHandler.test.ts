import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AutomationError } from '@autoflow/core';
import { createTriggerWebhookHandler, verifyWebhookSignature, type ActionContext } from '../../src/actions';
import { makeContext, makeDeps, NOW, ORG } from './actionTestKit';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Responder = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A real HTTP receiver on loopback; each test says how it answers. */
let server: http.Server;
let baseUrl: string;
let received: Received[];
let respond: Responder;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      respond(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  respond = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true }));
  };
});

function webhookContext(config: Record<string, unknown>, overrides: Partial<ActionContext> = {}): ActionContext {
  return makeContext('trigger-webhook', config, overrides);
}

async function failure(promise: Promise<unknown>): Promise<AutomationError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AutomationError) return err;
    throw err;
  }
  throw new Error('expected the handler to fail');
}

describe('trigger-webhook handler', () => {
  describe('delivery', () => {
    it('POSTs the execution as signed JSON and returns the status and parsed response', async () => {
      const deps = makeDeps();
      const handler = createTriggerWebhookHandler(deps);
      const ctx = webhookContext({ url: `${baseUrl}/hooks/order?x=1` }, { outputs: { 'action-0': { done: true } } });

      const outcome = await handler(ctx);

      expect(outcome).toEqual({ outputs: { status: 200, response: { ok: true } } });
      expect(received).toHaveLength(1);
      const [request] = received;
      expect(request?.method).toBe('POST');
      expect(request?.url).toBe('/hooks/order?x=1');
      expect(JSON.parse(request?.body ?? '')).toEqual({
        org_id: ORG,
        execution_id: 'exe-1',
        flow_id: 'flow-1',
        flow_name: 'Welcome flow',
        action_id: 'action-1',
        dispatch_id: 'exe-1:0:1',
        entity: ctx.entity,
        trigger: {
          type: 'entity_operation',
          operation: 'updateEntity',
          diff: { updated: { status: 'lead' } },
          activity: { type: 'EntityUpdated' },
          source_id: 'src-1',
          payload: { status: 'active' },
        },
        outputs: { 'action-0': { done: true } },
      });
    });

    it('sends content-type, user-agent, delivery id and a signature the receiver can verify', async () => {
      const deps = makeDeps();
      await createTriggerWebhookHandler(deps)(webhookContext({ url: `${baseUrl}/hook` }));

      const headers = received[0]?.headers ?? {};
      expect(headers['content-type']).toBe('application/json');
      expect(headers['user-agent']).toBe('autoflow');
      expect(headers['x-autoflow-delivery']).toBe('exe-1.0');
      expect(headers['x-autoflow-attempt']).toBe('1');
      expect(headers['x-autoflow-signature']).toMatch(new RegExp(`^t=${NOW / 1000},v1=[0-9a-f]{64}$`));
      expect(verifyWebhookSignature('installation-secret', headers['x-autoflow-signature'], received[0]?.body ?? '', NOW / 1000 + 5, 300)).toBe(true);
    });

    it('uses the configured method and adds the configured headers, rendering templated values', async () => {
      await createTriggerWebhookHandler(makeDeps())(
        webhookContext({ url: `${baseUrl}/hook`, method: 'PUT', headers: { 'X-Api-Key': 'k-123', 'X-Contact': '{{first_name}} / {{trigger.operation}}' } }),
      );

      expect(received[0]?.method).toBe('PUT');
      expect(received[0]?.headers['x-api-key']).toBe('k-123');
      expect(received[0]?.headers['x-contact']).toBe('Ada / updateEntity');
    });

    it('sends a GET without a body, signing the empty body', async () => {
      await createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `${baseUrl}/ping`, method: 'GET' }));

      const request = received[0];
      expect(request?.method).toBe('GET');
      expect(request?.body).toBe('');
      expect(request?.headers['content-type']).toBeUndefined();
      expect(verifyWebhookSignature('installation-secret', request?.headers['x-autoflow-signature'], '', NOW / 1000, 300)).toBe(true);
    });

    it('resolves target_webhook_id to the stored target, signing with its secret and sending its headers', async () => {
      const deps = makeDeps();
      await deps.config.putWebhookTarget(ORG, { id: 'wh-1', url: `${baseUrl}/stored`, secret: 'target-secret', headers: { authorization: 'Bearer t' } });

      await createTriggerWebhookHandler(deps)(webhookContext({ target_webhook_id: 'wh-1', entity_sources: ['contact'] }));

      const request = received[0];
      expect(request?.url).toBe('/stored');
      expect(request?.headers.authorization).toBe('Bearer t');
      expect(verifyWebhookSignature('target-secret', request?.headers['x-autoflow-signature'], request?.body ?? '', NOW / 1000, 300)).toBe(true);
      expect(verifyWebhookSignature('installation-secret', request?.headers['x-autoflow-signature'], request?.body ?? '', NOW / 1000, 300)).toBe(false);
    });

    it('signs an inline-URL webhook with the secret of the target named by secret_ref', async () => {
      const deps = makeDeps();
      await deps.config.putWebhookTarget(ORG, { id: 'secret-holder', url: 'https://unused.example.com', secret: 'ref-secret' });

      await createTriggerWebhookHandler(deps)(webhookContext({ url: `${baseUrl}/hook`, secret_ref: 'secret-holder' }));

      expect(verifyWebhookSignature('ref-secret', received[0]?.headers['x-autoflow-signature'], received[0]?.body ?? '', NOW / 1000, 300)).toBe(true);
    });

    it('connects to the address a hostname was vetted at (localhost, when private targets are allowed)', async () => {
      const outcome = await createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `http://localhost:${new URL(baseUrl).port}/by-name` }));

      expect(outcome.outputs?.status).toBe(200);
      expect(received[0]?.url).toBe('/by-name');
      expect(received[0]?.headers.host).toBe(`localhost:${new URL(baseUrl).port}`);
    });

    it('returns a text response as text, cut to 1 KB', async () => {
      respond = (_req, res) => {
        res.writeHead(202, { 'content-type': 'text/plain' });
        res.end('x'.repeat(50_000));
      };

      const outcome = await createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `${baseUrl}/hook` }));

      expect(outcome.outputs?.status).toBe(202);
      expect(outcome.outputs?.response).toBe('x'.repeat(1024));
    });

    it('returns an empty response as null', async () => {
      respond = (_req, res) => {
        res.writeHead(204);
        res.end();
      };
      const outcome = await createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `${baseUrl}/hook` }));
      expect(outcome.outputs).toEqual({ status: 204, response: null });
    });
  });

  describe('failures', () => {
    it('turns 503 with Retry-After into a RetryableError carrying retryAfterMs, status and body', async () => {
      respond = (_req, res) => {
        res.writeHead(503, { 'retry-after': '30', 'content-type': 'application/json' });
        res.end('{"error":"maintenance"}');
      };

      const err = await failure(createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `${baseUrl}/hook` })));

      expect(err.retryable).toBe(true);
      expect(err.code).toBe('TRIGGER_WEBHOOK_ERROR');
      expect(err.retryAfterMs).toBe(30_000);
      expect(err.info).toMatchObject({ status: 503, response: { error: 'maintenance' } });
    });

    it('reads a Retry-After given as an HTTP date relative to the clock', async () => {
      respond = (_req, res) => {
        res.writeHead(429, { 'retry-after': new Date(NOW + 120_000).toUTCString() });
        res.end();
      };
      const err = await failure(createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `${baseUrl}/hook` })));
      expect(err.retryable).toBe(true);
      expect(err.retryAfterMs).toBe(120_000);
    });

    it.each([408, 429, 500, 502])('retries status %i', async (status) => {
      respond = (_req, res) => {
        res.writeHead(status);
        res.end();
      };
      const err = await failure(createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `${baseUrl}/hook` })));
      expect(err.retryable).toBe(true);
      expect(err.info).toMatchObject({ status });
    });

    it('turns 400 into a NonRetryableError with the status and the truncated response', async () => {
      respond = (_req, res) => {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`bad request: ${'y'.repeat(5000)}`);
      };

      const err = await failure(createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `${baseUrl}/hook` })));

      expect(err.retryable).toBe(false);
      expect(err.code).toBe('TRIGGER_WEBHOOK_ERROR');
      expect(err.info?.status).toBe(400);
      expect(String(err.info?.response)).toMatch(/^bad request: y+$/);
      expect(String(err.info?.response)).toHaveLength(1024);
    });

    it('does not follow redirects (the next hop would escape the address check)', async () => {
      respond = (_req, res) => {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        res.end();
      };
      const err = await failure(createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `${baseUrl}/hook` })));
      expect(err.retryable).toBe(false);
      expect(err.message).toContain('redirects are not followed');
      expect(received).toHaveLength(1);
    });

    it('fails with TIMEOUT_ERROR when the receiver does not answer within timeout_ms', async () => {
      respond = () => {
        // never answers
      };
      const started = Date.now();

      const err = await failure(createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `${baseUrl}/slow`, timeout_ms: 200 })));

      expect(err.code).toBe('TIMEOUT_ERROR');
      expect(err.retryable).toBe(true);
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('falls back to the installation timeout when the config sets none', async () => {
      respond = () => {};
      const err = await failure(createTriggerWebhookHandler(makeDeps({ webhookTimeoutMs: 150 }))(webhookContext({ url: `${baseUrl}/slow` })));
      expect(err.code).toBe('TIMEOUT_ERROR');
      expect(err.info).toMatchObject({ timeout_ms: 150 });
    });

    it("stops waiting when the action's signal aborts", async () => {
      respond = () => {};
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);

      const err = await failure(createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `${baseUrl}/slow`, timeout_ms: 30_000 }, { signal: controller.signal })));

      expect(err.code).toBe('TIMEOUT_ERROR');
    });

    it('reports a refused connection as retryable', async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));

      const err = await failure(createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `http://127.0.0.1:${port}/hook` })));

      expect(err.code).toBe('TRIGGER_WEBHOOK_ERROR');
      expect(err.retryable).toBe(true);
      expect(err.info).toMatchObject({ network_error: 'ECONNREFUSED' });
    });
  });

  describe('private targets', () => {
    it.each([
      ['127.0.0.1', () => `${baseUrl}/hook`],
      ['10.0.0.1', () => 'http://10.0.0.1/hook'],
      ['[::1]', () => 'http://[::1]:8080/hook'],
      ['169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/'],
      ['localhost', () => `http://localhost:${new URL(baseUrl).port}/hook`],
    ])('refuses %s when private targets are not allowed, without sending anything', async (_name, url) => {
      const err = await failure(createTriggerWebhookHandler(makeDeps({ allowPrivateWebhookTargets: false }))(webhookContext({ url: url() })));

      expect(err.code).toBe('BAD_CONFIG');
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(/loopback|private|link-local/);
      expect(received).toHaveLength(0);
    });
  });

  describe('config', () => {
    it('refuses a config with neither url nor target_webhook_id', async () => {
      const err = await failure(createTriggerWebhookHandler(makeDeps())(webhookContext({ sync: true })));
      expect(err.code).toBe('BAD_CONFIG');
      expect(err.message).toContain('needs a url or a target_webhook_id');
    });

    it('refuses a target_webhook_id that does not exist', async () => {
      const err = await failure(createTriggerWebhookHandler(makeDeps())(webhookContext({ target_webhook_id: 'missing' })));
      expect(err.code).toBe('BAD_CONFIG');
      expect(err.message).toContain('missing');
    });

    it('reports every config problem at once, with paths', async () => {
      const err = await failure(
        createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `${baseUrl}/hook`, method: 'TRACE', timeout_ms: -1, headers: { 'bad header': 'v' } })),
      );
      expect(err.code).toBe('BAD_CONFIG');
      expect(err.message).toContain('config.method');
      expect(err.message).toContain('config.timeout_ms');
      expect(err.message).toContain('config.headers["bad header"]');
      expect(received).toHaveLength(0);
    });

    it.each(['X-Autoflow-Signature', 'x-autoflow-delivery', 'Content-Type', 'User-Agent'])('refuses to let a flow set the %s header', async (name) => {
      const err = await failure(createTriggerWebhookHandler(makeDeps())(webhookContext({ url: `${baseUrl}/hook`, headers: { [name]: 'forged' } })));
      expect(err.code).toBe('BAD_CONFIG');
      expect(err.message).toContain(name);
      expect(received).toHaveLength(0);
    });

    it('refuses a header value that renders to a line break (header injection)', async () => {
      const ctx = webhookContext({ url: `${baseUrl}/hook`, headers: { 'X-Name': '{{first_name}}' } }, { entity: { _id: 'c', _schema: 'contact', first_name: 'Ada\r\nX-Admin: 1' } });
      const err = await failure(createTriggerWebhookHandler(makeDeps())(ctx));
      expect(err.code).toBe('BAD_CONFIG');
      expect(err.message).toContain('X-Name');
      expect(received).toHaveLength(0);
    });
  });
});
