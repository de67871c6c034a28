// The /mcp side of MCP sessions (services/mcp-sessions.ts says what they are). Before a request
// reaches the SDK: `initialize` opens a session (or is refused with 429 when the client has too
// many), a request carrying `Mcp-Session-Id` must name a live session of the same client (404
// otherwise, which tells the client to initialize again, as the 2025 spec says), a 2025-protocol
// request without one is a 400, and DELETE ends the session. 2026-07-28 requests have no sessions
// and pass through untouched.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ratchet } from '../../app.ts';
import {
  closeMcpSession,
  mcpSessionsEnabled,
  openMcpSession,
  useMcpSession,
} from '../../services/mcp-sessions.ts';

/** answered: the gate replied itself; id: the session to name in the response (initialize). */
export interface GateResult {
  answered: boolean;
  id?: string;
}

function rpcError(reply: FastifyReply, status: number, request: FastifyRequest, message: string): GateResult {
  const body = request.body as { id?: unknown } | null;
  const id = body && typeof body === 'object' && !Array.isArray(body) ? (body.id ?? null) : null;
  void reply
    .code(status)
    .type('application/json')
    .send({
      jsonrpc: '2.0',
      id: typeof id === 'string' || typeof id === 'number' ? id : null,
      error: { code: -32001, message },
    });
  return { answered: true };
}

function isInitialize(request: FastifyRequest): boolean {
  const body = request.body as { method?: unknown } | null;
  return request.method === 'POST' && !!body && typeof body === 'object' && body.method === 'initialize';
}

export async function sessionGate(
  app: Ratchet,
  request: FastifyRequest,
  reply: FastifyReply,
  owner: string,
): Promise<GateResult> {
  if (!mcpSessionsEnabled(app)) return { answered: false };
  if (isInitialize(request)) {
    const opened = await openMcpSession(app, owner);
    if ('refused' in opened) return rpcError(reply, 429, request, opened.refused);
    return { answered: false, id: opened.id };
  }
  const header = request.headers['mcp-session-id'];
  const id = Array.isArray(header) ? header[0] : header;
  if (id === undefined) {
    const version = String(request.headers['mcp-protocol-version'] ?? '');
    if (version.startsWith('2025'))
      return rpcError(
        reply,
        400,
        request,
        'this server keeps MCP sessions: send the Mcp-Session-Id that initialize returned',
      );
    return { answered: false };
  }
  if (request.method === 'DELETE') {
    if (await closeMcpSession(app, id, owner)) {
      void reply.code(204).send();
      return { answered: true };
    }
    return rpcError(reply, 404, request, `MCP session ${id} is not open`);
  }
  const state = await useMcpSession(app, id, owner);
  if (state === 'ok') return { answered: false };
  return rpcError(
    reply,
    404,
    request,
    state === 'expired'
      ? `MCP session ${id} ended after ${app.config.mcp.authentication.session!.timeout_seconds} s unused; initialize again`
      : `MCP session ${id} is not open; initialize again`,
  );
}
