import { shortId } from './describeTransition';

/** What `/dev/webhook-echo` received, newest last. */
export interface EchoedDelivery {
  received_at: string;
  delivery: string | null;
  attempt: number | null;
  answered: number;
  body: unknown;
}

export interface DevMail {
  message_id: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text?: string;
  html?: string;
  sent_at: string;
}

export interface DevRoutesOptions {
  /** the mail the SES sink received, oldest first */
  listMail(): Promise<Array<{ messageId: string; from: string; destination: { to: string[]; cc: string[]; bcc: string[] }; subject: string; body: { text?: string; html?: string }; at: number }>>;
  log(line: string): void;
  now?: () => Date;
}

export interface DevRoutes {
  /** whether a request path belongs to the dev routes (`/dev/…`) rather than to the API */
  handles(pathname: string): boolean;
  fetch(request: Request): Promise<Response>;
}

const ECHO_BODY_LIMIT = 1_048_576;
const KEEP_DELIVERIES = 100;

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const error = (status: number, message: string): Response => json(status, { status, error: message });

/**
 * Routes of `autoflow dev` only, served next to the API on the same port, without a token
 * (the dev server listens on loopback): a webhook echo the example flows call through
 * `{{DEV_URL}}/dev/webhook-echo`, a switch that makes the echo fail (to see retries and retry
 * a failed execution), and the mail of the SES sink.
 */
export function createDevRoutes(options: DevRoutesOptions): DevRoutes {
  const now = options.now ?? (() => new Date());
  const deliveries: EchoedDelivery[] = [];
  let answer = 200;

  async function echo(request: Request): Promise<Response> {
    const length = Number(request.headers.get('content-length') ?? 0);
    if (length > ECHO_BODY_LIMIT) return error(413, `the webhook echo takes bodies up to ${ECHO_BODY_LIMIT} bytes`);
    const text = await request.text();
    let body: unknown = text;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    const delivery = request.headers.get('x-autoflow-delivery');
    const attemptHeader = request.headers.get('x-autoflow-attempt');
    const attempt = attemptHeader === null || Number.isNaN(Number(attemptHeader)) ? null : Number(attemptHeader);
    deliveries.push({ received_at: now().toISOString(), delivery, attempt, answered: answer, body });
    if (deliveries.length > KEEP_DELIVERIES) deliveries.shift();

    const b = (body ?? {}) as { execution_id?: unknown; action_id?: unknown; entity?: { _title?: unknown } | null };
    const what = typeof b.action_id === 'string' ? `"${b.action_id}"` : 'a delivery';
    const of = typeof b.execution_id === 'string' ? ` of execution ${shortId(b.execution_id)}` : '';
    const title = typeof b.entity?._title === 'string' ? ` for ${b.entity._title}` : '';
    const simulated = answer >= 200 && answer < 300 ? '' : ' (simulated failure: PUT /dev/webhook-echo/status {"status":200} ends it)';
    options.log(`webhook-echo: received ${what}${of}${title}, attempt ${attempt ?? '?'} (${Buffer.byteLength(text)} bytes) → ${answer}${simulated}`);
    return answer >= 200 && answer < 300
      ? json(answer, { received: true, delivery })
      : error(answer, `the dev webhook echo answers ${answer} until PUT /dev/webhook-echo/status {"status":200}`);
  }

  async function setStatus(request: Request): Promise<Response> {
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return error(400, 'the body must be JSON: {"status": 503}');
    }
    const status = (body as { status?: unknown } | null)?.status;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
      return error(400, 'status: must be an HTTP status from 200 to 599, e.g. {"status": 503}');
    }
    answer = status;
    options.log(`webhook-echo: now answers ${answer}`);
    return json(200, { status: answer });
  }

  async function mail(): Promise<Response> {
    const results: DevMail[] = (await options.listMail()).map((m) => ({
      message_id: m.messageId,
      from: m.from,
      to: m.destination.to,
      cc: m.destination.cc,
      bcc: m.destination.bcc,
      subject: m.subject,
      ...(m.body.text !== undefined ? { text: m.body.text } : {}),
      ...(m.body.html !== undefined ? { html: m.body.html } : {}),
      sent_at: new Date(m.at * 1000).toISOString(),
    }));
    return json(200, { total: results.length, results });
  }

  return {
    handles: (pathname) => pathname === '/dev' || pathname.startsWith('/dev/'),
    async fetch(request) {
      const { pathname } = new URL(request.url);
      const route = `${request.method} ${pathname.replace(/\/+$/, '')}`;
      switch (route) {
        case 'POST /dev/webhook-echo':
          return echo(request);
        case 'GET /dev/webhook-echo':
          return json(200, { total: deliveries.length, results: deliveries });
        case 'GET /dev/webhook-echo/status':
          return json(200, { status: answer });
        case 'PUT /dev/webhook-echo/status':
          return setStatus(request);
        case 'GET /dev/mail':
          return mail();
        default:
          return error(404, `no route for ${request.method} ${pathname.slice(0, 200)}; the dev routes are POST|GET /dev/webhook-echo, GET|PUT /dev/webhook-echo/status and GET /dev/mail`);
      }
    },
  };
}
