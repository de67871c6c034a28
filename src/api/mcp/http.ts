// MCP over HTTP at /mcp (route.ts registers the route and loads this module on first use): the SDK's createMcpHandler serves the 2026-07-28 stateless protocol and,
// for initialize-based (2025) clients, its stateless legacy fallback, from one endpoint. Every
// request gets a fresh McpServer built for the caller's principal, so no session state lives on
// a node and any node behind a load balancer can answer any request. The route itself needs
// `read` access (viewer keys get in); each tool's own access level decides what is listed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createMcpHandler, type AuthInfo, type McpHttpHandler } from '@modelcontextprotocol/server';
import { toWebRequest } from '@modelcontextprotocol/node';
import type { Ratchet } from '../../app.ts';
import type { Principal } from '../../services/roles.ts';
import { valueLimits } from '../../services/limits.ts';
import { depthOf, LIMIT_KEYS } from '../../tasks/value-limits.ts';
import { createMcpServer } from './server.ts';
import { drainMcpTaskRuns } from './task-runner.ts';
import { sessionGate } from './sessions.ts';
import type { ToolPrincipal } from './tool.ts';

export function toolPrincipal(p: Principal | null | undefined): ToolPrincipal {
  if (!p || p.kind === 'anonymous') return { name: 'anonymous', role: 'admin' };
  if (p.kind === 'token') return { name: p.name, role: p.role, id: p.name };
  return { name: p.name, role: p.role, id: `key:${p.keyId}` };
}

function principalOf(authInfo: AuthInfo | undefined): ToolPrincipal {
  const p = authInfo?.extra?.principal as ToolPrincipal | undefined;
  // The handler is only reachable through our route, which always passes one; refuse otherwise.
  if (!p) throw new Error('MCP request without a principal (the /mcp route must pass authInfo)');
  return p;
}

export function createRatchetMcpHandler(app: Ratchet, log?: (m: string) => void): McpHttpHandler {
  return createMcpHandler(({ authInfo }) => createMcpServer(app, principalOf(authInfo)), {
    onerror: (err) => log?.(`mcp: ${err.message}`),
  });
}

/**
 * Levels a JSON-RPC message adds above a tool's arguments (message, params, arguments, a list and
 * its item): a task input within execution.max_json_depth always gets through to the tool, whose own
 * check answers with a tool error.
 */
const ENVELOPE_DEPTH = 16;

/**
 * The SDK serialises the parsed body again (JSON.stringify, which overflows the stack a few
 * thousand levels down), so a message nested deeper than any valid call could be is answered here
 * with a JSON-RPC error naming the limit.
 */
function refuseTooDeep(request: FastifyRequest, reply: FastifyReply, maxDepth: number): boolean {
  const limit = maxDepth + ENVELOPE_DEPTH;
  if (depthOf(request.body, limit) <= limit) return false;
  const body = request.body as { id?: unknown } | null;
  const id = body && typeof body === 'object' && !Array.isArray(body) ? (body.id ?? null) : null;
  void reply
    .code(200)
    .type('application/json')
    .send({
      jsonrpc: '2.0',
      id: typeof id === 'string' || typeof id === 'number' ? id : null,
      error: {
        code: -32602,
        message: `the request nests arrays/objects more than ${limit} levels deep; a task input may nest at most ${maxDepth} levels (${LIMIT_KEYS.depth})`,
      },
    });
  return true;
}

async function serve(
  app: Ratchet,
  handler: McpHttpHandler,
  request: FastifyRequest,
  reply: FastifyReply,
  maxDepth: number,
): Promise<void> {
  if (refuseTooDeep(request, reply, maxDepth)) return;
  const principal = { ...toolPrincipal(request.principal), client: request.ip };
  const session = await sessionGate(app, request, reply, principal.id ?? `ip:${request.ip}`);
  if (session.answered) return;
  if (session.id) void reply.header('mcp-session-id', session.id);
  // A client that disconnects cancels its request (and a running task run with it).
  const abort = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  const web = await toWebRequest(request.raw, request.body, { signal: abort.signal });
  const res = await handler.fetch(web, {
    parsedBody: request.body,
    authInfo: { token: '', clientId: principal.name, scopes: [principal.role], extra: { principal } },
  });
  reply.code(res.status);
  res.headers.forEach((value, key) => {
    void reply.header(key, value);
  });
  if (res.body === null) return reply.send();
  // JSON answers are small; SSE answers (progress before the result) stream as they come.
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) return reply.send(res.body);
  return reply.send(Buffer.from(await res.arrayBuffer()));
}

export interface McpEndpoint {
  serve(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Server shutdown: task-augmented calls still running get a moment to store their results. */
  close(): Promise<void>;
}

/** What the /mcp route (route.ts) needs once the first MCP request arrives. */
export function createMcpEndpoint(app: Ratchet, log?: (m: string) => void): McpEndpoint {
  const handler = createRatchetMcpHandler(app, log);
  return {
    serve: (request, reply) => serve(app, handler, request, reply, valueLimits(app.config).maxDepth),
    async close() {
      await drainMcpTaskRuns(5000);
      await handler.close();
    },
  };
}
