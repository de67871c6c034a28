// GET / : what this server offers, so a person (or a script) landing on the root finds its way.
// The route list is collected by the route policy (auth.ts), which sees every route. A browser
// (asking for HTML) is sent to the dashboard when this build has one; API clients get the JSON.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { rootPlugin } from './root-plugin.ts';
import { ratchetVersion } from '../version.ts';

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /\btext\/html\b/.test(accept);
}

export const indexPlugin = rootPlugin<{ ui?: string }>(
  'ratchet-index',
  async (server: FastifyInstance, opts) => {
    server.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      if (opts.ui !== undefined && wantsHtml(request)) return reply.redirect(opts.ui, 302);
      return {
        name: 'ratchet',
        version: ratchetVersion(),
        docs: '/docs',
        openapi: '/api-docs/openapi.json',
        ...(opts.ui !== undefined ? { dashboard: opts.ui } : {}),
        endpoints: server.ratchetRoutes
          // Swagger UI's and the dashboard's asset routes are noise here; /docs and /ui/ are listed.
          .filter((r) => !/^\/docs\/./.test(r.path) && !/^\/ui\/./.test(r.path) && r.path !== '*')
          .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method)),
      };
    });
  },
);
