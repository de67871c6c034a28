// Network policy for outbound requests: which hosts a task may reach. Checked before the first
// request and again on every redirect hop, so a redirect cannot smuggle a request to a denied host.

export interface HostPolicy {
  allowedHosts: string[];
  deniedHosts: string[];
}

interface HostPattern {
  source: string;
  /** Lower-cased host (IPv6 in brackets); for wildcards, the suffix after `*.`. */
  host: string;
  wildcard: boolean;
  /** Undefined: any port. */
  port: number | undefined;
  any: boolean;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * Parses one pattern: `example.com`, `*.example.com` (subdomains only, not the apex), `host:port`,
 * `[::1]`, `[::1]:8080`, or `*` (every host).
 */
function parsePattern(source: string): HostPattern {
  const text = source.trim().toLowerCase();
  if (text === '*') return { source, host: '', wildcard: false, port: undefined, any: true };
  let host = text;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new Error(`invalid host pattern "${source}": missing "]" after the IPv6 address`);
    host = text.slice(0, close + 1);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':'))
        throw new Error(`invalid host pattern "${source}": expected ":port" after "]"`);
      portText = rest.slice(1);
    }
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      throw new Error(`invalid host pattern "${source}": port "${portText}" is not a number from 1 to 65535`);
    }
  }
  const wildcard = host.startsWith('*.');
  if (wildcard) host = host.slice(2);
  if (host === '' || host.includes('*')) {
    throw new Error(`invalid host pattern "${source}": use "host", "*.domain", "host:port" or "*"`);
  }
  return { source, host, wildcard, port, any: false };
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

function matches(pattern: HostPattern, host: string, port: number): boolean {
  if (pattern.any) return true;
  if (pattern.port !== undefined && pattern.port !== port) return false;
  if (pattern.wildcard) return host.endsWith(`.${pattern.host}`);
  return host === pattern.host;
}

/** Throws an Error naming the first invalid pattern; call at configuration time to fail early. */
export function validateHostPatterns(policy: HostPolicy): void {
  patternsOf(policy.allowedHosts);
  patternsOf(policy.deniedHosts);
}

/**
 * Decides whether `url` may be requested. Returns null when allowed, otherwise the reason.
 * Deny wins over allow; an empty allow list allows every host that is not denied.
 */
export function checkHostAllowed(url: string, policy: HostPolicy): string | null {
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
  // URL.hostname is already lower-cased and keeps IPv6 brackets; drop a trailing root dot.
  const host = parsed.hostname.endsWith('.') ? parsed.hostname.slice(0, -1) : parsed.hostname;
  const port = parsed.port === '' ? defaultPort : Number(parsed.port);
  const denied = patternsOf(policy.deniedHosts).find((p) => matches(p, host, port));
  if (denied) return `host "${host}:${port}" is denied by pattern "${denied.source}"`;
  const allowed = patternsOf(policy.allowedHosts);
  if (allowed.length > 0 && !allowed.some((p) => matches(p, host, port))) {
    return `host "${host}:${port}" is not in the allowed hosts (${policy.allowedHosts.join(', ')})`;
  }
  return null;
}
