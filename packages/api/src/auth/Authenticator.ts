import type { ApiCaller } from '@autoflow/engine';
import { z } from 'zod';

/** Checks a bearer token and names its caller; throws AuthenticationError when it cannot. */
export type Authenticator = (token: string) => Promise<ApiCaller>;

/** The request is not authenticated (401): no token, or one that does not verify. */
export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/**
 * Org ids become the first part of every store key (`ORG#<org>#…`), so they may hold only
 * characters that cannot reach into another org's keys — the same rule as events' `org_id`.
 */
export const OrgIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_\-:.]+$/, { error: 'may only contain letters, digits, _, -, : and .' });

/** The caller named by verified claims: `org_id` names the org, `sub` (if any) the subject. */
export function callerFromClaims(claims: Record<string, unknown>): ApiCaller {
  if (typeof claims.exp !== 'number') throw new AuthenticationError('the token has no expiry (exp claim); tokens must expire');
  if (claims.org_id === undefined) throw new AuthenticationError('the token has no org_id claim naming the organisation');
  const org = OrgIdSchema.safeParse(claims.org_id);
  if (!org.success) throw new AuthenticationError('the token\'s org_id claim is not a valid org id (1..128 of A-Z a-z 0-9 _ - : .)');
  return { org_id: org.data, ...(typeof claims.sub === 'string' && claims.sub.length > 0 ? { subject: claims.sub } : {}) };
}

/** A readable reason for a token that did not verify (hono's JWT errors have stable names). */
export function describeTokenError(err: unknown): string {
  const name = (err as { name?: string } | undefined)?.name ?? '';
  switch (name) {
    case 'JwtTokenExpired':
      return 'the token has expired';
    case 'JwtTokenNotBefore':
      return 'the token is not valid yet (nbf)';
    case 'JwtTokenIssuedAt':
      return 'the token was issued in the future (iat)';
    case 'JwtTokenSignatureMismatched':
      return 'the token\'s signature does not verify';
    case 'JwtTokenIssuer':
      return 'the token was not issued by the expected issuer';
    case 'JwtTokenAudience':
    case 'JwtPayloadRequiresAud':
      return 'the token is not for this audience';
    case 'JwtAlgorithmMismatch':
    case 'JwtAlgorithmNotAllowed':
    case 'JwtSymmetricAlgorithmNotAllowed':
      return 'the token is signed with an algorithm this API does not accept';
    case 'JwtHeaderRequiresKid':
      return 'the token names no key (kid)';
    default:
      return 'the token is not a valid JWT';
  }
}
