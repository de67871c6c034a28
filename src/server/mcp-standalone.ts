// `ratchet mcp --transport http`: a Fastify server with only /mcp (and /health), authenticated like
// `ratchet serve` (API keys with roles; required unless bound to loopback, per server.auth.required).
// On a loopback bind the Host header is checked too, against DNS rebinding; mcp.rate_limit applies.
import Fastify, { type FastifyInstance } from 'fastify';
import { hostHeaderValidation } from '@modelcontextprotocol/fastify';
import type { Ratchet } from '../app.ts';
import { assertKeysExist, authPlugin, authRequired, isLoopback, routePolicy } from './auth.ts';
import { installErrorHandling } from './errors.ts';
import { installJsonParser } from './json-parser.ts';
import { rateLimitPlugin } from './rate-limit.ts';
import { mcpPlugin, MCP_PATH } from '../api/mcp/route.ts';
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
  await assertKeysExist(app, opts.host);
  const server = Fastify({ logger: false, bodyLimit: app.config.server.body_limit_bytes });
  await server.register(routePolicy);
  installErrorHandling(server, { bodyLimit: app.config.server.body_limit_bytes });
  installJsonParser(server);
  if (isLoopback(opts.host))
    server.addHook('onRequest', hostHeaderValidation(['localhost', '127.0.0.1', '[::1]']));
  // Before auth, as on `ratchet serve`: a flood is refused before any key lookup.
  await server.register(rateLimitPlugin, { mcp: { limits: app.config.mcp.rate_limit, path: MCP_PATH } });
  await server.register(authPlugin, { app, required: authRequired(app.config, opts.host) });
  server.get('/health', { config: { access: 'public' } }, async () => ({ status: 'ok' }));
  await server.register(mcpPlugin, { app });
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
