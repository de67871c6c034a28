// MCP tests: a fresh application on a temporary SQLite file with sample tasks saved, the real
// HTTP server (buildServer, /mcp mounted) on 127.0.0.1, and official SDK clients speaking either
// protocol generation over HTTP — or the built CLI over stdio.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { FastifyInstance } from 'fastify';
import { createRatchet, type Ratchet } from '../../app.ts';
import { ConfigSchema } from '../../config/schema.ts';
import { buildServer } from '../../server/build.ts';
import { savePackage } from '../../tasks/stored-versions.ts';
import { createTempDatabase } from '../../store/test-helpers/backends.ts';
import { loadTask } from '../../tasks/load.ts';

export const SAMPLE_TASKS = new URL('../../../sample/tasks/', import.meta.url).pathname;
export const MAIN_JS = new URL('../../../dist/cli/main.js', import.meta.url).pathname;

export type Protocol = 'legacy' | 'modern';
export const MODERN_VERSION = '2026-07-28';

export interface McpEnv {
  app: Ratchet;
  server: FastifyInstance;
  base: string;
  /** A connected client (closed by the helper). */
  connect(opts?: { protocol?: Protocol; token?: string }): Promise<Client>;
}

export function newClient(protocol: Protocol = 'legacy'): Client {
  return new Client(
    { name: 'ratchet-test', version: '1.0.0' },
    protocol === 'modern' ? { versionNegotiation: { mode: { pin: MODERN_VERSION } } } : {},
  );
}

export async function withMcpHttp(
  fn: (env: McpEnv) => Promise<void>,
  config: Record<string, unknown> = {},
  tasks: string[] = ['addition'],
  /** Runs before the server is built (e.g. create API keys when auth is required). */
  setup?: (app: Ratchet) => Promise<void>,
): Promise<void> {
  const temp = await createTempDatabase('sqlite');
  const app = await createRatchet(
    ConfigSchema.parse({
      ...config,
      // Tests make many calls quickly; the rate limit has its own test (rate-limit.test.ts).
      mcp: { rate_limit: { enabled: false }, ...((config.mcp as object | undefined) ?? {}) },
      server: {
        database: { url: temp.url },
        rate_limit: { enabled: false },
        workers: { worker_count: 2, health_check_interval_seconds: 1 },
        ...((config.server as object | undefined) ?? {}),
      },
    }),
  );
  const clients: Client[] = [];
  let server: FastifyInstance | undefined;
  try {
    for (const t of tasks)
      await savePackage(app.store.db, await loadTask(`${SAMPLE_TASKS}${t}`), { changeSource: 'cli' });
    await setup?.(app);
    server = await buildServer(app, { logger: false });
    await server.listen({ host: '127.0.0.1', port: 0 });
    const addr = server.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const connect: McpEnv['connect'] = async (opts = {}) => {
      const client = newClient(opts.protocol);
      const headers: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } }),
      );
      clients.push(client);
      return client;
    };
    await fn({ app, server, base, connect });
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    await server?.close();
    await app.close();
    await temp.drop();
  }
}

/** A client connected to `node dist/cli/main.js <args>` over stdio (build first). */
export async function connectStdio(
  args: string[],
  opts: { protocol?: Protocol; cwd?: string; env?: Record<string, string> } = {},
): Promise<{ client: Client; transport: StdioClientTransport }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MAIN_JS, ...args],
    cwd: opts.cwd,
    env: { ...(process.env as Record<string, string>), ...(opts.env ?? {}) },
    stderr: 'pipe',
  });
  const client = newClient(opts.protocol);
  await client.connect(transport);
  return { client, transport };
}

/** structuredContent of a successful call; fails the test with the error text otherwise. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ok<T = Record<string, any>>(res: unknown): T {
  const r = res as { isError?: boolean; structuredContent?: unknown; content?: { text?: string }[] };
  if (r.isError) throw new Error(`tool error: ${r.content?.[0]?.text ?? JSON.stringify(r)}`);
  return r.structuredContent as T;
}
