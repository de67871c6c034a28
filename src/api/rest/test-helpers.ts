// End-to-end support for the REST tests: a full application (createRatchet) on a fresh SQLite file
// or PostgreSQL database, the real server (buildServer) listening on 127.0.0.1, and a JSON client.
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createRatchet, type Ratchet } from '../../app.ts';
import { ConfigSchema } from '../../config/schema.ts';
import type { Dialect } from '../../store/database.ts';
import { DIALECTS, createTempDatabase } from '../../store/test-helpers/backends.ts';
import { buildServer } from '../../server/build.ts';
import { savePackage } from '../../tasks/stored-versions.ts';
import { loadTask } from '../../tasks/load.ts';

export interface Api {
  app: Ratchet;
  server: FastifyInstance;
  base: string;
  dialect: Dialect;
  /** JSON request; `body` is serialised unless `raw` is given. */
  call(
    method: string,
    path: string,
    opts?: { body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export const ADDITION = new URL('../../../sample/tasks/addition', import.meta.url).pathname;

export async function withApi(
  dialect: Dialect,
  fn: (api: Api) => Promise<void>,
  config: Record<string, unknown> = {},
): Promise<void> {
  const temp = await createTempDatabase(dialect);
  const app = await createRatchet(
    ConfigSchema.parse({
      ...config,
      server: {
        database: { url: temp.url },
        rate_limit: { enabled: false },
        workers: { worker_count: 2, health_check_interval_seconds: 1 },
        ...((config.server as object | undefined) ?? {}),
      },
    }),
  );
  let server: FastifyInstance | undefined;
  try {
    await savePackage(app.store.db, await loadTask(ADDITION), { changeSource: 'cli' });
    server = await buildServer(app, { logger: false });
    await server.listen({ host: '127.0.0.1', port: 0 });
    const addr = server.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const call: Api['call'] = async (method, path, opts = {}) => {
      // Like any script client: body-less POSTs carry X-Requested-With (cross-site request protection).
      const headers: Record<string, string> = { 'x-requested-with': 'ratchet-test', ...(opts.headers ?? {}) };
      let body: string | undefined = opts.raw;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      } else if (opts.raw !== undefined) headers['content-type'] ??= 'application/json';
      const res = await fetch(`${base}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON: the raw text is returned
      }
      return { status: res.status, headers: res.headers, body: parsed };
    };
    await fn({ app, server, base, dialect, call });
  } finally {
    await server?.close();
    await app.close();
    await temp.drop();
  }
}

/** Registers `name [sqlite]` and `name [postgres]`. */
export function forEachApi(
  name: string,
  fn: (api: Api) => Promise<void>,
  config?: Record<string, unknown>,
): void {
  for (const dialect of DIALECTS) void test(`${name} [${dialect}]`, () => withApi(dialect, fn, config));
}
