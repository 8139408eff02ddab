import { verify } from 'hono/utils/jwt/jwt';
import { type Authenticator, AuthenticationError, callerFromClaims, describeTokenError } from './Authenticator';

export interface Hs256Options {
  /** expected `iss`, when tokens carry one */
  issuer?: string;
  /** expected `aud`, when tokens carry one */
  audience?: string;
}

/** HS256 needs a key at least as long as its hash: 32 bytes. */
export const MIN_HS256_SECRET_BYTES = 32;

/**
 * Tokens signed with a shared secret (HS256): the embedded stack's, printed by
 * `autoflow token --org <id>` (see `signDevToken`). Only HS256 is accepted, so a token cannot
 * pick a weaker algorithm or `none`.
 */
export function hs256Authenticator(secret: string, options: Hs256Options = {}): Authenticator {
  if (Buffer.byteLength(secret, 'utf8') < MIN_HS256_SECRET_BYTES) {
    throw new Error(`the HS256 token secret must be at least ${MIN_HS256_SECRET_BYTES} bytes long`);
  }
  return async (token) => {
    let claims: Record<string, unknown>;
    try {
      claims = (await verify(token, secret, {
        alg: 'HS256',
        ...(options.issuer ? { iss: options.issuer } : {}),
        ...(options.audience ? { aud: options.audience } : {}),
      })) as Record<string, unknown>;
    } catch (err) {
      throw new AuthenticationError(describeTokenError(err));
    }
    return callerFromClaims(claims);
  };
}
