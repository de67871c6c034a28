// OpenAPI 3.1 generated from the route schemas (@fastify/swagger), served at
// /api-docs/openapi.json, and Swagger UI at /docs from the npm package's own assets (no CDN).
// The UI (@fastify/swagger-ui with @fastify/static, glob, send, mime) is ~250 KB of module source
// that an idle server would keep resident, so it lives in a small Fastify instance of its own,
// built on the first /docs request; the main server forwards /docs and /docs/* to it. Its
// /docs/json and /docs/yaml read the main server's document.
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { rootPlugin } from './root-plugin.ts';
import { ratchetVersion } from '../version.ts';

export const OPENAPI_PATH = '/api-docs/openapi.json';
export const DOCS_PREFIX = '/docs';

// Hop-by-hop and framing headers: the main server sets its own for the forwarded body.
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date']);

async function buildUi(main: FastifyInstance): Promise<FastifyInstance> {
  const { default: swaggerUi } = await import('@fastify/swagger-ui');
  const ui = Fastify({ logger: false });
  // swagger-ui declares a dependency on the plugin named @fastify/swagger; the document is the main
  // server's, so a plugin of that name provides only the decorator (the metadata symbols are the
  // ones fastify-plugin sets: no encapsulation, and a name to satisfy the dependency check).
  const document = async (instance: FastifyInstance) => {
    instance.decorate('swagger', ((opts?: { yaml?: boolean }) =>
      opts?.yaml ? main.swagger({ yaml: true }) : main.swagger()) as FastifyInstance['swagger']);
  };
  Object.assign(document, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('plugin-meta')]: { name: '@fastify/swagger' },
  });
  await ui.register(document);
  await ui.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    // The UI loads its document from /docs/json, the same object as OPENAPI_PATH.
    // validatorUrl null: the UI would otherwise send the document to validator.swagger.io.
    uiConfig: { deepLinking: true, validatorUrl: null },
    staticCSP: true,
  });
  await ui.ready();
  return ui;
}

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
  let ui: Promise<FastifyInstance> | undefined;
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    ui ??= buildUi(server).catch((err: unknown) => {
      ui = undefined;
      throw new Error(`Swagger UI at ${DOCS_PREFIX} failed to start: ${(err as Error).message}`, {
        cause: err,
      });
    });
    const res = await (
      await ui
    ).inject({
      // HEAD too: the main server drops the body but keeps its length.
      method: 'GET',
      url: request.url,
      headers: request.headers,
    });
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined && !NOT_FORWARDED.has(name.toLowerCase())) reply.header(name, value);
    }
    return reply.code(res.statusCode).send(res.rawPayload);
  };
  server.addHook('onClose', async () => {
    const started = await ui?.catch(() => undefined);
    await started?.close();
  });
  const options = { config: { access: 'public' as const }, schema: { hide: true } };
  server.get(DOCS_PREFIX, options, forward);
  server.get(`${DOCS_PREFIX}/*`, options, forward);
  server.get(OPENAPI_PATH, { config: { access: 'public' }, schema: { hide: true } }, async () =>
    server.swagger(),
  );
});
