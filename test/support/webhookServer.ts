import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  at: number;
}

/**
 * A real HTTP server on 127.0.0.1 that records requests and answers with the status the test
 * chooses per path and per call.
 */
export class WebhookServer {
  readonly requests: ReceivedRequest[] = [];
  private readonly responders = new Map<string, (n: number) => { status: number; headers?: Record<string, string>; body?: unknown }>();
  private server!: Server;
  url = '';

  static async start(): Promise<WebhookServer> {
    const s = new WebhookServer();
    s.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        s.requests.push({ path, headers: req.headers, body, json, at: Date.now() });
        const n = s.requests.filter((r) => r.path === path).length;
        const reply = s.responders.get(path)?.(n) ?? { status: 200, body: { ok: true } };
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body ?? {}));
      });
    });
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    const address = s.server.address();
    s.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return s;
  }

  respond(path: string, responder: (n: number) => { status: number; headers?: Record<string, string>; body?: unknown }): void {
    this.responders.set(path, responder);
  }

  received(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
