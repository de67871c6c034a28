// MCP sessions (mcp.authentication.session) for clients that open one: the 2025 protocol's
// `initialize` gets an `Mcp-Session-Id`, every later request must carry it, a session unused for
// timeout_seconds ends, and a client (API key, MCP token, or IP without one) holds at most
// max_sessions_per_client. Rows live in the database so every node agrees; expired rows are
// deleted when their owner opens a session, so the table stays as small as the live sessions.
import { randomUUID } from 'node:crypto';
import type { Ratchet } from './context.ts';

export type SessionCheck = 'ok' | 'unknown' | 'expired';

function policy(app: Ratchet) {
  const s = app.config.mcp.authentication.session;
  return s ? { timeoutMs: s.timeout_seconds * 1000, max: s.max_sessions_per_client } : undefined;
}

export function mcpSessionsEnabled(app: Ratchet): boolean {
  return policy(app) !== undefined;
}

/** Opens a session for owner; says why not when the owner already holds the most allowed. */
export async function openMcpSession(
  app: Ratchet,
  owner: string,
  now = Date.now(),
): Promise<{ id: string } | { refused: string }> {
  const p = policy(app)!;
  const { db } = app.store;
  await db
    .deleteFrom('mcp_sessions')
    .where('owner', '=', owner)
    .where('last_seen_at', '<', now - p.timeoutMs)
    .execute();
  if (p.max !== undefined) {
    const open = await db
      .selectFrom('mcp_sessions')
      .select(db.fn.countAll<number>().as('n'))
      .where('owner', '=', owner)
      .executeTakeFirstOrThrow();
    if (Number(open.n) >= p.max)
      return {
        refused: `too many MCP sessions: ${owner} already has ${p.max} open (mcp.authentication.session.max_sessions_per_client); end one (DELETE /mcp with its Mcp-Session-Id) or wait until one has been unused for ${p.timeoutMs / 1000} s`,
      };
  }
  const id = randomUUID();
  await db.insertInto('mcp_sessions').values({ id, owner, created_at: now, last_seen_at: now }).execute();
  return { id };
}

/** Checks a request's session (it must be the owner's and alive) and marks it used. */
export async function useMcpSession(
  app: Ratchet,
  id: string,
  owner: string,
  now = Date.now(),
): Promise<SessionCheck> {
  const p = policy(app)!;
  const row = await app.store.db
    .updateTable('mcp_sessions')
    .set({ last_seen_at: now })
    .where('id', '=', id)
    .where('owner', '=', owner)
    .where('last_seen_at', '>=', now - p.timeoutMs)
    .returning('id')
    .executeTakeFirst();
  if (row) return 'ok';
  const gone = await app.store.db
    .deleteFrom('mcp_sessions')
    .where('id', '=', id)
    .where('owner', '=', owner)
    .executeTakeFirst();
  return Number(gone.numDeletedRows) > 0 ? 'expired' : 'unknown';
}

/** Ends a session (the client's DELETE); false when it was not the owner's or not open. */
export async function closeMcpSession(app: Ratchet, id: string, owner: string): Promise<boolean> {
  const res = await app.store.db
    .deleteFrom('mcp_sessions')
    .where('id', '=', id)
    .where('owner', '=', owner)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}
