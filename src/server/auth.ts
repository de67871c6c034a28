// Authentication (API keys, `Authorization: Bearer rk_…`) and authorisation (role → access level)
// for every route. Each route declares `config: { access }`; a route without one is refused when
// it is registered, so nobody can add an endpoint and forget to protect it.
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Ratchet } from '../app.ts';
import { allows, isAccess, minimumRole, type Access, type Principal } from '../services/roles.ts';
import { countActiveKeys, createUsageRecorder, verifyKey } from '../services/api-keys.ts';
import { ApiError } from './errors.ts';
import type { McpTokenCheck } from './mcp-token.ts';
import { rootPlugin } from './root-plugin.ts';

export { ROLES, ROLE_NAMES, allows, isRole, minimumRole } from '../services/roles.ts';
export type { Access, Principal, Role } from '../services/roles.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyInstance {
    /** Every route registered so far with its access level (GET / lists them). */
    ratchetRoutes: RouteEntry[];
    /** Whether this server needs an API key (server.auth.required resolved for its address). */
    ratchetAuthRequired: boolean;
  }
}

/** Routes that plugins we do not own register: Swagger UI assets, the CORS preflight catch-all. */
const THIRD_PARTY_PUBLIC = [/^\/docs(\/|$)/, /^\/?\*$/];

/**
 * Fails route registration when `config.access` is missing or not a known level. Install before
 * any route is added (onRoute sees only routes registered after it).
 */
export interface RouteEntry {
  method: string;
  path: string;
  access: Access;
}

export const routePolicy = rootPlugin('ratchet-route-policy', async (server: FastifyInstance) => {
  const routes: RouteEntry[] = [];
  server.decorate('ratchetRoutes', routes);
  server.addHook('onRoute', (route: RouteOptions) => {
    const record = (access: Access) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) if (method !== 'HEAD') routes.push({ method, path: route.url, access });
    };
    const config = (route.config ?? {}) as { access?: unknown };
    if (config.access === undefined && THIRD_PARTY_PUBLIC.some((re) => re.test(route.url))) {
      route.config = { ...config, access: 'public' };
      record('public');
      return;
    }
    if (!isAccess(config.access)) {
      const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
      throw new Error(
        `route ${methods} ${route.url} declares no valid access level: add config: { access: 'public' | 'read' | 'run' | 'write' | 'admin' } to its options`,
      );
    }
    record(config.access);
  });
});

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;

export function isLoopback(address: string): boolean {
  return LOOPBACK.test(address.trim().replace(/^\[|\]$/g, ''));
}

/** server.auth.required resolved: `auto` → required unless listening on loopback only. */
export function authRequired(config: Ratchet['config'], bindAddress = config.server.bind_address): boolean {
  const r = config.server.auth.required;
  return r === 'auto' ? !isLoopback(bindAddress) : r;
}

export const CREATE_KEY_HINT = 'ratchet apikey create --name admin --role admin';

/** Refuses to start a server that requires keys when none exists (nobody could use it). */
export async function assertKeysExist(app: Ratchet, bindAddress: string): Promise<void> {
  if (!authRequired(app.config, bindAddress)) return;
  if ((await countActiveKeys(app.store.db)) > 0) return;
  const why =
    app.config.server.auth.required === true
      ? 'server.auth.required is true'
      : `server.bind_address ${bindAddress} is not a loopback address (server.auth.required: auto)`;
  throw new Error(
    `authentication is required (${why}) but no active API key exists; create one first with: ${CREATE_KEY_HINT}` +
      ` (same --config), or bind to 127.0.0.1, or set server.auth.required: false`,
  );
}

/**
 * The key a request presents: `Authorization: Bearer <key>`, or `X-API-Key: <key>` (what many
 * clients and the GraphQL playground send). Both at once must agree.
 */
