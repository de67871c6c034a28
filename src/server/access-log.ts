// One structured access-log line per request (instead of Fastify's two), with what operators
// filter on: method, route pattern, status, duration, actor, request id (pino's `requestId`).
// Probes and scrapes log at debug so a load balancer polling /health does not flood the log.
import type { FastifyInstance } from 'fastify';
import { rootPlugin } from './root-plugin.ts';

const QUIET = new Set(['/health', '/live', '/ready', '/metrics']);

export const accessLogPlugin = rootPlugin('ratchet-access-log', async (server: FastifyInstance) => {
  server.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
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
    if (route !== undefined && QUIET.has(route)) request.log.debug(entry, 'request');
    else if (reply.statusCode >= 500) request.log.error(entry, 'request');
    else request.log.info(entry, 'request');
  });
});
