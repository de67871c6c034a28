// Test support for the server: a real application on a fresh database of either backend, a built
// server listening on 127.0.0.1 (random port), and probe routes for every access level and error kind.
import { test } from 'node:test';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { createRatchet, type Ratchet } from '../app.ts';
import { ConfigSchema, type RatchetConfigInput } from '../config/schema.ts';
import type { Dialect } from '../store/database.ts';
import { DIALECTS, createTempDatabase } from '../store/test-helpers/backends.ts';
import { ConflictError, NotFoundError } from '../store/codec.ts';
import { ListQueryError } from '../store/list-query.ts';
import { ValidationError } from '../services/errors.ts';
import { buildServer, type BuildServerOptions } from './build.ts';
import { ApiError } from './errors.ts';

export interface ServerCtx {
  app: Ratchet;
  server: FastifyInstance;
  url: string;
  dialect: Dialect;
}

export interface WithServerOptions extends Omit<BuildServerOptions, 'logger'> {
  config?: RatchetConfigInput;
  /** Called with the app before the server is built (create keys, seed rows). */
  before?: (app: Ratchet) => Promise<void>;
}

export async function withServer(
  dialect: Dialect,
  opts: WithServerOptions,
  fn: (ctx: ServerCtx) => Promise<void>,
): Promise<void> {
  const temp = await createTempDatabase(dialect);
  try {
    const input = opts.config ?? {};
    const config = ConfigSchema.parse({
      ...input,
      server: { ...input.server, database: { url: temp.url } },
    });
    const app = await createRatchet(config);
    try {
      await opts.before?.(app);
      const server = await buildServer(app, { ...opts, logger: false, plugins: opts.plugins ?? [probes] });
      try {
        await server.listen({ host: '127.0.0.1', port: 0 });
        const addr = server.server.address();
        const port = typeof addr === 'object' && addr ? addr.port : 0;
        await fn({ app, server, url: `${opts.https ? 'https' : 'http'}://127.0.0.1:${port}`, dialect });
      } finally {
        await server.close();
      }
    } finally {
      await app.close();
    }
  } finally {
    await temp.drop();
  }
}

export function forEachServer(
  name: string,
  opts: WithServerOptions,
  fn: (ctx: ServerCtx) => Promise<void>,
): void {
  for (const dialect of DIALECTS) void test(`${name} [${dialect}]`, () => withServer(dialect, opts, fn));
}

/** Routes for the auth, audit and error tests, mounted at /api/v1/probe (so mutations are audited). */
export const probes: { plugin: FastifyPluginAsync<{ app: Ratchet }>; prefix: string } = {
  prefix: '/api/v1/probe',
  plugin: async (s) => {
    s.get('/public', { config: { access: 'public' } }, async () => ({ ok: 'public' }));
    s.get('/read', { config: { access: 'read' } }, async (req) => ({ ok: 'read', principal: req.principal }));
    s.post('/run/:id', { config: { access: 'run' } }, async () => ({ ok: 'run' }));
    s.put('/write/:id', { config: { access: 'write' } }, async () => ({ ok: 'write' }));
    s.delete('/admin/:id', { config: { access: 'admin' } }, async () => ({ ok: 'admin' }));
    s.post(
      '/validated',
      {
        config: { access: 'write' },
        schema: {
          body: {
            type: 'object',
            required: ['name', 'count'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1 },
              count: { type: 'integer', minimum: 1 },
              mode: { enum: ['fast', 'slow'] },
            },
          },
        },
      },
      async (req) => ({ ok: req.body }),
    );
    s.post('/echo', { config: { access: 'write' } }, async (req) => ({
      size: JSON.stringify(req.body).length,
    }));
    s.get('/throw/:kind', { config: { access: 'read' } }, async (req) => {
      const kind = (req.params as { kind: string }).kind;
      switch (kind) {
        case 'api':
          throw new ApiError(409, 'CONFLICT', 'probe conflict', { which: 'probe' });
        case 'not-found':
          throw new NotFoundError('task "nope" not found');
        case 'conflict':
          throw new ConflictError('schedule "daily" already exists');
        case 'list-query':
          throw new ListQueryError('cannot sort by "secret"');
        case 'validation':
          throw new ValidationError('invalid job request', [
            { path: '$.n', message: 'must be number' },
            { path: '$.m', message: 'is required' },
          ]);
        case 'timeout':
          throw new ApiError(504, 'TIMEOUT', 'the task did not finish within 5 s');
        default:
          throw new Error('secret internal detail at /srv/app.js:42');
      }
    });
  },
};

export async function getJson(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { raw: text };
  }
  return { status: res.status, headers: res.headers, body };
}

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}
