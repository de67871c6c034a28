// The HTTP server as a list of Fastify plugins (DESIGN.md §3, §7). Order matters for hooks:
// request ids → access log → helmet → CORS → rate limit → auth → Host/Origin/CSRF guard → audit/metrics → routes.
// buildServer only composes; it opens nothing and listens nowhere (startServer does).
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import cors from '@fastify/cors';
import type { Ratchet } from '../app.ts';
import { authPlugin, authRequired, assertKeysExist, routePolicy } from './auth.ts';
import { installErrorHandling } from './errors.ts';
import { installJsonParser } from './json-parser.ts';
import { rateLimitPlugin } from './rate-limit.ts';
import { ipFilterPlugin, ipFilterRules } from './ip-filter.ts';
import { mcpTokenCheck } from './mcp-token.ts';
import { docsPlugin } from './docs.ts';
import { auditPlugin } from './audit.ts';
import { healthPlugin, type Readiness, createReadiness } from './health.ts';
import { metricsPlugin } from './metrics.ts';
import { indexPlugin } from './index-route.ts';
import { findUiDir, uiPlugin, UI_PATH } from './ui.ts';
import { accessLogPlugin } from './access-log.ts';
import { lazySchemaCompilers, rememberCompilers } from './lazy-schema-compilers.ts';
import { securityHeadersPlugin } from './security-headers.ts';
import { requestGuardPlugin } from './request-guard.ts';
import { prettyStream } from './log-format.ts';
import { logFileStream } from '../log-file.ts';
import { MCP_PATH, mcpBodyLimit, mcpPlugin } from '../api/mcp/route.ts';

export interface BuildServerOptions {
  /** Fastify/pino logger: false silences it; an object is merged with the configured level. */
  logger?: boolean | Record<string, unknown>;
  /** /ready answers 503 until this says ready; default: ready at once. */
  readiness?: Readiness;
  /** Address the server will listen on (auth `auto` decision); default server.bind_address. */
  bindAddress?: string;
  /** Extra plugins (tests: a route per access level), registered after the REST API. */
  plugins?: { plugin: FastifyPluginAsync<{ app: Ratchet }>; prefix?: string }[];
  /** HTTPS: key and certificate (PEM contents). */
  https?: { key: Buffer; cert: Buffer };
}

export const CORS_EXPOSED_HEADERS = [
  'X-Total-Count',
  'Content-Range',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'X-Request-Id',
];

const REQUEST_ID = /^[\w.:-]{1,128}$/;

function loggerOptions(app: Ratchet, opt: BuildServerOptions['logger']): boolean | Record<string, unknown> {
  if (opt === false) return false;
  const { level, format, destination, file_config } = app.config.logging;
  // logging.destination file: the request log goes to the rotated file instead of stdout.
  const out = destination === 'file' ? logFileStream(file_config) : undefined;
  const stream = format === 'pretty' ? prettyStream(out) : out;
  const base: Record<string, unknown> = { level, ...(stream ? { stream } : {}) };
  // logging.context.enabled false: no pid/hostname on request lines either (pino adds them by default).
  if (app.config.logging.context.enabled === false) base.base = null;
  return typeof opt === 'object' ? { ...base, ...opt } : base;
}

export async function buildServer(app: Ratchet, opts: BuildServerOptions = {}): Promise<FastifyInstance> {
  const cfg = app.config.server;
  const bindAddress = opts.bindAddress ?? cfg.bind_address;
  await assertKeysExist(app, bindAddress);
  const compilers = lazySchemaCompilers();
  const server = Fastify({
    logger: loggerOptions(app, opts.logger),
    bodyLimit: cfg.body_limit_bytes,
    // Honour a sane caller-supplied id so one id follows a request across services; else our own.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    // Our access-log plugin writes one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
    schemaController: { compilersFactory: compilers.compilersFactory },
    ...(opts.https ? { https: opts.https } : {}),
  }) as unknown as FastifyInstance;
  rememberCompilers(server, compilers);

  await server.register(routePolicy);
  await server.register(accessLogPlugin, {
    redaction: { headers: app.config.http.redact_headers, queryParams: app.config.http.redact_query_params },
  });
  server.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // First of the checks: a refused address costs no rate-limit slot and no key lookup.
  await server.register(ipFilterPlugin, { rules: ipFilterRules(app.config, MCP_PATH, true) });
  // Requests still running when shutdown begins answer with `Connection: close`: otherwise their
  // keep-alive sockets outlive the server by its keep-alive timeout (72 s) and hold the process.
  let closing = false;
  server.addHook('preClose', async () => {
    closing = true;
  });
  server.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  installErrorHandling(server, { bodyLimit: cfg.body_limit_bytes, routeBodyLimit: mcpBodyLimit(app) });
  installJsonParser(server);
  await server.register(securityHeadersPlugin, {
    helmet: {
      // Swagger UI is served from our own origin; its initializer is a script file, not inline.
      contentSecurityPolicy: {
        directives: { 'img-src': ["'self'", 'data:'], 'connect-src': ["'self'"] },
      },
      // Plain-HTTP local deployments must not be told to upgrade to HTTPS.
      hsts: opts.https !== undefined,
    },
  });
  await server.register(cors, {
    origin: cfg.cors.origins.includes('*') ? true : cfg.cors.origins.length > 0 ? cfg.cors.origins : false,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  });
  await server.register(rateLimitPlugin, {
    limits: cfg.rate_limit,
    mcp: { limits: app.config.mcp.rate_limit, path: MCP_PATH },
  });
  await server.register(docsPlugin);
  await server.register(authPlugin, {
    app,
    required: authRequired(app.config, bindAddress),
    mcpToken: mcpTokenCheck(app.config, MCP_PATH),
  });
  // After auth, so a missing or bad key is a 401 first; before any route runs.
  await server.register(requestGuardPlugin, {
    bindAddress,
    allowedHosts: cfg.allowed_hosts,
    corsOrigins: cfg.cors.origins,
  });
  await server.register(auditPlugin, { app });
  await server.register(metricsPlugin, { app });
  await server.register(healthPlugin, { app, readiness: opts.readiness ?? createReadiness(true) });
  // The dashboard, when this build has it (npm run build puts it in dist/web).
  const uiDir = findUiDir();
  await server.register(indexPlugin, uiDir === undefined ? {} : { ui: UI_PATH });
  if (uiDir !== undefined) await server.register(uiPlugin(uiDir));
  // The API faces (api/rest, api/graphql) are imported here, not at the top: they import server/
  // (errors, auth), and static imports point one way (test/layers.test.ts). Named literally so the
  // CLI's bundle (tools/bundle.ts) holds them: a face loaded from its own file beside the bundle
  // would bring a second copy of the modules it shares with the server (error classes among them,
  // which `instanceof` would tell apart).
  const { default: rest } = await import('../api/rest/index.ts');
  await server.register(rest, { prefix: '/api/v1', app });
  // GraphQL at /graphql (+ the playground): the same services, keys and roles as REST.
  if (app.config.graphql.enabled) {
    const { default: graphql } = await import('../api/graphql/index.ts');
    await server.register(graphql, { app, bindAddress });
  }
  // MCP at /mcp: the route needs read access; each tool's own access level is enforced inside.
  if (app.config.mcp.enabled) await server.register(mcpPlugin, { app });
  for (const p of opts.plugins ?? []) await server.register(p.plugin, { prefix: p.prefix ?? '', app });
  // Not ready()-ed here: callers may still add plugins; listen()/inject()/ready() load everything,
  // and a route without config.access fails then, before any request is served.
  return server;
}
