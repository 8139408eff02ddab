import { IsoDateTimeSchema, IsoDurationSchema, type ValidationProblem, addDuration, parseWithProblems } from '@autoflow/core';
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

/** The engine's clock as `/dev/clock` sees it. */
export interface DevClock {
  /** `manual`: it moves only through `advanceTo` (`autoflow dev --clock manual`) */
  mode: 'real' | 'manual';
  now(): number;
  /** the timers waiting, and when the earliest is due (epoch ms) */
  timers(): { armed: number; nextDueAt?: number };
  /** manual only: moves the clock to `to`, firing every timer due by then; resolves once the engine is idle */
  advanceTo(to: number): Promise<{ now: number; fired: number }>;
}

export interface DevRoutesOptions {
  /** the mail the SES sink received, oldest first */
  listMail(): Promise<Array<{ messageId: string; from: string; destination: { to: string[]; cc: string[]; bcc: string[] }; subject: string; body: { text?: string; html?: string }; at: number }>>;
  /** one line of the dev log, about the webhook echo or (with `data`) a clock move */
  log(line: string, topic?: 'webhook' | 'clock', data?: Record<string, unknown>): void;
  /** the engine's clock; without it `/dev/clock` answers 404 */
  clock?: DevClock;
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
const error = (status: number, message: string, problems: readonly ValidationProblem[] = []): Response =>
  json(status, { status, error: message, ...(problems.length > 0 ? { problems } : {}) });

const CLOCK_MOVE_EXAMPLE = '{"advance": "P3D"} or {"to": "2027-01-01T09:00:00Z"}';

/** `POST /dev/clock`: where to move the clock, as a duration from now or as an instant. */
type ClockMove = { advance: string } | { to: string };

/**
 * Reads a clock move, listing every problem with its path: exactly one of `advance` (an ISO 8601
 * duration, checked by core's IsoDurationSchema) and `to` (an instant with a timezone, checked by
 * IsoDateTimeSchema). The object itself is checked here because the CLI has no zod of its own.
 */
export function parseClockMove(body: unknown): { ok: true; move: ClockMove } | { ok: false; problems: ValidationProblem[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problems: [{ path: '', message: `must be a JSON object: ${CLOCK_MOVE_EXAMPLE}` }] };
  }
  const fields = body as Record<string, unknown>;
  const problems: ValidationProblem[] = Object.keys(fields)
    .filter((key) => key !== 'advance' && key !== 'to')
    .map((key) => ({ path: key, message: 'is not a known field (expected "advance" or "to")' }));
  const given = (['advance', 'to'] as const).filter((key) => fields[key] !== undefined);
  if (given.length !== 1) problems.push({ path: '', message: `needs exactly one of "advance" and "to", e.g. ${CLOCK_MOVE_EXAMPLE}` });
  for (const key of given) {
    const parsed = parseWithProblems(key === 'advance' ? IsoDurationSchema : IsoDateTimeSchema, fields[key]);
    if (!parsed.ok) problems.push(...parsed.problems.map((p) => ({ path: p.path ? `${key}.${p.path}` : key, message: p.message })));
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, move: given[0] === 'advance' ? { advance: fields.advance as string } : { to: fields.to as string } };
}

/**
 * Routes of `autoflow dev` only, served next to the API on the same port, without a token
 * (the dev server listens on loopback): a webhook echo the example flows call through
 * `{{DEV_URL}}/dev/webhook-echo`, a switch that makes the echo fail (to see retries and retry
 * a failed execution), the mail of the SES sink, and the engine's clock, which a manual clock
 * lets you move to fire timers without waiting.
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

  function showClock(clock: DevClock): Response {
    const { armed, nextDueAt } = clock.timers();
    return json(200, {
      now: new Date(clock.now()).toISOString(),
      mode: clock.mode,
      timers: { armed, next_due_at: nextDueAt === undefined ? null : new Date(nextDueAt).toISOString() },
    });
  }

  async function moveClock(clock: DevClock, request: Request): Promise<Response> {
    if (clock.mode !== 'manual') {
      return error(409, 'the clock is real and cannot be moved; restart the dev server with `autoflow dev --clock manual` to move it');
    }
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return error(400, `the body must be JSON: ${CLOCK_MOVE_EXAMPLE}`, [{ path: '', message: 'is not JSON' }]);
    }
    const parsed = parseClockMove(body);
    if (!parsed.ok) return error(400, 'invalid clock move', parsed.problems);
    const from = clock.now();
    const { move } = parsed;
    // calendar arithmetic in UTC, as schedules use: a month after Jan 31 is the end of February
    const to = 'advance' in move ? addDuration(from, move.advance) : Date.parse(move.to);
    if (to < from) {
      return error(400, 'invalid clock move', [{ path: 'to', message: `the clock only moves forward; it is at ${new Date(from).toISOString()}` }]);
    }
    let moved: { now: number; fired: number };
    try {
      moved = await clock.advanceTo(to);
    } catch (err) {
      return error(500, `the clock could not be moved: ${(err as Error).message}`);
    }
    const answer = { now: new Date(moved.now).toISOString(), fired: moved.fired };
    const how = 'advance' in move ? `advanced by ${move.advance}` : 'set';
    options.log(`clock: ${how} to ${answer.now}; ${moved.fired} timer(s) fired`, 'clock', answer);
    return json(200, answer);
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
        case 'GET /dev/clock':
          if (options.clock) return showClock(options.clock);
          break;
        case 'POST /dev/clock':
          if (options.clock) return moveClock(options.clock, request);
          break;
      }
      return error(
        404,
        `no route for ${request.method} ${pathname.slice(0, 200)}; the dev routes are POST|GET /dev/webhook-echo, GET|PUT /dev/webhook-echo/status, GET /dev/mail${options.clock ? ' and GET|POST /dev/clock' : ''}`,
      );
    },
  };
}
