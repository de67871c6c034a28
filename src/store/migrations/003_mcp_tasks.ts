// 003: MCP tasks (the 2025-11-25 "tasks" utility: a task-augmented tools/call answers at once and
// the client polls). /mcp is stateless and any node may answer tasks/get, so a task's state lives
// here rather than in the memory of the node that runs it. Rows expire (`expires_at`, from the
// task's ttl) and are pruned; `heartbeat_at` lets other nodes see that the runner is gone.
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function up(db: AnyDb): Promise<void> {
  const t = columnTypes(db);
  const ms = t.bigint;

  await db.schema
    .createTable('mcp_tasks')
    // The task id the client sees (a UUID), so it is the primary key.
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Who created it (an API key, the anonymous loopback caller, the local stdio user): only
    // they can see it.
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('tool', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_message', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('ttl_ms', ms, (c) => c.notNull())
    .addColumn('poll_interval_ms', 'integer', (c) => c.notNull())
    // The CallToolResult once the call finished (JSON).
    .addColumn('result', 'text')
    // Why the task ended without a result of its own (JSON { code, message }).
    .addColumn('error', 'text')
    .addColumn('execution_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    // The process running the call, and when it last said it is alive.
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('mcp_tasks_owner_idx')
    .on('mcp_tasks')
    .columns(['owner', 'created_at'])
    .execute();
  await db.schema.createIndex('mcp_tasks_expires_idx').on('mcp_tasks').column('expires_at').execute();
}

async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('mcp_tasks').ifExists().execute();
}

export const mcpTasks: Migration = { up, down };
