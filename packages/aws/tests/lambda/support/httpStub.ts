import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';

export interface StubRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Reply = { status: number; headers?: Record<string, string>; body: string } | 'forward';

/** A real HTTP server on 127.0.0.1 that records every request and answers as told. */
export class HttpStub {
  readonly requests: StubRequest[] = [];
  url = '';
  private server!: Server;

  private constructor(private readonly answer: (request: StubRequest, res: ServerResponse) => Reply | Promise<Reply>) {}

  static async start(answer: (request: StubRequest, res: ServerResponse) => Reply | Promise<Reply>): Promise<HttpStub> {
    const stub = new HttpStub(answer);
    stub.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        stub.requests.push(request);
        void Promise.resolve(stub.answer(request, res)).then((reply) => {
          if (reply === 'forward') return; // the answer function wrote the response itself
          res.writeHead(reply.status, reply.headers ?? {});
          res.end(reply.body);
        });
      });
    });
    await new Promise<void>((resolve) => stub.server.listen(0, '127.0.0.1', resolve));
    const address = stub.server.address();
    stub.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return stub;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
