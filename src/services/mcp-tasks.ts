// Durable MCP tasks: the state behind task-augmented tools/call (MCP 2025-11-25 "tasks"). The call
// runs in the process that received it; its state lives in the `mcp_tasks` table so that any node
// can answer tasks/get, tasks/list, tasks/result and tasks/cancel. A task is visible only to the
// principal that created it. The runner heartbeats its row; a working task whose heartbeat stops
// (its process died) is failed by whoever reads it next, so no client polls a dead task forever.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Ratchet } from './context.ts';
import { ConflictError, NotFoundError } from '../store/codec.ts';
import {
  findMcpTask,
  finishMcpTask,
  heartbeatMcpTask,
  insertMcpTask,
  listMcpTasks,
  pruneMcpTasks,
  setMcpTaskExecutions,
  setMcpTaskMessage,
  TERMINAL_MCP_TASK_STATUSES,
  type McpTaskRecord,
} from '../store/repos/mcp-tasks.ts';
import { ValidationError } from './errors.ts';

export type { McpTaskRecord, McpTaskStatus } from '../store/repos/mcp-tasks.ts';
export { TERMINAL_MCP_TASK_STATUSES } from '../store/repos/mcp-tasks.ts';

/** Retention when the client asks for none, and the bounds a requested ttl is held to. */
export const DEFAULT_TASK_TTL_MS = 60 * 60 * 1000;
export const MIN_TASK_TTL_MS = 60 * 1000;
export const MAX_TASK_TTL_MS = 24 * 60 * 60 * 1000;
/** What clients are told to wait between tasks/get calls. */
export const TASK_POLL_INTERVAL_MS = 1000;
/** How often a runner says it is alive (and learns of a cancel made on another node). */
export const TASK_HEARTBEAT_MS = 1000;
/** A working task whose runner has been silent this long is failed. */
export const TASK_STALE_MS = 30_000;
/** How long tasks/result waits for a cancelled run to record its own result. */
const CANCELLED_RESULT_GRACE_MS = 5000;
const WAIT_POLL_MS = 200;
const LIST_PAGE = 50;

const NODE = `mcp:${hostname()}-${process.pid}`;

/** Cancel hooks of the runs in this process, by task id (a cancel here stops them at once). */
const localRuns = new Map<string, () => void>();

export function clampTtl(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested)) return DEFAULT_TASK_TTL_MS;
  return Math.min(MAX_TASK_TTL_MS, Math.max(MIN_TASK_TTL_MS, Math.round(requested)));
}

export async function createMcpTask(
  app: Ratchet,
  req: { owner: string; tool: string; ttlMs?: number },
): Promise<McpTaskRecord> {
  // Creation is when old tasks are cleared: no timer, and the delete uses the expires_at index.
  await pruneMcpTasks(app.store.db);
  return insertMcpTask(app.store.db, {
    id: randomUUID(),
    owner: req.owner,
    tool: req.tool,
    ttlMs: clampTtl(req.ttlMs),
    pollIntervalMs: TASK_POLL_INTERVAL_MS,
    node: NODE,
    statusMessage: 'started',
  });
}

/** Fails a working task whose runner stopped heartbeating; returns the task as it now stands. */
async function reapIfStale(app: Ratchet, t: McpTaskRecord, now = Date.now()): Promise<McpTaskRecord> {
  if (t.status !== 'working' || now - t.heartbeatAt <= TASK_STALE_MS) return t;
  const message = `the server process running this task (${t.node}) stopped answering ${Math.round((now - t.heartbeatAt) / 1000)} s ago; run the tool again`;
  await finishMcpTask(app.store.db, t.id, {
    status: 'failed',
    statusMessage: message,
    error: { code: 'RUNNER_LOST', message },
  });
  return (await findMcpTask(app.store.db, t.owner, t.id)) ?? t;
}

/** The owner's task; NotFoundError when it is unknown, expired or someone else's. */
export async function getMcpTask(app: Ratchet, owner: string, id: string): Promise<McpTaskRecord> {
  const t = await findMcpTask(app.store.db, owner, id);
  if (!t) {
    throw new NotFoundError(
      `no task ${id} (task ids come from a task-augmented tools/call; tasks expire after their ttl and are visible only to whoever created them)`,
    );
  }
  return reapIfStale(app, t);
}

