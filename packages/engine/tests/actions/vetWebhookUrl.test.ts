import { AutomationError } from '@autoflow/core';
import { nonPublicReason, pinnedLookup, vetWebhookUrl, type HostLookup } from '../../src/actions';

async function refusal(promise: Promise<unknown>): Promise<AutomationError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AutomationError) return err;
    throw err;
  }
  throw new Error('expected the promise to be refused');
}

const resolvesTo =
  (...addresses: string[]): HostLookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('nonPublicReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'private (unique local)'],
    ['fd12:3456::1', 'private (unique local)'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.1.2.3', 'private'],
    ['0:0:0:0:0:ffff:c0a8:0101', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
    ['fe80::1%eth0', 'link-local'],
  ])('refuses %s as %s', (address, reason) => {
    expect(nonPublicReason(address)).toBe(reason);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2606:4700::6810:84e5', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'accepts the public address %s',
    (address) => {
      expect(nonPublicReason(address)).toBeUndefined();
    },
  );
});

describe('vetWebhookUrl', () => {
  it.each([
    ['http://127.0.0.1:8080/hook', 'loopback'],
    ['http://10.0.0.1/hook', 'private'],
    ['http://[::1]:9000/hook', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://[::ffff:169.254.169.254]/', 'link-local'],
    ['http://100.64.1.1/', 'carrier-grade NAT'],
  ])('refuses %s as a %s target when private targets are not allowed', async (url, reason) => {
    const err = await refusal(vetWebhookUrl(url, { allowPrivate: false }));
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(reason);
  });

  it('refuses a hostname that resolves to loopback (localhost, through real DNS)', async () => {
    const err = await refusal(vetWebhookUrl('http://localhost:3000/hook', { allowPrivate: false }));
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.message).toMatch(/localhost resolves to (127\.0\.0\.1|::1).*loopback/);
  });

  it('refuses a hostname when any one of its addresses is private', async () => {
    const err = await refusal(vetWebhookUrl('https://hooks.example.com/x', { allowPrivate: false, lookup: resolvesTo('93.184.216.34', '10.0.0.5') }));
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.info).toMatchObject({ host: 'hooks.example.com', address: '10.0.0.5', reason: 'private' });
  });

  it('returns every address of a public hostname, to be connected to as vetted', async () => {
    const vetted = await vetWebhookUrl('https://hooks.example.com/x?token=1', {
      allowPrivate: false,
      lookup: resolvesTo('93.184.216.34', '2606:2800:220:1::1'),
    });
    expect(vetted.hostname).toBe('hooks.example.com');
    expect(vetted.addresses).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
  });

  it('allows private targets when the installation allows them', async () => {
    const vetted = await vetWebhookUrl('http://[::1]:9000/hook', { allowPrivate: true });
    expect(vetted.hostname).toBe('::1');
    expect(vetted.addresses).toEqual([{ address: '::1', family: 6 }]);
  });

  it.each(['ftp://example.com/x', 'file:///etc/passwd', 'gopher://example.com/'])('refuses the non-http URL %s', async (url) => {
    const err = await refusal(vetWebhookUrl(url, { allowPrivate: true }));
    expect(err.code).toBe('BAD_CONFIG');
    expect(err.message).toContain('http or https');
  });

  it('refuses a URL that is not a URL', async () => {
    const err = await refusal(vetWebhookUrl('not a url', { allowPrivate: true }));
    expect(err.code).toBe('BAD_CONFIG');
  });

  it('refuses credentials in the URL', async () => {
    const err = await refusal(vetWebhookUrl('https://user:pw@hooks.example.com/', { allowPrivate: true, lookup: resolvesTo('93.184.216.34') }));
    expect(err.code).toBe('BAD_CONFIG');
  });

  it('reports a name that cannot be resolved as retryable', async () => {
    const failing: HostLookup = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    };
    const err = await refusal(vetWebhookUrl('https://hooks.example.com/', { allowPrivate: false, lookup: failing }));
    expect(err.code).toBe('TRIGGER_WEBHOOK_ERROR');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('EAI_AGAIN');
  });
});

describe('pinnedLookup', () => {
  const lookup = pinnedLookup([
    { address: '93.184.216.34', family: 4 },
    { address: '2606:2800:220:1::1', family: 6 },
  ]);

  it('answers with every vetted address when asked for all', () => {
    const answer = jest.fn();
    lookup('evil.example.com', { all: true }, answer);
    expect(answer).toHaveBeenCalledWith(null, [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
  });

  it('answers with the first vetted address of the asked family', () => {
    const answer = jest.fn();
    lookup('evil.example.com', { family: 6 }, answer);
    expect(answer).toHaveBeenCalledWith(null, '2606:2800:220:1::1', 6);
  });

  it('fails rather than resolve again when no vetted address fits', () => {
    const answer = jest.fn();
    pinnedLookup([{ address: '93.184.216.34', family: 4 }])('evil.example.com', { family: 6 }, answer);
    expect(answer.mock.calls[0]?.[0]).toMatchObject({ code: 'ENOTFOUND' });
  });
});
