// Progress and status of executions as a stream: an in-process bus fed by synchronous executions
// (direct-execution.ts) and by the queue's job-finished hook, plus a database poll so an execution
// running on another node (a `ratchet worker` elsewhere) is followed too. Adapters (SSE, MCP
// progress notifications) call watchExecution and never look at the mechanics.
import { EventEmitter } from 'node:events';
import type { Ratchet } from './context.ts';
import { notFoundById } from '../store/codec.ts';
import { getExecution, type ExecutionRecord } from '../store/repos/executions.ts';
import type { ExecutionStatus } from '../store/schema.ts';
import type { LogEntry } from '../runtime/types.ts';
import { followRemoteLogs } from './live-logs.ts';

export type ExecutionEvent =
  | { type: 'progress'; executionId: number; progress: unknown }
  /** Lines the task wrote while running (`dropped`: lines of a burst not sent); other nodes' runs too on PostgreSQL (live-logs.ts). */
  | { type: 'log'; executionId: number; entries: LogEntry[]; dropped: number }
  | {
      type: 'status';
      executionId: number;
      status: ExecutionStatus;
      final: boolean;
      execution?: ExecutionRecord;
    };

export const FINAL_EXECUTION_STATUSES: readonly ExecutionStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** The application's execution bus: one listener per open stream, and many may be open. */
export function createExecutionBus(): EventEmitter {
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  return bus;
}

/**
 * Jobs this process's workers run announce their log lines as they come and their final status at
 * once (wired by the root).
 */
export function publishFinishedJobs(app: Ratchet): () => void {
  const offLogs = app.jobEvents.onLogs((e) =>
    publishExecutionEvent(app, {
      type: 'log',
      executionId: e.executionId,
      entries: e.entries,
      dropped: e.dropped,
    }),
  );
  const offFinished = app.jobEvents.on((e) => {
    publishExecutionEvent(app, {
      type: 'status',
      executionId: e.execution.id,
      status: e.execution.status,
      final: true,
      execution: e.execution,
    });
  });
  return () => {
    offLogs();
    offFinished();
  };
}

export function publishExecutionEvent(app: Ratchet, e: ExecutionEvent): void {
  app.executionEvents.emit(String(e.executionId), e);
}

/** The report's timestamp (ProgressEvent.timestamp), when it has one. */
function progressTime(p: unknown): string | undefined {
  const t = (p as { timestamp?: unknown } | null)?.timestamp;
  return typeof t === 'string' ? t : undefined;
}

export interface WatchOptions {
  /** How often the database is read for executions running elsewhere; default 250 ms. */
  pollMs?: number;
}

export interface ExecutionWatch {
  /** The execution as it was when the watch began. */
  initial: ExecutionRecord;
  stop(): void;
}

/**
 * Follows one execution: `listener` gets a `status` event first (the current state), `progress`
 * events as they come, and a final `status` event (final: true) after which nothing more is sent.
 * For an execution already finished the first event is the final one. NotFoundError if unknown.
 */
export async function watchExecution(
  app: Ratchet,
  ref: number | string,
  listener: (e: ExecutionEvent) => void,
  opts: WatchOptions = {},
): Promise<ExecutionWatch> {
  const bus = app.executionEvents;
  const initial = await getExecution(app.store.db, ref);
  if (!initial) throw notFoundById('execution', ref);
  const id = initial.id;
  let stopped = false;
  let lastStatus: ExecutionStatus = initial.status;
  let lastProgress = JSON.stringify(initial.progress ?? null);
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    bus.off(String(id), onEvent);
    clearInterval(timer);
  };
  // Progress from the bus and from the (throttled) database writes may arrive out of order: only
  // a report newer than the last one sent goes out.
  let lastProgressAt = progressTime(initial.progress);
  const deliver = (e: ExecutionEvent): void => {
    if (stopped) return;
    if (e.type === 'log') {
      listener(e);
      return;
    }
    if (e.type === 'progress') {
      const at = progressTime(e.progress);
      const text = JSON.stringify(e.progress ?? null);
      if (text === lastProgress || (at !== undefined && lastProgressAt !== undefined && at <= lastProgressAt))
        return;
      lastProgress = text;
      if (at !== undefined) lastProgressAt = at;
    } else {
      if (e.status === lastStatus && !e.final) return;
      // The last report travels with the result; send it first if it was never seen.
      if (e.final && e.execution?.progress != null) {
        deliver({ type: 'progress', executionId: id, progress: e.execution.progress });
      }
      lastStatus = e.status;
    }
    listener(e);
    if (e.type === 'status' && e.final) stop();
  };
  function onEvent(e: ExecutionEvent): void {
    deliver(e);
  }
  const final = FINAL_EXECUTION_STATUSES.includes(initial.status);
  listener({
    type: 'status',
    executionId: id,
    status: initial.status,
    final,
    execution: final ? initial : undefined,
  });
  if (final) {
    stopped = true;
    return { initial, stop };
  }
  bus.on(String(id), onEvent);
  void followRemoteLogs(app);
  let polling = false;
  const timer: NodeJS.Timeout = setInterval(() => {
    if (polling || stopped) return;
    polling = true;
    getExecution(app.store.db, id)
      .then((row) => {
        if (!row) {
          deliver({ type: 'status', executionId: id, status: 'CANCELLED', final: true });
          return;
        }
        if (row.progress !== null) deliver({ type: 'progress', executionId: id, progress: row.progress });
        const done = FINAL_EXECUTION_STATUSES.includes(row.status);
        if (done || row.status !== lastStatus) {
          deliver({
            type: 'status',
            executionId: id,
            status: row.status,
            final: done,
            execution: done ? row : undefined,
          });
        }
      })
      .catch(() => undefined)
      .finally(() => (polling = false));
  }, opts.pollMs ?? 250);
  return { initial, stop };
}
