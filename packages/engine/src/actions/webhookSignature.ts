import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header that carries the signature of a webhook delivery. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-autoflow-signature';
/** Header that carries the dispatch id: stable per attempt, so receivers can de-duplicate. */
export const WEBHOOK_DELIVERY_HEADER = 'x-autoflow-delivery';

/**
 * Signs a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * The timestamp is part of the signed text so that a captured delivery cannot be replayed
 * later than the receiver's tolerance.
 */
export function signWebhookBody(secret: string, body: string, nowSeconds: number): string {
  const t = Math.floor(nowSeconds);
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

/**
 * For receivers: checks an `x-autoflow-signature` header against the raw request body.
 *
 * - `secret`: the webhook target's secret (or the installation's signing secret)
 * - `header`: the header value, `t=<unix seconds>,v1=<hex>`; several `v1=` entries are
 *   accepted (any one may match), so a sender can sign with an old and a new secret while
 *   rotating
 * - `body`: the raw body exactly as received (not re-serialised JSON)
 * - `nowSeconds`: the receiver's clock, in unix seconds
 * - `toleranceSeconds`: how far the signed timestamp may be from `nowSeconds` (e.g. 300)
 *
 * Returns true only when the header is well formed, the timestamp is within tolerance and a
 * signature matches (compared in constant time).
 *
 * ```ts
 * const ok = verifyWebhookSignature(secret, req.headers['x-autoflow-signature'], rawBody, Date.now() / 1000, 300);
 * ```
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | string[] | undefined,
  body: string | Buffer,
  nowSeconds: number,
  toleranceSeconds: number,
): boolean {
  if (typeof header !== 'string') return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  let matched = false;
  for (const candidate of candidates) {
    // no early exit: every candidate is compared, so timing says nothing about which matched
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
  }
  return matched;
}

function hmacHex(secret: string, timestamp: number, body: string | Buffer): string {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.`, 'utf8');
  return (typeof body === 'string' ? hmac.update(body, 'utf8') : hmac.update(body)).digest('hex');
}
