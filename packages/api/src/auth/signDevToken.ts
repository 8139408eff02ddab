import { sign } from 'hono/utils/jwt/jwt';
import { MIN_HS256_SECRET_BYTES } from './hs256Authenticator';
import { OrgIdSchema } from './Authenticator';

export interface DevTokenOptions {
  /** lifetime in seconds (default 12 hours) */
  expiresInSeconds?: number;
  /** `sub` claim: who the token stands for */
  subject?: string;
  issuer?: string;
  audience?: string;
  /** seconds since the epoch; default now */
  now?: number;
}

/**
 * Signs an HS256 token for the embedded stack, naming one org in its `org_id` claim. Used by
 * `autoflow token --org <id>` and by tests; AWS deployments verify tokens of a JWKS issuer.
 */
export async function signDevToken(secret: string, orgId: string, options: DevTokenOptions = {}): Promise<string> {
  if (Buffer.byteLength(secret, 'utf8') < MIN_HS256_SECRET_BYTES) {
    throw new Error(`the HS256 token secret must be at least ${MIN_HS256_SECRET_BYTES} bytes long`);
  }
  const org = OrgIdSchema.safeParse(orgId);
  if (!org.success) throw new Error(`"${orgId}" is not a valid org id (1..128 of A-Z a-z 0-9 _ - : .)`);
  const iat = options.now ?? Math.floor(Date.now() / 1000);
  return sign(
    {
      org_id: org.data,
      sub: options.subject ?? `dev:${org.data}`,
      iat,
      exp: iat + (options.expiresInSeconds ?? 12 * 60 * 60),
      ...(options.issuer ? { iss: options.issuer } : {}),
      ...(options.audience ? { aud: options.audience } : {}),
    },
    secret,
    'HS256',
  );
}
