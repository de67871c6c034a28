// Egress policy for outbound requests (task fetches and webhooks): which destinations may be reached.
// Two checks use it: checkHostAllowed on each URL (before the first request and on every redirect
// hop, for early and readable refusals) and checkConnection on the address a connection is about
// to be made to (src/http/egress-connect.ts), which is the one that cannot be bypassed by spelling
// or DNS. Non-public addresses (src/http/address.ts) are denied unless an allowed_hosts entry names
// them; the ports this Ratchet process serves on are denied unless an entry names that exact port.
import {
  classifyIp,
  classifyName,
  effectiveIp,
  formatIp,
  inRange,
  normaliseHost,
  parseCidr,
  parseIp,
  sameIp,
} from './address.ts';
import type { AddressKind, Cidr, IpAddress } from './address.ts';

export interface HostPolicy {
  allowedHosts: string[];
  deniedHosts: string[];
  /**
   * Entries that open what they name without restricting anything else (`--allow-host`): with an
   * empty allowedHosts every public host stays reachable.
   */
  alsoAllowedHosts?: string[];
  /** Ports this Ratchet serves on (REST, MCP): unreachable on a local address unless an entry names the port. */
  ownPorts?: number[];
}

type Target =
  | { kind: 'any' }
  | { kind: 'name'; host: string }
  | { kind: 'wildcard'; suffix: string }
  | { kind: 'ip'; ip: IpAddress }
  | { kind: 'cidr'; range: Cidr };

interface HostPattern {
  source: string;
  target: Target;
  /** Undefined: any port. */
  port: number | undefined;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

function splitPort(source: string, text: string): { host: string; portText: string | undefined } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new Error(`invalid host pattern "${source}": missing "]" after the IPv6 address`);
    const rest = text.slice(close + 1);
    if (rest === '') return { host: text.slice(0, close + 1), portText: undefined };
    if (!rest.startsWith(':'))
      throw new Error(`invalid host pattern "${source}": expected ":port" after "]"`);
    return { host: text.slice(0, close + 1), portText: rest.slice(1) };
  }
  // A bare IPv6 address or range (several colons) has no port; write `[::1]:8080` for one.
  if ((text.match(/:/g) ?? []).length > 1) return { host: text, portText: undefined };
  const colon = text.lastIndexOf(':');
  return colon < 0
    ? { host: text, portText: undefined }
    : { host: text.slice(0, colon), portText: text.slice(colon + 1) };
}

/**
 * Parses one pattern: `example.com`, `*.example.com` (subdomains only, not the apex), `host:port`,
 * an IP address (`10.0.0.5`, `[::1]`, `[::1]:8080`), a CIDR range (`10.0.0.0/8`, `10.0.0.0/8:443`,
 * `[fc00::/7]:443`), or `*` (every name; it does not open non-public addresses).
 */
function parsePattern(source: string): HostPattern {
  const text = source.trim().toLowerCase();
  if (text === '*') return { source, target: { kind: 'any' }, port: undefined };
  const { host: hostText, portText } = splitPort(source, text);
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      throw new Error(`invalid host pattern "${source}": port "${portText}" is not a number from 1 to 65535`);
    }
  }
  if (hostText.includes('/')) {
    const range = parseCidr(hostText);
    if (!range)
      throw new Error(`invalid host pattern "${source}": "${hostText}" is not a CIDR range like 10.0.0.0/8`);
    return { source, target: { kind: 'cidr', range }, port };
  }
  const ip = parseIp(hostText);
  if (ip) return { source, target: { kind: 'ip', ip: effectiveIp(ip) }, port };
  let host = normaliseHost(hostText);
  const wildcard = host.startsWith('*.');
  if (wildcard) host = host.slice(2);
  if (host === '' || host.includes('*') || host.includes('[') || host.includes(']')) {
    throw new Error(
      `invalid host pattern "${source}": use "host", "*.domain", "host:port", an address, a CIDR range or "*"`,
    );
  }
  return { source, target: wildcard ? { kind: 'wildcard', suffix: host } : { kind: 'name', host }, port };
}

// Patterns come from configuration and are reused for every request; parse each list once.
const parsedLists = new WeakMap<string[], HostPattern[]>();

function patternsOf(list: string[]): HostPattern[] {
  let parsed = parsedLists.get(list);
  if (!parsed) {
    parsed = list.map(parsePattern);
    parsedLists.set(list, parsed);
  }
  return parsed;
}

/** What a connection is made to: the name from the URL (lower case, no brackets) and, once known, its address. */
interface Destination {
  name: string;
  ip: IpAddress | undefined;
  port: number;
}

function matches(pattern: HostPattern, dest: Destination): boolean {
  if (pattern.port !== undefined && pattern.port !== dest.port) return false;
  const t = pattern.target;
  switch (t.kind) {
    case 'any':
      return true;
    case 'name':
      return dest.name === t.host;
    case 'wildcard':
      return dest.name.endsWith(`.${t.suffix}`);
    case 'ip':
      return dest.ip !== undefined && sameIp(effectiveIp(dest.ip), t.ip);
    case 'cidr':
      return dest.ip !== undefined && inRange(effectiveIp(dest.ip), t.range);
  }
}

