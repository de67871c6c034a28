// One structured access-log line per request (instead of Fastify's two), with what operators
// filter on: method, route pattern, status, duration, actor, request id (pino's `requestId`).
// Probes and scrapes log at debug so a load balancer polling /health does not flood the log.
import type { FastifyInstance } from 'fastify';
import { rootPlugin } from './root-plugin.ts';

const QUIET = new Set(['/health', '/live', '/ready', '/metrics']);

export const accessLogPlugin = rootPlugin('ratchet-access-log', async (server: FastifyInstance) => {
  server.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    const level =
      route !== undefined && QUIET.has(route) ? 'debug' : reply.statusCode >= 500 ? 'error' : 'info';
    // Build the entry only when it will be written (logging.level warn drops every 2xx line; the
    // silent logger of `logger: false` has no isLevelEnabled and writes nothing).
    const log = request.log as typeof request.log & { isLevelEnabled?: (level: string) => boolean };
    if (typeof log.isLevelEnabled !== 'function' || !log.isLevelEnabled(level)) return;
    const principal = request.principal as typeof request.principal | null;
    const entry = {
      method: request.method,
      url: request.url,
      route: route ?? null,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      actor: principal?.kind === 'key' ? principal.name : principal ? 'anonymous' : null,
      ip: request.ip,
    };
    request.log[level](entry, 'request');
  });
});
