// GET / : what this server offers, so a person (or a script) landing on the root finds its way.
// The route list is collected by the route policy (auth.ts), which sees every route.
import type { FastifyInstance } from 'fastify';
import { rootPlugin } from './root-plugin.ts';
import { ratchetVersion } from '../version.ts';

export const indexPlugin = rootPlugin('ratchet-index', async (server: FastifyInstance) => {
  server.get('/', { config: { access: 'public' }, schema: { hide: true } }, async () => ({
    name: 'ratchet',
    version: ratchetVersion(),
    docs: '/docs',
    openapi: '/api-docs/openapi.json',
    endpoints: server.ratchetRoutes
      // Swagger UI's asset routes are noise here; /docs itself is listed.
      .filter((r) => !/^\/docs\/./.test(r.path) && r.path !== '*')
      .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method)),
  }));
});
