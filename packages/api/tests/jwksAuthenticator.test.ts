import { type JsonWebKey, generateKeyPairSync } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import { AuthenticationError, jwksAuthenticator } from '@autoflow/api';
import { sign } from 'hono/utils/jwt/jwt';

/** A JWKS issuer on 127.0.0.1 with a key the test can rotate. */
class LocalIssuer {
  readonly issuer = 'https://issuer.test/';
  requests = 0;
  private keys: Array<{ kid: string; publicJwk: JsonWebKey; privateJwk: JsonWebKey }> = [];
  private server!: Server;
  url = '';

  static async start(): Promise<LocalIssuer> {
    const issuer = new LocalIssuer();
    issuer.rotate('key-1');
    issuer.server = createServer((_req, res) => {
      issuer.requests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: issuer.keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: 'RS256', use: 'sig' })) }));
    });
    await new Promise<void>((resolve) => issuer.server.listen(0, '127.0.0.1', resolve));
    const address = issuer.server.address();
    issuer.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/.well-known/jwks.json`;
    return issuer;
  }

  rotate(kid: string): void {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.keys = [{ kid, publicJwk: publicKey.export({ format: 'jwk' }), privateJwk: privateKey.export({ format: 'jwk' }) }];
  }

  token(claims: Record<string, unknown>): Promise<string> {
    const key = this.keys[0]!;
    return sign({ iss: this.issuer, aud: 'autoflow', exp: Math.floor(Date.now() / 1000) + 60, ...claims }, { ...key.privateJwk, kid: key.kid, alg: 'RS256' } as never, 'RS256');
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('jwksAuthenticator', () => {
  let issuer: LocalIssuer;
  beforeAll(async () => {
    issuer = await LocalIssuer.start();
  });
  afterAll(() => issuer.stop());

  const authenticator = () => jwksAuthenticator({ jwksUrl: issuer.url, issuer: issuer.issuer, audience: 'autoflow', refetchAfterMs: 0 });

  it('names the org and subject of a token signed by the issuer, fetching its keys once', async () => {
    const authenticate = authenticator();
    const before = issuer.requests;
    expect(await authenticate(await issuer.token({ org_id: 'org-7', sub: 'user-1' }))).toEqual({ org_id: 'org-7', subject: 'user-1' });
    expect(await authenticate(await issuer.token({ org_id: 'org-8' }))).toEqual({ org_id: 'org-8' });
    expect(issuer.requests - before).toBe(1);
  });

  it('finds a rotated key by fetching the keys again', async () => {
    const authenticate = authenticator();
    await authenticate(await issuer.token({ org_id: 'org-7' }));
    issuer.rotate('key-2');
    expect(await authenticate(await issuer.token({ org_id: 'org-7' }))).toEqual({ org_id: 'org-7' });
  });

  it.each([
    ['another issuer', { iss: 'https://evil.test/' }, /expected issuer/],
    ['another audience', { aud: 'someone-else' }, /audience/],
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 5 }, /expired/],
    ['no org_id', { org_id: undefined }, /no org_id claim/],
  ])('refuses a token with %s', async (_what, claims, message) => {
    const token = await issuer.token({ org_id: 'org-7', ...claims });
    const error = await authenticator()(token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses an HS256 token, whatever its secret', async () => {
    const token = await sign({ org_id: 'org-7', iss: issuer.issuer, aud: 'autoflow', exp: Math.floor(Date.now() / 1000) + 60 }, 's'.repeat(32), 'HS256');
    await expect(authenticator()(token)).rejects.toBeInstanceOf(AuthenticationError);
  });
});
