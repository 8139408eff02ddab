import { hs256Authenticator } from '@autoflow/api';
import { DEFAULT_DEV_SECRET } from '../src';
import { runAutoflow } from './support/cliHarness';

const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

describe('autoflow token', () => {
  it("prints only a token that the dev server's authenticator accepts for the org (the dev default secret)", async () => {
    const run = await runAutoflow(['token', '--org', 'demo'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    await expect(hs256Authenticator(DEFAULT_DEV_SECRET)(run.stdout)).resolves.toEqual({ org_id: 'demo', subject: 'dev:demo' });
    const claims = claimsOf(run.stdout);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(12 * 3600);
  });

  it('signs with AUTOFLOW_DEV_SECRET, or --secret, so that another secret does not verify it', async () => {
    const secret = 'x'.repeat(32);
    const fromEnv = await runAutoflow(['token', '--org', 'acme'], { AUTOFLOW_DEV_SECRET: secret });
    await expect(hs256Authenticator(secret)(fromEnv.stdout)).resolves.toMatchObject({ org_id: 'acme' });
    await expect(hs256Authenticator(DEFAULT_DEV_SECRET)(fromEnv.stdout)).rejects.toThrow(/signature/);
    const fromOption = await runAutoflow(['token', '--org', 'acme', '--secret', 'y'.repeat(40)], { AUTOFLOW_DEV_SECRET: secret });
    await expect(hs256Authenticator('y'.repeat(40))(fromOption.stdout)).resolves.toMatchObject({ org_id: 'acme' });
  });

  it.each([
    ['90', 90],
    ['90s', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['7d', 604_800],
  ])('takes --ttl %s as %i seconds', async (ttl, seconds) => {
    const run = await runAutoflow(['token', '--org', 'demo', '--ttl', ttl], {});
    const claims = claimsOf(run.stdout);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(seconds);
  });

  it('gives the token, org, subject and expiry as JSON with --json', async () => {
    const run = await runAutoflow(['token', '--org', 'demo', '--subject', 'user:42', '--ttl', '1h', '--json'], {});
    const body = run.json();
    expect(body).toEqual({ token: expect.any(String), org_id: 'demo', subject: 'user:42', expires_at: expect.stringMatching(/Z$/) });
    expect(claimsOf(body.token)).toMatchObject({ org_id: 'demo', sub: 'user:42' });
    expect(Date.parse(body.expires_at) / 1000).toBe(claimsOf(body.token).exp);
  });

  it.each([
    ['no --org', ['token'], /required option '--org <id>'/],
    ['an org id the API would refuse', ['token', '--org', 'a#b'], /"a#b" is not a valid org id/],
    ['a secret under 32 bytes', ['token', '--org', 'demo', '--secret', 'short'], /at least 32 bytes/],
    ['a ttl that is not a duration', ['token', '--org', 'demo', '--ttl', 'soon'], /must be a duration such as 3600, 90s, 30m, 12h or 7d/],
  ])('exits 2 for %s', async (_what, argv, message) => {
    const run = await runAutoflow(argv, {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });
});
