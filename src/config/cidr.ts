// CIDR ranges ("10.0.0.0/8", "fd00::/8", or a single address) for IP filtering. node's net.BlockList
// does the matching for IPv4 and IPv6 (an IPv4-mapped IPv6 client address such as ::ffff:10.1.2.3
// matches an IPv4 range), so parsing here only splits and checks the text.
import { BlockList, isIP } from 'node:net';

export interface CidrRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** The range a text names, or a sentence saying why it is not one. */
export function parseCidr(text: string): CidrRange | string {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return 'has more than one "/"';
  const version = isIP(address);
  if (version === 0) return `"${address}" is not an IPv4 or IPv6 address`;
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(max)) || prefix > max)
    return `prefix length must be 0–${max} for an IPv${version} address`;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** A BlockList of ranges already checked by the configuration schema. */
export function blockListOf(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const text of ranges) {
    const range = parseCidr(text);
    if (typeof range === 'string') throw new Error(`${text}: ${range}`);
    list.addSubnet(range.address, range.prefix, range.family);
  }
  return list;
}
