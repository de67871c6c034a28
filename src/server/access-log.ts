// One structured access-log line per request (instead of Fastify's two), with what operators
// filter on: method, route pattern, status, duration, actor, request id (pino's `requestId`).
// Probes and scrapes log at debug so a load balancer polling /health does not flood the log.
import type { FastifyInstance } from 'fastify';
import { DEFAULT_REDACTION_RULES, redactUrl, type RedactionRules } from '../redaction/index.ts';
import { rootPlugin } from './root-plugin.ts';

const QUIET = new Set(['/health', '/api/v1/health', '/live', '/ready', '/metrics']);

export const accessLogPlugin = rootPlugin<{ redaction?: RedactionRules }>(
  'ratchet-access-log',
  async (server: FastifyInstance, opts) => {
    const rules = opts.redaction ?? DEFAULT_REDACTION_RULES;
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
        // A client passing a key or token in the query string does not get it written to the log.
        url: redactUrl(request.url, rules),
        route: route ?? null,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        actor: principal && 'name' in principal ? principal.name : principal ? 'anonymous' : null,
        ip: request.ip,
      };
      request.log[level](entry, 'request');
    });
  },
);
