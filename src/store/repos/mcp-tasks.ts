// MCP tasks (task-augmented tools/call): one row per task, owned by the principal that created it.
// Every read filters by owner and skips expired rows, so another principal's task, or an expired
// one, is simply not there. Status changes are conditional on the task still `working`, so a
// cancel and a completion racing each other cannot overwrite one another.
import type { Selectable } from 'kysely';
import type { McpTaskStatus, McpTasksTable } from '../schema.ts';
import { fromJson, iso, toJson, toJsonOrNull } from '../codec.ts';
import type { Db } from '../codec.ts';

export type { McpTaskStatus } from '../schema.ts';

export const TERMINAL_MCP_TASK_STATUSES: readonly McpTaskStatus[] = ['completed', 'failed', 'cancelled'];

export interface McpTaskRecord {
  id: string;
  owner: string;
  tool: string;
  status: McpTaskStatus;
  statusMessage: string | null;
  createdAt: string;
  updatedAt: string;
  ttlMs: number;
  pollIntervalMs: number;
  /** The CallToolResult once the call finished. */
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  executionIds: number[];
  node: string;
  heartbeatAt: number;
  expiresAt: number;
}

function toRecord(row: Selectable<McpTasksTable>): McpTaskRecord {
  return {
    id: row.id,
    owner: row.owner,
    tool: row.tool,
    status: row.status,
    statusMessage: row.status_message,
    createdAt: iso(Number(row.created_at)),
    updatedAt: iso(Number(row.updated_at)),
    ttlMs: Number(row.ttl_ms),
    pollIntervalMs: Number(row.poll_interval_ms),
    result: fromJson(row.result),
    error: fromJson(row.error),
    executionIds: fromJson<number[]>(row.execution_ids),
    node: row.node,
    heartbeatAt: Number(row.heartbeat_at),
    expiresAt: Number(row.expires_at),
  };
}

export interface InsertMcpTaskInput {
  id: string;
  owner: string;
  tool: string;
  ttlMs: number;
  pollIntervalMs: number;
  node: string;
  statusMessage?: string | null;
  now?: number;
}

export async function insertMcpTask(db: Db, input: InsertMcpTaskInput): Promise<McpTaskRecord> {
  const now = input.now ?? Date.now();
  const row = await db
    .insertInto('mcp_tasks')
    .values({
      id: input.id,
      owner: input.owner,
      tool: input.tool,
      status: 'working',
      status_message: input.statusMessage ?? null,
      created_at: now,
      updated_at: now,
      ttl_ms: input.ttlMs,
      poll_interval_ms: input.pollIntervalMs,
      result: null,
      error: null,
      execution_ids: '[]',
      node: input.node,
      heartbeat_at: now,
      expires_at: now + input.ttlMs,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(row);
}

/** The owner's task, or undefined when it does not exist, has expired or belongs to someone else. */
export async function findMcpTask(
  db: Db,
  owner: string,
  id: string,
  now = Date.now(),
): Promise<McpTaskRecord | undefined> {
  const row = await db
    .selectFrom('mcp_tasks')
    .selectAll()
    .where('id', '=', id)
    .where('owner', '=', owner)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** The owner's live tasks, newest first. */
export async function listMcpTasks(
  db: Db,
  owner: string,
  page: { limit: number; offset: number },
  now = Date.now(),
): Promise<McpTaskRecord[]> {
  const rows = await db
    .selectFrom('mcp_tasks')
    .selectAll()
    .where('owner', '=', owner)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(toRecord);
}

/**
 * Moves a working task to a terminal status; true when it was still working. `result` is stored
 * even when the task had already ended (a cancelled call still finishes its run, and its
 * CallToolResult is what tasks/result returns).
 */
export async function finishMcpTask(
  db: Db,
  id: string,
  end: {
    status: McpTaskStatus;
    statusMessage?: string | null;
    result?: Record<string, unknown>;
    error?: { code: string; message: string };
  },
  now = Date.now(),
): Promise<boolean> {
  const moved = await db
    .updateTable('mcp_tasks')
    .set({
      status: end.status,
      status_message: end.statusMessage ?? null,
      updated_at: now,
      ...(end.result !== undefined ? { result: toJson(end.result) } : {}),
      ...(end.error !== undefined ? { error: toJsonOrNull(end.error) } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'working')
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) > 0) return true;
  if (end.result !== undefined) {
    await db
      .updateTable('mcp_tasks')
      .set({ result: toJson(end.result), updated_at: now })
      .where('id', '=', id)
      .where('result', 'is', null)
      .execute();
  }
  return false;
}

/** Changes the status message of a working task. */
export async function setMcpTaskMessage(
  db: Db,
  id: string,
  message: string,
  now = Date.now(),
): Promise<void> {
  await db
    .updateTable('mcp_tasks')
    .set({ status_message: message, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'working')
    .execute();
}

export async function setMcpTaskExecutions(db: Db, id: string, executionIds: number[]): Promise<void> {
  await db
    .updateTable('mcp_tasks')
    .set({ execution_ids: toJson(executionIds) })
    .where('id', '=', id)
    .execute();
}

/** The runner's "still alive"; returns the task's status (undefined once the row is gone). */
export async function heartbeatMcpTask(
  db: Db,
  id: string,
  now = Date.now(),
): Promise<McpTaskStatus | undefined> {
  const row = await db
    .updateTable('mcp_tasks')
    .set({ heartbeat_at: now })
    .where('id', '=', id)
    .returning('status')
    .executeTakeFirst();
  return row?.status;
}

/** Deletes expired tasks; returns how many. */
export async function pruneMcpTasks(db: Db, now = Date.now()): Promise<number> {
  const r = await db.deleteFrom('mcp_tasks').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
