import fc from 'fast-check';
import { signWebhookBody, verifyWebhookSignature } from '../../src/actions';

const NOW_S = 1_740_830_400;

describe('signWebhookBody / verifyWebhookSignature', () => {
  it('produces t=<unix seconds>,v1=<64 hex digits>', () => {
    expect(signWebhookBody('s3cret', '{"a":1}', NOW_S + 0.7)).toMatch(new RegExp(`^t=${NOW_S},v1=[0-9a-f]{64}$`));
  });

  it('verifies what it signed, for any secret and body', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (secret, body) => {
        const header = signWebhookBody(secret, body, NOW_S);
        return verifyWebhookSignature(secret, header, body, NOW_S, 300) && verifyWebhookSignature(secret, header, Buffer.from(body, 'utf8'), NOW_S, 300);
      }),
    );
  });

  it('rejects a body changed after signing', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (body, other) => {
        fc.pre(body !== other);
        return !verifyWebhookSignature('s3cret', signWebhookBody('s3cret', body, NOW_S), other, NOW_S, 300);
      }),
    );
  });

  it('rejects a signature made with another secret', () => {
    expect(verifyWebhookSignature('s3cret', signWebhookBody('other', 'body', NOW_S), 'body', NOW_S, 300)).toBe(false);
  });

  it('rejects a timestamp outside the tolerance, in either direction', () => {
    const header = signWebhookBody('s3cret', 'body', NOW_S);
    expect(verifyWebhookSignature('s3cret', header, 'body', NOW_S + 300, 300)).toBe(true);
    expect(verifyWebhookSignature('s3cret', header, 'body', NOW_S + 301, 300)).toBe(false);
    expect(verifyWebhookSignature('s3cret', header, 'body', NOW_S - 301, 300)).toBe(false);
  });

  it('rejects a replayed signature with a forged timestamp', () => {
    const v1 = signWebhookBody('s3cret', 'body', NOW_S).split(',v1=')[1];
    expect(verifyWebhookSignature('s3cret', `t=${NOW_S + 100},v1=${v1}`, 'body', NOW_S + 100, 300)).toBe(false);
  });

  it('accepts a header carrying several signatures when one matches (secret rotation)', () => {
    const good = signWebhookBody('new-secret', 'body', NOW_S).split(',v1=')[1];
    const stale = signWebhookBody('old-secret', 'body', NOW_S).split(',v1=')[1];
    expect(verifyWebhookSignature('new-secret', `t=${NOW_S},v1=${stale},v1=${good}`, 'body', NOW_S, 300)).toBe(true);
  });

  it.each([undefined, '', 'v1=abc', `t=${NOW_S}`, `t=abc,v1=${'0'.repeat(64)}`, `t=${NOW_S},v1=xyz`, ['t=1', 'v1=2']])(
    'rejects the malformed header %p',
    (header) => {
      expect(verifyWebhookSignature('s3cret', header, 'body', NOW_S, 300)).toBe(false);
    },
  );
});
