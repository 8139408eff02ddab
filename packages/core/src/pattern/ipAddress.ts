/**
 * IP address handling as Event Ruler does it (`CIDR.java`): a string is only treated as an
 * address when it has the shape of a dotted quad or of colon-hex, and it is then read the way
 * `java.net.InetAddress` reads a literal. Addresses are kept as fixed-width hex strings
 * (8 digits for IPv4, 32 for IPv6) so that a CIDR block is a plain string range.
 */

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
// Same shape test as Event Ruler: hex digits and colons, at least one colon; no dots, no zone.
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const MASK_SHAPE = /^[+-]?[0-9]+$/;

const HEX = '0123456789abcdef';

function toHex(bytes: readonly number[]): string {
  let out = '';
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!;
  return out;
}

function parseIpv4(text: string): number[] | undefined {
  const bytes: number[] = [];
  for (const part of text.split('.')) {
    // Octets are decimal even with leading zeros (`010` is ten), as InetAddress reads them.
    const value = Number(part);
    if (!Number.isInteger(value) || value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

function parseIpv6(text: string): number[] | undefined {
  if (text.length < 2) return undefined;
  if (text.startsWith(':') && !text.startsWith('::')) return undefined;
  if (text.endsWith(':') && !text.endsWith('::')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string): number[] | undefined => {
    if (half === '') return [];
    const groups: number[] = [];
    for (const group of half.split(':')) {
      if (group.length === 0 || group.length > 4) return undefined;
      groups.push(parseInt(group, 16));
    }
    return groups;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const explicit = head.length + tail.length;
  let groups: number[];
  if (halves.length === 2) {
    // `::` must stand for at least one group of zeros.
    if (explicit > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...tail];
  } else {
    if (explicit !== 8) return undefined;
    groups = head;
  }
  const bytes: number[] = [];
  for (const g of groups) bytes.push(g >> 8, g & 255);
  // InetAddress turns an IPv4-mapped IPv6 address (::ffff:a.b.c.d) into the IPv4 address.
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255;
  return mapped ? bytes.slice(12) : bytes;
}

function parseIpBytes(text: string): number[] | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (IPV6_SHAPE.test(text)) return parseIpv6(text);
  return undefined;
}

/** The address as 8 or 32 lowercase hex digits, or undefined when the string is not an IP literal. */
export function ipToHex(text: string): string | undefined {
  const bytes = parseIpBytes(text);
  return bytes ? toHex(bytes) : undefined;
}

export interface CidrRange {
  readonly min: string;
  readonly max: string;
}

export type CidrResult = { readonly ok: true; readonly range: CidrRange } | { readonly ok: false; readonly message: string };

/** Parses `address/bits` with Event Ruler's rules (IPv4 mask 0–31, IPv6 mask 0–127). */
export function parseCidr(text: string): CidrResult {
  // Java's String.split drops trailing empty parts, so "10.0.0.0/" has no mask at all.
  const parts = text.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 2) return { ok: false, message: "malformed CIDR, exactly one '/' is required" };
  const [address, maskText] = parts as [string, string];
  const bits = MASK_SHAPE.test(maskText) ? Number(maskText) : Number.NaN;
  if (!Number.isInteger(bits) || Math.abs(bits) > 2 ** 31 - 1) {
    return { ok: false, message: 'malformed CIDR, mask bits must be an integer' };
  }
  if (bits < 0) return { ok: false, message: 'malformed CIDR, mask bits must not be negative' };
  if (!IPV4_SHAPE.test(address) && !IPV6_SHAPE.test(address)) {
    return { ok: false, message: `nonstandard IP address: ${address}` };
  }
  const bytes = parseIpBytes(address);
  if (!bytes) return { ok: false, message: `invalid IP address: ${address}` };
  const width = bytes.length * 8;
  if (bits > width - 1) {
    return { ok: false, message: `${bytes.length === 4 ? 'IPv4' : 'IPv6'} mask bits must be < ${width}` };
  }
  const min: number[] = [];
  const max: number[] = [];
  bytes.forEach((b, i) => {
    const fixed = Math.max(0, Math.min(8, bits - i * 8));
    const hostMask = (1 << (8 - fixed)) - 1;
    min.push(b & ~hostMask & 255);
    max.push((b | hostMask) & 255);
  });
  return { ok: true, range: { min: toHex(min), max: toHex(max) } };
}

/** True when the address (hex form) lies in the block; an IPv4 block never holds an IPv6 address. */
export function cidrContains(range: CidrRange, hex: string): boolean {
  return hex.length === range.min.length && hex >= range.min && hex <= range.max;
}
