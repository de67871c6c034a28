// Classifies IP addresses for the egress policy: which ones are not "the public internet" (loopback,
// private, link-local, cloud metadata, …) and so are denied to tasks unless configuration opens them.
// Pure: parses every spelling a URL or a resolver can produce (IPv4 short/decimal/hex/octal forms as
// inet_aton and the WHATWG URL parser read them, IPv6 with embedded or mapped IPv4) and never touches
// the network.

export interface IpAddress {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

/** Why an address is not public; the string is what errors show, e.g. "loopback". */
export type AddressKind =
  | 'loopback'
  | 'unspecified'
  | 'private'
  | 'link-local'
  | 'cloud metadata'
  | 'carrier-grade NAT'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

/** One IPv4 part as inet_aton reads it: decimal, `0x` hex or leading-zero octal. */
function parseV4Part(part: string): number | null {
  if (/^0[xX][0-9a-fA-F]*$/.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
  if (/^0[0-7]+$/.test(part)) return parseInt(part, 8);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return Number(part);
  return null;
}

/** `127.0.0.1`, `127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`, `0x7f.1` (a trailing dot is allowed). */
export function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length > 1 && parts.at(-1) === '') parts.pop();
  if (parts.length === 0 || parts.length > 4) return null;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseV4Part(part);
    if (n === null || !Number.isSafeInteger(n)) return null;
    numbers.push(n);
  }
  // All parts but the last are one byte each; the last fills the remaining bytes.
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return null;
  let value = last;
  numbers.forEach((n, i) => (value += n * 256 ** (3 - i)));
  return Uint8Array.of(value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);
}

function parseStrictDottedV4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p))) return null;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? Uint8Array.from(bytes) : null;
}

/** IPv6 with or without brackets, with `::`, an embedded dotted IPv4 tail, and a zone id (`%eth0`, ignored). */
export function parseIpv6(text: string): Uint8Array | null {
  let t = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  if (!t.includes(':')) return null;
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const pieces = s.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseStrictDottedV4(piece);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 255;
  });
  return bytes;
}

/** Any IP spelling (IPv6 with or without brackets); null when `text` is not an IP address (e.g. a name). */
export function parseIp(text: string): IpAddress | null {
  const v6 = parseIpv6(text);
  if (v6) return { family: 6, bytes: v6 };
  const v4 = parseIpv4(text);
  return v4 ? { family: 4, bytes: v4 } : null;
}

/** Canonical text: dotted IPv4, or compressed lower-case IPv6 (IPv4-mapped keeps its dotted tail). */
export function formatIp(ip: IpAddress): string {
  const b = ip.bytes;
  if (ip.family === 4) return b.join('.');
  if (inRange(ip, MAPPED)) return `::ffff:${[...b.slice(12)].join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((b[i * 2]! << 8) | b[i * 2 + 1]!).toString(16));
  // Compress the longest run of two or more zero groups (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

/** `10.0.0.0/8`, `fc00::/7`, `[fc00::]/7` or `[fc00::/7]`; null when not a CIDR range. */
export function parseCidr(text: string): Cidr | null {
  const t =
    text.startsWith('[') && text.endsWith(']') && text.includes('/') && !text.includes(']/')
      ? text.slice(1, -1)
      : text;
  const slash = t.lastIndexOf('/');
  if (slash < 0) return null;
  const addr = t.slice(0, slash).replace(/^\[(.*)\]$/, '$1');
  const prefixText = t.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  const v6 = parseIpv6(addr);
  const ip = v6 ? { family: 6 as const, bytes: v6 } : parseStrictV4Cidr(addr);
  if (!ip || prefix > ip.bytes.length * 8) return null;
  return { family: ip.family, bytes: ip.bytes, prefix };
}

function parseStrictV4Cidr(text: string): IpAddress | null {
  const bytes = parseStrictDottedV4(text);
  return bytes ? { family: 4, bytes } : null;
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad built-in range ${text}`);
  return parsed;
}

/** Whether ip lies in range (same family only; IPv4-mapped IPv6 is unwrapped by classifyIp, not here). */
export function inRange(ip: IpAddress, range: Cidr): boolean {
  if (ip.family !== range.family) return false;
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const left = Math.min(8, range.prefix - bit);
    const mask = (0xff << (8 - left)) & 0xff;
    if ((ip.bytes[bit / 8]! & mask) !== (range.bytes[bit / 8]! & mask)) return false;
  }
  return true;
}

