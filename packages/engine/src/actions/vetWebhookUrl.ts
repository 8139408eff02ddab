import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { NonRetryableError, RetryableError } from '@autoflow/core';

/**
 * SSRF guard for trigger-webhook. A tenant chooses the URL, and the worker runs inside the
 * operator's network, so a webhook must never reach loopback, link-local (cloud metadata at
 * 169.254.169.254), private or otherwise non-public addresses. The hostname is resolved once,
 * every address is checked, and the request then connects to exactly those addresses (see
 * `pinnedLookup`), so a second DNS answer (rebinding) cannot redirect it.
 */

export interface VettedAddress {
  address: string;
  family: 4 | 6;
}

export interface VettedWebhookUrl {
  url: URL;
  /** hostname without IPv6 brackets */
  hostname: string;
  addresses: VettedAddress[];
}

export type HostLookup = (hostname: string) => Promise<VettedAddress[]>;

export interface VetWebhookUrlOptions {
  allowPrivate: boolean;
  /** resolves a hostname to all its addresses; defaults to `dns.promises.lookup(host, { all: true })` */
  lookup?: HostLookup;
}

const systemLookup: HostLookup = async (hostname) => {
  const found = await dns.lookup(hostname, { all: true, verbatim: true });
  return found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
};

/**
 * Checks a webhook URL and resolves its host. Throws NonRetryableError('BAD_CONFIG') when the
 * URL is not http(s) or any address it resolves to is not public (unless `allowPrivate`), and
 * RetryableError('TRIGGER_WEBHOOK_ERROR') when the name cannot be resolved right now.
 */
export async function vetWebhookUrl(rawUrl: string, options: VetWebhookUrlOptions): Promise<VettedWebhookUrl> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new NonRetryableError('BAD_CONFIG', `Webhook URL is not a valid URL: ${rawUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NonRetryableError('BAD_CONFIG', `Webhook URL must use http or https, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new NonRetryableError('BAD_CONFIG', 'Webhook URL must not carry credentials; use headers instead');
  }
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;

  let addresses: VettedAddress[];
  const literal = isIP(hostname);
  if (literal !== 0) {
    addresses = [{ address: hostname, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.lookup ?? systemLookup)(hostname);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw new RetryableError('TRIGGER_WEBHOOK_ERROR', `Could not resolve webhook host ${hostname}${typeof code === 'string' ? ` (${code})` : ''}`, {
        cause: err,
        info: { host: hostname },
      });
    }
    if (addresses.length === 0) {
      throw new RetryableError('TRIGGER_WEBHOOK_ERROR', `Webhook host ${hostname} resolved to no address`, { info: { host: hostname } });
    }
  }

  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const reason = nonPublicReason(address);
      if (reason !== undefined) {
        const via = address === hostname ? '' : ` (${hostname} resolves to ${address})`;
        throw new NonRetryableError('BAD_CONFIG', `Webhook target ${address}${via} is refused: ${reason} addresses are not allowed`, {
          info: { host: hostname, address, reason },
        });
      }
    }
  }
  return { url, hostname, addresses };
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | VettedAddress[], family?: number) => void;

/**
 * A `lookup` for `http.request` that answers with the vetted addresses only, so the socket
 * connects to what was checked. Handles both the single-address and the `all: true` form
 * (Node asks for all addresses when it races IPv4 and IPv6).
 */
export function pinnedLookup(addresses: readonly VettedAddress[]) {
  return (_hostname: string, options: { all?: boolean; family?: number | string } | number, callback: LookupCallback): void => {
    const opts = typeof options === 'object' ? options : { family: options };
    const wanted = opts.family === 4 || opts.family === 'IPv4' ? 4 : opts.family === 6 || opts.family === 'IPv6' ? 6 : undefined;
    const usable = wanted === undefined ? addresses : addresses.filter((a) => a.family === wanted);
    const first = usable[0];
    if (first === undefined) {
      const err: NodeJS.ErrnoException = new Error(`no vetted IPv${wanted ?? ''} address`);
      err.code = 'ENOTFOUND';
      callback(err, opts.all ? [] : '', undefined);
      return;
    }
    if (opts.all) callback(null, usable.map((a) => ({ ...a })));
    else callback(null, first.address, first.family);
  };
}

/**
 * Why an IP address is not a public unicast address, or undefined when it is. IPv6 forms
 * that embed an IPv4 address (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64
 * `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address they carry.
 */
export function nonPublicReason(address: string): string | undefined {
  const kind = isIP(address);
  if (kind === 4) return ipv4Reason(parseIPv4(address));
  if (kind === 6) {
    const zoneless = address.split('%')[0] ?? address;
    return ipv6Reason(parseIPv6(zoneless));
  }
  return 'unparseable';
}

const IPV4_RANGES: ReadonlyArray<readonly [base: readonly number[], bits: number, reason: string]> = [
  [[0, 0, 0, 0], 8, 'unspecified ("this network")'],
  [[10, 0, 0, 0], 8, 'private'],
  [[100, 64, 0, 0], 10, 'carrier-grade NAT'],
  [[127, 0, 0, 0], 8, 'loopback'],
  [[169, 254, 0, 0], 16, 'link-local'],
  [[172, 16, 0, 0], 12, 'private'],
  [[192, 0, 0, 0], 24, 'IETF protocol assignment'],
  [[192, 168, 0, 0], 16, 'private'],
  [[198, 18, 0, 0], 15, 'benchmarking'],
  [[224, 0, 0, 0], 4, 'multicast'],
  [[240, 0, 0, 0], 4, 'reserved'],
];

function ipv4Reason(bytes: readonly number[]): string | undefined {
  for (const [base, bits, reason] of IPV4_RANGES) {
    if (prefixMatches(bytes, base, bits, 8)) return reason;
  }
  return undefined;
}

function ipv6Reason(groups: readonly number[]): string | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const embedded = [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 0) return 'unspecified';
  if (upperZero && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback';
  if (upperZero && g5 === 0xffff) return ipv4Reason(embedded); // IPv4-mapped
  if (upperZero && g5 === 0) return ipv4Reason(embedded) ?? 'IPv4-compatible (deprecated)';
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return ipv4Reason(embedded); // NAT64
  if (g0 === 0x2002) return ipv4Reason([g1 >> 8, g1 & 0xff, g2 >> 8, g2 & 0xff]); // 6to4
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'site-local';
  if ((g0 & 0xfe00) === 0xfc00) return 'private (unique local)';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return 'discard-only';
  return undefined;
}

function prefixMatches(value: readonly number[], base: readonly number[], bits: number, unitBits: number): boolean {
  let remaining = bits;
  for (let i = 0; remaining > 0; i += 1) {
    const take = Math.min(unitBits, remaining);
    const mask = ((1 << take) - 1) << (unitBits - take);
    if (((value[i] ?? 0) & mask) !== ((base[i] ?? 0) & mask)) return false;
    remaining -= take;
  }
  return true;
}

function parseIPv4(address: string): number[] {
  return address.split('.').map((part) => Number(part));
}

/** Eight 16-bit groups of a valid IPv6 address (validated by `isIP` before). */
function parseIPv6(address: string): number[] {
  let text = address.toLowerCase();
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = parseIPv4(dotted[1]);
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, -dotted[1].length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const toGroups = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const [head = '', rest] = text.split('::');
  const headGroups = toGroups(head);
  const restGroups = rest === undefined ? [] : toGroups(rest);
  const missing = 8 - headGroups.length - restGroups.length - tail.length;
  return [...headGroups, ...new Array<number>(Math.max(0, missing)).fill(0), ...restGroups, ...tail];
}
