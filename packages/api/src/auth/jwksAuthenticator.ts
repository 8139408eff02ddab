import type { AsymmetricAlgorithm } from 'hono/utils/jwt/jwa';
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';
import { decodeHeader, verifyWithJwks } from 'hono/utils/jwt/jwt';
import { type Authenticator, AuthenticationError, callerFromClaims, describeTokenError } from './Authenticator';

export interface JwksOptions {
  /** where the issuer publishes its keys, e.g. https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json */
  jwksUrl: string;
  /** expected `iss` */
  issuer: string;
  /** expected `aud`; omit only for issuers whose access tokens carry none */
  audience?: string;
  /** accepted algorithms (default RS256) */
  algorithms?: readonly AsymmetricAlgorithm[];
  /** how long fetched keys are used before they are fetched again (default 10 minutes) */
  cacheMs?: number;
  /** an unknown `kid` fetches the keys again at most this often (default 30 s): rotated keys are found, floods are not */
  refetchAfterMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * Tokens of any OpenID Connect / JWKS issuer (AWS: Cognito or the platform's own). Keys are
 * fetched once and cached per container; a token whose `kid` is not among them fetches them
 * again (key rotation), rate-limited.
 */
export function jwksAuthenticator(options: JwksOptions): Authenticator {
  const algorithms = options.algorithms ?? (['RS256'] as const);
  const cacheMs = options.cacheMs ?? 10 * 60_000;
  const refetchAfterMs = options.refetchAfterMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  let cached: { keys: HonoJsonWebKey[]; at: number } | undefined;
  let inflight: Promise<HonoJsonWebKey[]> | undefined;

  const load = (): Promise<HonoJsonWebKey[]> => {
    inflight ??= (async () => {
      try {
        const response = await doFetch(options.jwksUrl);
        if (!response.ok) throw new Error(`the JWKS endpoint answered ${response.status}`);
        const body = (await response.json()) as { keys?: unknown };
        if (!Array.isArray(body.keys)) throw new Error('the JWKS document has no keys');
        cached = { keys: body.keys as HonoJsonWebKey[], at: now() };
        return cached.keys;
      } finally {
        inflight = undefined;
      }
    })();
    return inflight;
  };

  const keysFor = async (kid: string | undefined): Promise<HonoJsonWebKey[]> => {
    const age = cached ? now() - cached.at : Number.POSITIVE_INFINITY;
    if (!cached || age > cacheMs) return load();
    if (kid !== undefined && !cached.keys.some((k) => k.kid === kid) && age > refetchAfterMs) return load();
    return cached.keys;
  };

  return async (token) => {
    let kid: string | undefined;
    try {
      kid = decodeHeader(token).kid;
    } catch (err) {
      throw new AuthenticationError(describeTokenError(err));
    }
    const keys = await keysFor(kid);
    let claims: Record<string, unknown>;
    try {
      claims = (await verifyWithJwks(token, {
        keys,
        allowedAlgorithms: algorithms,
        verification: { iss: options.issuer, ...(options.audience ? { aud: options.audience } : {}) },
      })) as Record<string, unknown>;
    } catch (err) {
      throw new AuthenticationError(describeTokenError(err));
    }
    return callerFromClaims(claims);
  };
}
