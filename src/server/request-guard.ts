// CSRF and DNS-rebinding defences (docs/server.md "CSRF and Host checks"). The default server is
// open on loopback with anonymous admin, so a web page the user visits must not be able to drive
// it: (1) the Host header must name this server (a rebinding page arrives with its own name),
// (2) a browser Origin other than our own must be allowed by server.cors.origins, and
// (3) a state-changing request must carry something a cross-site "simple" request cannot:
// a non-form Content-Type (application/json, …), an Authorization header, X-Requested-With or
// Mcp-Session-Id.
import { hostname, networkInterfaces } from 'node:os';
import type { FastifyRequest } from 'fastify';
import { isLoopback } from './auth.ts';
import { ApiError } from './errors.ts';
import { rootPlugin } from './root-plugin.ts';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const UNSPECIFIED = new Set(['0.0.0.0', '::', '']);
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// The content types a cross-site <form> or fetch() can send without a CORS preflight.
const SIMPLE_TYPES = new Set(['text/plain', 'multipart/form-data', 'application/x-www-form-urlencoded']);

function normalise(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/** The host part of a Host header value (`[::1]:8080` → `::1`, `a.example:80` → `a.example`). */
export function hostOf(header: string): string {
  const h = header.trim();
  if (h.startsWith('[')) return normalise(h.slice(0, h.indexOf(']') + 1));
  const colons = h.split(':').length - 1;
  return normalise(colons === 1 ? h.slice(0, h.indexOf(':')) : h);
}

/** The host names a request may address, or undefined when any is accepted (`"*"`). */
export function allowedHosts(bindAddress: string, configured: readonly string[]): Set<string> | undefined {
  if (configured.includes('*')) return undefined;
  const names = new Set(configured.map(normalise));
  const bind = normalise(bindAddress);
  names.add(bind);
  if (isLoopback(bind)) for (const n of LOOPBACK_NAMES) names.add(n);
  if (UNSPECIFIED.has(bind)) {
    // Every interface: this machine's own addresses and name, loopback included.
    for (const n of LOOPBACK_NAMES) names.add(n);
    names.add(normalise(hostname()));
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) names.add(normalise(a.address.replace(/%.*$/, '')));
  }
  return names;
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    return new URL(origin).host.toLowerCase() === host.trim().toLowerCase();
  } catch {
    return false;
  }
}

export interface GuardOptions extends Record<string, unknown> {
  bindAddress: string;
  allowedHosts: readonly string[];
  corsOrigins: readonly string[];
}

export const requestGuardPlugin = rootPlugin<GuardOptions>('ratchet-request-guard', async (server, opts) => {
  const hosts = allowedHosts(opts.bindAddress, opts.allowedHosts);
  const anyOrigin = opts.corsOrigins.includes('*');
  const origins = new Set(opts.corsOrigins);
  const check = (request: FastifyRequest) => {
    const host = request.headers.host;
    if (hosts && host !== undefined && !hosts.has(hostOf(host))) {
      throw new ApiError(
        403,
        'FORBIDDEN',
        `Host "${host}" is not a name of this server (bound to ${opts.bindAddress}); add it to server.allowed_hosts to serve it`,
        { reason: 'host' },
      );
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !anyOrigin && !origins.has(origin) && !sameOrigin(origin, host)) {
      throw new ApiError(
        403,
        'FORBIDDEN',
        `cross-origin request from ${origin} refused: it is not listed in server.cors.origins`,
        { reason: 'origin' },
      );
    }
    // Unknown routes change nothing: they get their 404.
    if (!MUTATING.has(request.method) || request.routeOptions.url === undefined) return;
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== '' && !SIMPLE_TYPES.has(type)) return;
    // Each of these headers makes a browser ask first (CORS preflight); Mcp-Session-Id is how an
    // MCP client ends its session (DELETE /mcp, no body).
    if (
      request.headers.authorization !== undefined ||
      request.headers['x-requested-with'] !== undefined ||
      request.headers['mcp-session-id'] !== undefined
    )
      return;
    throw new ApiError(
      403,
      'FORBIDDEN',
      `${request.method} needs a JSON body (Content-Type: application/json), an Authorization header or an X-Requested-With header (cross-site request protection)`,
      { reason: 'csrf' },
    );
  };
  server.addHook('onRequest', async (request) => {
    // CORS preflights are answered by the CORS plugin; they change nothing.
    if (request.method !== 'OPTIONS') check(request);
  });
});