/** Whether a pattern names the destination (so it may open a non-public one): `*` names nothing in particular. */
function names(pattern: HostPattern, dest: Destination): boolean {
  return pattern.target.kind !== 'any' && matches(pattern, dest);
}

/** Why `entry` is not a valid pattern, or null (for the configuration schema). */
export function hostPatternProblem(entry: string): string | null {
  try {
    parsePattern(entry);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Throws an Error naming the first invalid pattern; call at configuration time to fail early. */
export function validateHostPatterns(policy: HostPolicy): void {
  patternsOf(policy.allowedHosts);
  patternsOf(policy.alsoAllowedHosts ?? []);
  patternsOf(policy.deniedHosts);
}

function hostPort(name: string, port: number): string {
  return name.includes(':') ? `[${name}]:${port}` : `${name}:${port}`;
}

function howToAllow(entry: string): string {
  return `to allow it, add it to the configuration: http.allowed_hosts: ["${entry}"] (or pass --allow-host ${entry} to ratchet run-once / ratchet test)`;
}

/** Addresses a server of this machine may listen on: loopback, unspecified, and the given interface addresses. */
function isLocal(ip: IpAddress, localAddresses: IpAddress[]): boolean {
  const kind = classifyIp(ip);
  if (kind === 'loopback' || kind === 'unspecified') return true;
  const eff = effectiveIp(ip);
  return localAddresses.some((a) => sameIp(effectiveIp(a), eff));
}

const KIND_TEXT: Record<AddressKind, string> = {
  loopback: 'a loopback address',
  unspecified: 'an unspecified address',
  private: 'a private address',
  'link-local': 'a link-local address',
  'cloud metadata': 'a cloud metadata address',
  'carrier-grade NAT': 'a carrier-grade NAT address',
  multicast: 'a multicast address',
  broadcast: 'a broadcast address',
  reserved: 'a reserved address',
};

function check(dest: Destination, policy: HostPolicy, localAddresses: IpAddress[]): string | null {
  const target = hostPort(dest.name, dest.port);
  const address = dest.ip ? formatIp(dest.ip) : undefined;
  const resolved = address !== undefined && address !== dest.name ? ` (${address})` : '';
  const denied = patternsOf(policy.deniedHosts).find((p) => matches(p, dest));
  if (denied) return `host "${target}"${resolved} is denied by pattern "${denied.source}"`;
  const restricting = patternsOf(policy.allowedHosts);
  const allowed = [...restricting, ...patternsOf(policy.alsoAllowedHosts ?? [])];
  if (dest.ip && (policy.ownPorts ?? []).includes(dest.port) && isLocal(dest.ip, localAddresses)) {
    if (allowed.some((p) => p.port === dest.port && names(p, dest))) return null;
    return `${target}${resolved} is this Ratchet's own server port, which tasks and webhooks never reach unless an entry names that exact port; ${howToAllow(target)}`;
  }
  const nameKind = classifyName(dest.name);
  const kind = nameKind ?? (dest.ip ? classifyIp(dest.ip) : null);
  if (kind) {
    if (allowed.some((p) => names(p, dest))) return null;
    const what =
      nameKind !== null
        ? `${dest.name} is a cloud metadata service name`
        : resolved
          ? `${dest.name} resolves to ${address}, ${KIND_TEXT[kind]}`
          : `address ${address} is ${KIND_TEXT[kind]}`;
    return `${what}, which tasks and webhooks may not reach by default; ${howToAllow(target)}`;
  }
  if (restricting.length > 0 && !allowed.some((p) => matches(p, dest))) {
    // Address and range patterns can only be judged once the name is resolved (checkConnection).
    const byAddress = (p: HostPattern): boolean =>
      (p.target.kind === 'ip' || p.target.kind === 'cidr') && (p.port === undefined || p.port === dest.port);
    if (!dest.ip && allowed.some(byAddress)) return null;
    return `host "${target}"${resolved} is not in the allowed hosts (${policy.allowedHosts.join(', ')}); ${howToAllow(target)}`;
  }
  return null;
}

/**
 * Decides whether `url` may be requested, before connecting. Returns null when allowed so far,
 * otherwise the reason. IP literals (in any spelling the URL parser accepts) are checked in full;
 * names are checked for deny patterns, metadata names and the allow list, and their addresses are
 * checked again at connect time by checkConnection.
 */
export function checkHostAllowed(
  url: string,
  policy: HostPolicy,
  localAddresses: IpAddress[] = [],
): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a valid URL`;
  }
  const defaultPort = DEFAULT_PORTS[parsed.protocol];
  if (defaultPort === undefined) {
    return `protocol "${parsed.protocol}" is not allowed (only http: and https:)`;
  }
  const name = normaliseHost(parsed.hostname);
  const port = parsed.port === '' ? defaultPort : Number(parsed.port);
  const ip = parseIp(name) ?? undefined;
  return check({ name: ip ? formatIp(ip) : name, ip, port }, policy, localAddresses);
}

/**
 * The connect-time check: may a connection for `name` (as in the URL) go to `address` on `port`?
 * Null when allowed, otherwise the reason (naming the address, why, and the entry that allows it).
 */
export function checkConnection(
  name: string,
  address: IpAddress,
  port: number,
  policy: HostPolicy,
  localAddresses: IpAddress[] = [],
): string | null {
  return check({ name: normaliseHost(name), ip: address, port }, policy, localAddresses);
}