export function sameIp(a: IpAddress, b: IpAddress): boolean {
  return a.family === b.family && a.bytes.every((byte, i) => byte === b.bytes[i]);
}

const MAPPED = cidr('::ffff:0:0/96');

/** Metadata services of the big clouds (AWS, GCP, Azure, Oracle, Alibaba, AWS ECS/EKS credentials). */
const METADATA_ADDRESSES = [
  '169.254.169.254',
  '169.254.170.2',
  '169.254.170.23',
  '100.100.100.200',
  'fd00:ec2::254',
  'fd00:ec2::23',
].map((a) => parseIp(a)!);

/** Names that reach a metadata service without DNS (GCP's resolver, EC2's search domain). */
export const METADATA_NAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

// Checked in order, so a more specific range (cloud metadata) is named before the wider one.
const V4_RANGES: [Cidr, AddressKind][] = [
  [cidr('0.0.0.0/32'), 'unspecified'],
  [cidr('0.0.0.0/8'), 'unspecified'],
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('10.0.0.0/8'), 'private'],
  [cidr('172.16.0.0/12'), 'private'],
  [cidr('192.168.0.0/16'), 'private'],
  [cidr('169.254.0.0/16'), 'link-local'],
  [cidr('100.64.0.0/10'), 'carrier-grade NAT'],
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('255.255.255.255/32'), 'broadcast'],
  [cidr('240.0.0.0/4'), 'reserved'],
  [cidr('192.0.0.0/24'), 'reserved'],
  [cidr('192.0.2.0/24'), 'reserved'],
  [cidr('198.18.0.0/15'), 'reserved'],
  [cidr('198.51.100.0/24'), 'reserved'],
  [cidr('203.0.113.0/24'), 'reserved'],
];

const V6_RANGES: [Cidr, AddressKind][] = [
  [cidr('::/128'), 'unspecified'],
  [cidr('::1/128'), 'loopback'],
  [cidr('fc00::/7'), 'private'],
  [cidr('fec0::/10'), 'private'],
  [cidr('64:ff9b:1::/48'), 'private'],
  [cidr('fe80::/10'), 'link-local'],
  [cidr('ff00::/8'), 'multicast'],
  [cidr('100::/64'), 'reserved'],
  [cidr('2001:db8::/32'), 'reserved'],
  // IPv4-compatible (deprecated): never a real destination.
  [cidr('::/96'), 'reserved'],
];

/** IPv6 forms that carry an IPv4 address a connection may end up at: mapped, NAT64 and 6to4. */
function embeddedV4(ip: IpAddress): IpAddress | null {
  if (ip.family !== 6) return null;
  if (inRange(ip, MAPPED) || inRange(ip, NAT64)) return { family: 4, bytes: ip.bytes.slice(12) };
  if (inRange(ip, SIX_TO_FOUR)) return { family: 4, bytes: ip.bytes.slice(2, 6) };
  return null;
}
const NAT64 = cidr('64:ff9b::/96');
const SIX_TO_FOUR = cidr('2002::/16');

/** Why `ip` is not a public address, or null when it is public. */
export function classifyIp(ip: IpAddress): AddressKind | null {
  const inner = embeddedV4(ip);
  if (inner) return classifyIp(inner);
  if (METADATA_ADDRESSES.some((m) => sameIp(m, ip))) return 'cloud metadata';
  const ranges = ip.family === 4 ? V4_RANGES : V6_RANGES;
  return ranges.find(([range]) => inRange(ip, range))?.[1] ?? null;
}

/** The address a connection to `ip` really reaches (IPv4-mapped IPv6 unwrapped), for comparisons. */
export function effectiveIp(ip: IpAddress): IpAddress {
  return ip.family === 6 && inRange(ip, MAPPED) ? { family: 4, bytes: ip.bytes.slice(12) } : ip;
}

/** Lower case, without brackets or a trailing root dot: how names and literals are compared. */
export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.') && h.length > 1) h = h.slice(0, -1);
  return h;
}

/** "cloud metadata" for a metadata service name (any case, trailing dot), else null. */
export function classifyName(host: string): AddressKind | null {
  return METADATA_NAMES.has(normaliseHost(host)) ? 'cloud metadata' : null;
}
