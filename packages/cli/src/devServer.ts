import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { parseEvent } from '@autoflow/core';
import type { EmbeddedStack } from '@autoflow/local';

const MAX_BODY = 1_048_576;

/**
 * The dev server's small HTTP surface (loopback only, no auth): publish events, write entities
 * of the built-in store, read executions, and a webhook echo the example flows call.
 * The full epilot-compatible API with auth replaces it (see docs/decisions).
 */
export function startDevServer(stack: EmbeddedStack, opts: { port: number; org: string; log: (line: string) => void }): Promise<{ server: Server; url: string }> {
  const { org, log } = opts;
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { status: 500, error: (err as Error).message }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    if (method === 'POST' && url.pathname === '/dev/webhook-echo') {
      const body = await readBody(req);
      log(`webhook received: ${body.length} bytes, delivery ${req.headers['x-autoflow-delivery']}`);
      return send(res, 200, { received: true });
    }
    if (method === 'POST' && url.pathname === '/v1/automation/events') {
      const body = JSON.parse(await readBody(req)) as unknown;
      const list = Array.isArray(body) ? body : [body];
      const events = [];
      for (const [i, raw] of list.entries()) {
        const withOrg = { org_id: org, ...(raw as object) };
        const parsed = parseEvent(withOrg);
        if (!parsed.ok) return send(res, 400, { status: 400, error: parsed.problems.map((p) => `[${i}].${p.path}: ${p.message}`).join('; ') });
        events.push(parsed.event);
      }
      await stack.publishEvents(events);
      return send(res, 202, { event_ids: events.map((e) => e.event_id) });
    }
    if (parts[0] === 'v1' && parts[1] === 'entities' && parts[2]) {
      const schema = parts[2];
      if (method === 'POST' && parts.length === 3) {
        const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
        return send(res, 201, await stack.stores.entities.create(org, { ...body, _schema: schema }, { activity: { type: 'EntityCreated' } }));
      }
      const id = parts[3];
      if (id && method === 'GET') {
        const entity = await stack.stores.entities.get(org, id);
        return entity ? send(res, 200, entity) : send(res, 404, { status: 404, error: 'entity not found' });
      }
      if (id && method === 'PATCH') {
        const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
        return send(res, 200, await stack.stores.entities.update(org, id, body, { activity: { type: 'EntityUpdated' } }));
      }
    }
    if (method === 'GET' && url.pathname === '/v1/automation/executions') {
      const entityId = url.searchParams.get('entity_id');
      if (!entityId) return send(res, 400, { status: 400, error: 'entity_id is required' });
      const states = await stack.stores.executions.listByEntity(org, entityId);
      const results = await Promise.all(states.map((s) => stack.getExecution(org, s.execution_id)));
      return send(res, 200, { total: results.length, results });
    }
    if (method === 'GET' && parts[0] === 'v1' && parts[1] === 'automation' && parts[2] === 'executions' && parts[3]) {
      const execution = await stack.getExecution(org, parts[3]);
      return execution ? send(res, 200, execution) : send(res, 404, { status: 404, error: 'execution not found' });
    }
    send(res, 404, { status: 404, error: `no route for ${method} ${url.pathname}` });
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : opts.port;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
