// GET /whoami: whether this server needs an API key and who the caller is (the key's name and
// role). Public, so a client such as the dashboard can ask before it has a key, decide whether to
// show a sign-in screen, and offer only the actions the role allows. A presented key is checked as
// on any route: a bad one is a 401.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../../server/auth.ts';
import { authRequired } from '../../server/auth.ts';
import type { RestOptions } from './common.ts';
import { dataOf, routeSchema } from './schema.ts';

const WhoAmI = z.object({
  authRequired: z.boolean().describe('Whether requests other than public ones need an API key'),
  principal: z
    .object({
      kind: z.enum(['key', 'token', 'anonymous']),
      name: z.string().optional(),
      role: z.enum(['viewer', 'operator', 'developer', 'admin']),
    })
    .nullable()
    .describe('Who the request ran as; null when a key is required and none was sent'),
});

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.get(
    '/whoami',
    {
      config: { access: 'public' },
      schema: routeSchema({
        tags: ['auth'],
        summary: 'Whether an API key is needed, and the role of the one presented',
        response: dataOf(WhoAmI),
      }),
    },
    async (request) => {
      // Servers built without the auth plugin (some tests) resolve the setting from the config.
      const required = server.hasDecorator('ratchetAuthRequired')
        ? server.ratchetAuthRequired
        : authRequired(app.config);
      const p = request.principal as Principal | null;
      const anonymousWhenRequired = p?.kind === 'anonymous' && required;
      return {
        data: {
          authRequired: required,
          principal:
            p === null || anonymousWhenRequired
              ? null
              : { kind: p.kind, ...(p.kind === 'anonymous' ? {} : { name: p.name }), role: p.role },
        },
      };
    },
  );
};

export default plugin;
