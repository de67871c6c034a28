// 008: MCP sessions (mcp.authentication.session). A client speaking the 2025 protocol opens one
// with `initialize` and sends its `Mcp-Session-Id` on every later request; the row lives in the
// database so any node behind a load balancer recognises it. `owner` is the principal (an API key,
// the MCP token, or the anonymous caller's IP), which max_sessions_per_client counts per.
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function up(db: AnyDb): Promise<void> {
  const ms = columnTypes(db).bigint;
  await db.schema
    .createTable('mcp_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('last_seen_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('mcp_sessions_owner_idx')
    .on('mcp_sessions')
    .columns(['owner', 'last_seen_at'])
    .execute();
}

async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('mcp_sessions').ifExists().execute();
}

export const mcpSessions: Migration = { up, down };
