// /repositories, changing and checking: add a task source at run time (admin; kept in the store,
// synced at once) and verify sources (reachable, every task loads; the store is not touched).
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { addRepository, verifyRepositories } from '../../services/repository-admin.ts';
import { emptyBodyAsObject, type IdParam, type RestOptions } from './common.ts';
import { SyncResult } from './repositories.ts';
import { syncOutcome } from '../../services/registry-service.ts';
import { dataOf, routeSchema } from './schema.ts';

const tags = ['repositories'];
const AddBody = z.strictObject({
  name: z.string().min(1).max(64),
  uri: z.string().min(1).max(2048).describe('A folder (file://… or a path on the server) or a git URL'),
  branch: z.string().min(1).max(256).optional().describe('Git branch (makes a local path a git source)'),
});
const Verified = z.looseObject({
  source: z.string(),
  kind: z.string(),
  uri: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
  commit: z.string().optional(),
  tasks: z.array(z.looseObject({})),
  failed: z.array(z.looseObject({})),
});

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.post<{ Body: z.infer<typeof AddBody> }>(
    '/repositories',
    {
      config: { access: 'admin' },
      schema: routeSchema({
        tags,
        summary: 'Add a task source (kept in the store, every node sees it) and sync it now',
        description: 'A name already in use answers 409; a folder that does not exist 422.',
        body: AddBody,
        response: dataOf(SyncResult),
        status: 201,
      }),
    },
    async (request, reply) => {
      const r = await addRepository(app, request.body);
      reply.code(201);
      return { data: syncOutcome(r) };
    },
  );

  const verify = async (name?: string) => ({ data: await verifyRepositories(app, name) });
  server.post(
    '/repositories/verify',
    {
      config: { access: 'write' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Check every task source is reachable and each task in it loads',
        response: z.object({ data: z.array(Verified) }),
      }),
    },
    () => verify(),
  );
  server.post<{ Params: IdParam }>(
    '/repositories/:id/verify',
    {
      config: { access: 'write' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Check one task source is reachable and each task in it loads',
        params: z.object({ id: z.string().min(1).max(100).describe('Source name') }),
        response: z.object({ data: z.array(Verified) }),
      }),
    },
    (request) => verify(request.params.id),
  );
};

export default plugin;
