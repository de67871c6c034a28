// /repositories: the configured task sources (folders and git repositories): list, get (store id
// or name), sync one, sync all.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  getRepository,
  listRepositoryPage,
  syncAllRepositories,
  syncRepository,
} from '../../services/sources.ts';
import { syncOutcome } from '../../services/registry-service.ts';
import { emptyBodyAsObject, type IdParam, type RestOptions } from './common.ts';
import { listBody, parseListParams } from './list-params.ts';
import { Repository, repositoryView } from './models.ts';
import { ListQuerystring, dataOf, listOf, routeSchema } from './schema.ts';

const tags = ['repositories'];
const RepoParams = z.object({ id: z.string().min(1).max(100).describe('Store id or source name') });

export const SyncResult = z.looseObject({
  source: z.string(),
  kind: z.enum(['FILE', 'GIT']),
  ok: z.boolean().describe('False when the source could not be read or a task failed to load'),
  report: z.looseObject({}).optional(),
  error: z.string().optional(),
});

/** `kind=git` filters the stored lower-case value. */
const lower = (v: string): string => v.toLowerCase();

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  server.get(
    '/repositories',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'List task sources with their sync state',
        description:
          'Filters on id, name, kind, uri, branch, watch, tasks, available, lastSyncedAt, lastError.',
        querystring: ListQuerystring,
        response: listOf(Repository),
      }),
    },
    async (request, reply) => {
      const params = parseListParams(request.query, { values: { kind: lower } });
      return listBody(
        reply,
        'repositories',
        params,
        await listRepositoryPage(app, params.query),
        repositoryView,
      );
    },
  );

  server.post(
    '/repositories/sync',
    {
      config: { access: 'write' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Sync every task source now',
        response: z.object({ data: z.array(SyncResult) }),
      }),
    },
    async () => ({ data: (await syncAllRepositories(app)).map(syncOutcome) }),
  );

  server.get<{ Params: IdParam }>(
    '/repositories/:id',
    {
      config: { access: 'read' },
      schema: routeSchema({
        tags,
        summary: 'Get a task source',
        params: RepoParams,
        response: dataOf(Repository),
      }),
    },
    async (request) => ({ data: repositoryView(await getRepository(app, request.params.id)) }),
  );

  server.post<{ Params: IdParam }>(
    '/repositories/:id/sync',
    {
      config: { access: 'write' },
      preValidation: emptyBodyAsObject,
      schema: routeSchema({
        tags,
        summary: 'Sync one task source now',
        description: 'A source that cannot be read answers 200 with ok: false and the error.',
        params: RepoParams,
        response: dataOf(SyncResult),
      }),
    },
    async (request) => ({ data: syncOutcome(await syncRepository(app, request.params.id)) }),
  );
};

export default plugin;
