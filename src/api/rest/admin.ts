// Admin only: API keys (list, create — the secret is shown once —, revoke) and the audit log.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { createKey, listKeys, parseExpiry, revokeKey } from '../../services/api-keys.ts';
import { listAuditPage } from '../../services/audit.ts';
import { getApiKeyByPrefix } from '../../store/repos/api-keys.ts';
import { listInMemory, type MemoryListSpec } from '../../services/list-memory.ts';
import type { RestOptions } from './common.ts';
import { listBody, parseListParams } from './list-params.ts';
import { ApiKey, AuditEntry, apiKeyView } from './models.ts';
import { ListQuerystring, dataOf, listOf, routeSchema } from './schema.ts';

const KEY_FIELDS: MemoryListSpec = {
  fields: {
    id: 'number',
    prefix: 'string',
    name: 'string',
    role: 'string',
    createdAt: 'time',
    expiresAt: 'time',
    revokedAt: 'time',
    lastUsedAt: 'time',
  },
  defaultSort: { field: 'createdAt', order: 'desc' },
};

const CreateBody = z.strictObject({
  name: z.string().min(1).max(128),
  role: z.string().min(1).max(32).describe('viewer, operator, developer or admin'),
  expiresIn: z.string().min(2).max(16).optional().describe('Lifetime such as 30d, 12h, 2w; default never'),
});
const PrefixParams = z.object({
  prefix: z.string().min(1).max(64).describe('The key prefix (rk_<prefix>_…)'),
});

const plugin: FastifyPluginAsync<RestOptions> = async (server, { app }) => {
  const db = app.store.db;

  server.get(
    '/api-keys',
    {
      config: { access: 'admin' },
      schema: routeSchema({
        tags: ['admin'],
        summary: 'List API keys (never their secrets)',
        querystring: ListQuerystring,
        response: listOf(ApiKey),
      }),
    },
    async (request, reply) => {
      const params = parseListParams(request.query);
      const rows = (await listKeys(db)).map(apiKeyView);
      return listBody(reply, 'api-keys', params, listInMemory(rows, KEY_FIELDS, params.query), (k) => k);
    },
  );

  server.post<{ Body: z.infer<typeof CreateBody> }>(
    '/api-keys',
    {
      config: { access: 'admin' },
      schema: routeSchema({
        tags: ['admin'],
        summary: 'Create an API key; the answer holds the key itself, shown only this once',
        body: CreateBody,
        response: dataOf(ApiKey.extend({ key: z.string() })),
        status: 201,
      }),
    },
    async (request, reply) => {
      const { name, role, expiresIn } = request.body;
      const created = await createKey(db, {
        name,
        role,
        expiresInMs: expiresIn === undefined ? undefined : parseExpiry(expiresIn),
      });
      reply.code(201);
      return { data: { ...apiKeyView(created.record), key: created.key } };
    },
  );

  server.delete<{ Params: { prefix: string } }>(
    '/api-keys/:prefix',
    {
      config: { access: 'admin' },
      schema: routeSchema({
        tags: ['admin'],
        summary: 'Revoke an API key',
        params: PrefixParams,
        response: dataOf(ApiKey),
      }),
    },
    async (request) => {
      await revokeKey(db, request.params.prefix);
      return { data: apiKeyView((await getApiKeyByPrefix(db, request.params.prefix))!) };
    },
  );

  server.get(
    '/audit',
    {
      config: { access: 'admin' },
      schema: routeSchema({
        tags: ['admin'],
        summary: 'The audit log (newest first)',
        description: 'Filters on id, at, actor, action, targetType, targetId, sourceIp, outcome.',
        querystring: ListQuerystring,
        response: listOf(AuditEntry),
      }),
    },
    async (request, reply) => {
      const params = parseListParams(request.query);
      return listBody(reply, 'audit', params, await listAuditPage(app, params.query), (e) => e);
    },
  );
};

export default plugin;
