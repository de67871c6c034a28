// `ratchet mcp --transport http`: a Fastify server with only /mcp (and /health), authenticated like
// `ratchet serve` (API keys with roles; required unless bound to loopback, per server.auth.required).
// On a loopback bind the Host header is checked too, against DNS rebinding; mcp.rate_limit applies.
// mcp.authentication "token" replaces API keys here, mcp.security applies, and mcp.enable_cors and
// mcp.max_connections are this listener's own.
import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import { hostHeaderValidation } from '@modelcontextprotocol/fastify';
import type { Ratchet } from '../app.ts';
import { assertKeysExist, authPlugin, authRequired, isLoopback, routePolicy } from './auth.ts';
import { installErrorHandling } from './errors.ts';
import { installJsonParser } from './json-parser.ts';
import { rateLimitPlugin } from './rate-limit.ts';
import { ipFilterPlugin, ipFilterRules } from './ip-filter.ts';
import { mcpBodyLimit, mcpPlugin, MCP_PATH } from '../api/mcp/route.ts';
import { mcpTokenCheck } from './mcp-token.ts';
import { noteListeningPort } from '../http/own-ports.ts';

export interface McpHttpServer {
  server: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startMcpHttpServer(
  app: Ratchet,
  opts: { host: string; port: number },
): Promise<McpHttpServer> {
  const mcpToken = mcpTokenCheck(app.config, MCP_PATH);
  // With a token configured, the token is how clients get in: no API key needs to exist.
  if (!mcpToken) await assertKeysExist(app, opts.host);
  const server = Fastify({ logger: false, bodyLimit: app.config.server.body_limit_bytes });
  await server.register(routePolicy);
  installErrorHandling(server, {
    bodyLimit: app.config.server.body_limit_bytes,
    routeBodyLimit: mcpBodyLimit(app),
  });
  installJsonParser(server);
  if (isLoopback(opts.host))
    server.addHook('onRequest', hostHeaderValidation(['localhost', '127.0.0.1', '[::1]']));
  await server.register(ipFilterPlugin, { rules: ipFilterRules(app.config, MCP_PATH, false) });
  // Before auth, as on `ratchet serve`: a flood is refused before any key lookup.
  await server.register(rateLimitPlugin, { mcp: { limits: app.config.mcp.rate_limit, path: MCP_PATH } });
  if (app.config.mcp.enable_cors)
    await server.register(cors, {
      origin: true,
      exposedHeaders: ['Mcp-Session-Id', 'Mcp-Protocol-Version', 'Retry-After', 'RateLimit-Reset'],
      methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    });
  await server.register(authPlugin, {
    app,
    required: mcpToken ? false : authRequired(app.config, opts.host),
    mcpToken,
  });
  server.get('/health', { config: { access: 'public' } }, async () => ({ status: 'ok' }));
  await server.register(mcpPlugin, { app });
  const maxConnections = app.config.mcp.max_connections;
  if (maxConnections !== undefined) server.server.maxConnections = maxConnections;
  await server.listen({ host: opts.host, port: opts.port });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  noteListeningPort(app.listeningPorts, port);
  const host =
    opts.host === '0.0.0.0' || opts.host === '::'
      ? '127.0.0.1'
      : opts.host.includes(':')
        ? `[${opts.host}]`
        : opts.host;
  return { server, url: `http://${host}:${port}${MCP_PATH}`, close: () => server.close() };
}