export function presentedKey(headers: Record<string, unknown>): string | undefined {
  const h = headers.authorization;
  const x = headers['x-api-key'];
  let fromBearer: string | undefined;
  if (h !== undefined) {
    const m = typeof h === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
    if (!m) throw new ApiError(401, 'UNAUTHORIZED', 'Authorization header must be "Bearer <API key>"');
    fromBearer = m[1];
  }
  if (x === undefined) return fromBearer;
  if (typeof x !== 'string' || !/^\S+$/.test(x.trim()))
    throw new ApiError(401, 'UNAUTHORIZED', 'X-API-Key header must hold one API key');
  if (fromBearer !== undefined && fromBearer !== x.trim())
    throw new ApiError(401, 'UNAUTHORIZED', 'Authorization and X-API-Key name different keys; send one');
  return x.trim();
}

function bearer(request: FastifyRequest): string | undefined {
  return presentedKey(request.headers);
}

const REASONS = {
  malformed: 'is not a Ratchet API key (expected rk_<prefix>_<secret>)',
  unknown: 'is not valid',
  revoked: 'has been revoked',
  expired: 'has expired',
} as const;

export interface AuthOptions extends Record<string, unknown> {
  app: Ratchet;
  required: boolean;
  /** mcp.authentication.method "token": requests to its path need the token or an API key. */
  mcpToken?: McpTokenCheck;
}

const API_KEY_SHAPE = /^rk_/;

/**
 * The principal of a presented API key; a 401 ApiError naming why the key is refused. Used by the
 * request hook and by faces that authenticate outside a request (GraphQL's connection_init).
 */
export async function authenticateKey(
  app: Ratchet,
  presented: string,
  recordUse?: (keyId: number) => void,
): Promise<Principal & { kind: 'key' }> {
  const res = await verifyKey(app.store.db, presented);
  if (!res.ok) {
    const prefix = /^rk_([a-z0-9]{8})_/.exec(presented)?.[1];
    const which = prefix ? `API key rk_${prefix}_…` : 'the API key';
    throw new ApiError(401, 'UNAUTHORIZED', `${which} ${REASONS[res.reason]}`);
  }
  recordUse?.(res.key.id);
  return { kind: 'key', keyId: res.key.id, name: res.key.name, role: res.key.role };
}

/** Sets request.principal on every request and enforces the route's access level. */
export const authPlugin = rootPlugin<AuthOptions>('ratchet-auth', async (server, opts) => {
  const { app, required } = opts;
  const recordUse = createUsageRecorder(app.store.db);
  const anonymous: Principal = { kind: 'anonymous', role: 'admin' };
  server.decorate('ratchetAuthRequired', required);
  // Null until the auth hook runs (the decorator's initial value must not be a shared object).
  server.decorateRequest('principal', null as never);
  const { mcpToken } = opts;
  server.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access ?? 'public';
    const presented = bearer(request);
    if (mcpToken && request.url.split('?', 1)[0] === mcpToken.path) {
      if (presented === undefined)
        throw new ApiError(
          401,
          'UNAUTHORIZED',
          'this MCP server requires a token (mcp.authentication.method: token): send Authorization: Bearer <token>',
        );
      if (!API_KEY_SHAPE.test(presented)) {
        if (!mcpToken.matches(presented))
          throw new ApiError(401, 'UNAUTHORIZED', 'the MCP token is not valid (mcp.authentication)');
        request.principal = { kind: 'token', name: 'mcp-token', role: 'admin' };
        return;
      }
    }
    if (presented === undefined) {
      if (required && access !== 'public')
        throw new ApiError(401, 'UNAUTHORIZED', 'an API key is required: send Authorization: Bearer <key>');
      request.principal = anonymous;
      return;
    }
    // A presented key is always checked, even where none is required: a bad key is a client bug.
    const principal = await authenticateKey(app, presented, recordUse);
    request.principal = principal;
    if (!allows(principal.role, access)) {
      throw new ApiError(
        403,
        'FORBIDDEN',
        `this endpoint needs ${access} access (role ${minimumRole(access)} or higher); key "${principal.name}" has role ${principal.role}`,
        { requiredAccess: access, role: principal.role },
      );
    }
  });
});
