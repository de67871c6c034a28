// The /mcp route, without the MCP SDK: the SDK, every tool definition and their schemas are loaded
// (http.ts) when the first MCP request arrives, so a server nobody talks MCP to never pays for them
// (about 8 MB of heap and 13 MB of RSS). The route itself is registered at start-up like any other:
// the same methods, `read` access (authentication and audit see it), and its OpenAPI entry.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ratchet } from '../../app.ts';

export const MCP_PATH = '/mcp';
export const MCP_BODY_LIMIT_SETTING = 'mcp.security.request_limits.max_request_size_bytes';

/** The error-handling option naming /mcp's own body limit, when one is set. */
export function mcpBodyLimit(app: Ratchet): { path: string; bytes: number; setting: string } | undefined {
  const bytes = app.config.mcp.security.request_limits.max_request_size_bytes;
  return bytes === undefined ? undefined : { path: MCP_PATH, bytes, setting: MCP_BODY_LIMIT_SETTING };
}

type Serve = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface McpPluginOptions extends Record<string, unknown> {
  app: Ratchet;
}

/** Registers /mcp (POST for requests; GET/DELETE answered by the SDK: 405 in stateless mode). */
export async function mcpPlugin(server: FastifyInstance, opts: McpPluginOptions): Promise<void> {
  let loading: Promise<{ serve: Serve; close(): Promise<void> }> | undefined;
  const load = (): NonNullable<typeof loading> =>
    (loading ??= import('./http.ts')
      .then((mod) => mod.createMcpEndpoint(opts.app, (m) => server.log.warn(m)))
      .catch((err: unknown) => {
        // A failed load (e.g. a broken install) is reported to this request and retried on the next.
        loading = undefined;
        throw new Error(`cannot load the MCP server: ${(err as Error).message}`, { cause: err });
      }));
  server.addHook('onClose', async () => {
    if (loading) await (await loading.catch(() => undefined))?.close();
  });
  const bodyLimit = opts.app.config.mcp.security.request_limits.max_request_size_bytes;
  server.route({
    method: ['GET', 'POST', 'DELETE'],
    url: MCP_PATH,
    config: { access: 'read' },
    ...(bodyLimit !== undefined ? { bodyLimit } : {}),
    handler: async (request, reply) => (await load()).serve(request, reply),
  });
}