/** One page of the owner's tasks, newest first; the cursor is opaque to clients. */
export async function listMcpTaskPage(
  app: Ratchet,
  owner: string,
  cursor?: string,
): Promise<{ tasks: McpTaskRecord[]; nextCursor?: string }> {
  let offset = 0;
  if (cursor !== undefined) {
    const n = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Number.isInteger(n) || n < 0) {
      throw new ValidationError('invalid tasks/list request', [
        { path: '$.cursor', message: `${JSON.stringify(cursor)} is not a cursor this server returned` },
      ]);
    }
    offset = n;
  }
  const rows = await listMcpTasks(app.store.db, owner, { limit: LIST_PAGE + 1, offset });
  const tasks = await Promise.all(rows.slice(0, LIST_PAGE).map((t) => reapIfStale(app, t)));
  return rows.length > LIST_PAGE
    ? { tasks, nextCursor: Buffer.from(String(offset + LIST_PAGE)).toString('base64url') }
    : { tasks };
}

/**
 * Cancels the owner's working task: it is cancelled at once in the store; the run stops now when
 * it runs in this process, else within a heartbeat on the node that runs it. ConflictError when
 * the task already ended.
 */
export async function cancelMcpTask(app: Ratchet, owner: string, id: string): Promise<McpTaskRecord> {
  const t = await getMcpTask(app, owner, id);
  if (TERMINAL_MCP_TASK_STATUSES.includes(t.status)) {
    throw new ConflictError(`task ${id} already ended (${t.status}); nothing to cancel`);
  }
  const moved = await finishMcpTask(app.store.db, id, {
    status: 'cancelled',
    statusMessage: 'cancelled by the client',
  });
  if (moved) localRuns.get(id)?.();
  return getMcpTask(app, owner, id);
}

/**
 * Resolves once the owner's task is terminal (for a cancelled task, once its run recorded a result
 * or a short grace passed). Rejects with signal.reason when the signal aborts first.
 */
export async function waitForMcpTask(
  app: Ratchet,
  owner: string,
  id: string,
  signal: AbortSignal,
): Promise<McpTaskRecord> {
  let cancelledSince: number | undefined;
  for (;;) {
    signal.throwIfAborted();
    const t = await getMcpTask(app, owner, id);
    if (t.status === 'cancelled' && t.result === null) {
      cancelledSince ??= Date.now();
      if (Date.now() - cancelledSince >= CANCELLED_RESULT_GRACE_MS) return t;
    } else if (TERMINAL_MCP_TASK_STATUSES.includes(t.status)) return t;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, WAIT_POLL_MS);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** What a runner in this process uses to keep its task's row current. */
export interface McpTaskRun {
  readonly id: string;
  message(text: string): Promise<void>;
  executions(ids: number[]): Promise<void>;
  finish(status: 'completed' | 'failed', result: Record<string, unknown>, message?: string): Promise<void>;
  /** Stops the heartbeat and forgets the cancel hook. */
  close(): void;
}

/**
 * Starts the bookkeeping of a run in this process: a heartbeat (which also notices a cancel made
 * on another node) and the local cancel hook. `onCancel` is called at most once.
 */
export function startMcpTaskRun(app: Ratchet, id: string, onCancel: () => void): McpTaskRun {
  let cancelled = false;
  const cancel = (): void => {
    if (cancelled) return;
    cancelled = true;
    onCancel();
  };
  localRuns.set(id, cancel);
  let beating = false;
  const timer = setInterval(() => {
    if (beating) return;
    beating = true;
    heartbeatMcpTask(app.store.db, id)
      .then((status) => {
        if (status !== 'working') cancel();
      })
      // A failed heartbeat (database briefly away) is retried on the next tick.
      .catch(() => undefined)
      .finally(() => (beating = false));
  }, TASK_HEARTBEAT_MS);
  timer.unref();
  const { db } = app.store;
  return {
    id,
    message: (text) => setMcpTaskMessage(db, id, text),
    executions: (ids) => setMcpTaskExecutions(db, id, ids),
    finish: async (status, result, message) => {
      await finishMcpTask(db, id, { status, result, statusMessage: message ?? null });
    },
    close: () => {
      clearInterval(timer);
      localRuns.delete(id);
    },
  };
}
