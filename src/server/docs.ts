// OpenAPI 3.1 generated from the route schemas (@fastify/swagger), served at
// /api-docs/openapi.json, and Swagger UI at /docs from the npm package's own assets (no CDN).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { rootPlugin } from './root-plugin.ts';
import { ratchetVersion } from './version.ts';

export const OPENAPI_PATH = '/api-docs/openapi.json';
export const DOCS_PREFIX = '/docs';

export const docsPlugin = rootPlugin('ratchet-docs', async (server: FastifyInstance) => {
  await server.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ratchet API',
        version: ratchetVersion(),
        description:
          'Run tasks, manage jobs, schedules and workers. Errors are `{ "error": { "code", "message", "status", "details"? } }`.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key `rk_<prefix>_<secret>` (ratchet apikey create)',
          },
        },
      },
      security: [{ apiKey: [] }],
    },
    // Our own helper routes and the UI's assets are not API operations.
    hideUntagged: false,
  });
  await server.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    // The UI loads its document from /docs/json, the same object as OPENAPI_PATH.
    // validatorUrl null: the UI would otherwise send the document to validator.swagger.io.
    uiConfig: { deepLinking: true, validatorUrl: null },
    staticCSP: true,
  });
  server.get(OPENAPI_PATH, { config: { access: 'public' }, schema: { hide: true } }, async () =>
    server.swagger(),
  );
});
