// The messages between the executor pool (main thread) and its executor threads, and the layout of
// the shared control block each thread has.
import type { HttpClientOptions } from '../http/client.ts';
import type { RuntimeLimits, TaskRunResult } from '../runtime/run-task.ts';
import type { LogEntry, ProgressEvent } from '../runtime/types.ts';
import type { CompiledWasm } from '../runtime/module-pool.ts';

/**
 * One Int32Array over a SharedArrayBuffer per thread:
 * - CANCEL: the id of a job to interrupt; the thread stops its current run when it matches.
 * - RUNNING_SEQ: the run in progress (0 when idle), so the pool knows what is running without a
 *   message per run (its deadline is in the thread's DeadlineCell, runtime/watchdog.ts).
 * - RING + i: one entry per local-queue position. The pool writes a run's seq there when it sends
 *   the run; the thread takes the run with compareExchange(seq → 0) before starting it, and the pool
 *   withdraws a run that has not started (cancel, hand-back, work stealing) with
 *   compareExchange(seq → -1). Exactly one side wins, so a withdrawn run never starts.
 */
export const CONTROL = { CANCEL: 0, RUNNING_SEQ: 1, RING: 2 } as const;

/**
 * A run's live messages (log lines, progress) start this long into it (ms): a run that ends sooner
 * sends its lines and its last progress with its result, in the same message. Most runs are that
 * short, and a message per run cost what grouping their results saves (result-batch.ts).
 */
export const LIVE_AFTER_MS = 50;

/** Task versions whose files a thread keeps; the pool tracks the same list to know what to send. */
export const VERSION_FILES_PER_THREAD = 1000;

export interface ExecutorThreadData {
  http: HttpClientOptions;
  limits: RuntimeLimits;
  /** Int32 slots laid out as CONTROL describes. */
  control: SharedArrayBuffer;
  /** The thread's DeadlineCell (runtime/watchdog.ts), read by the pool's watchdog. */
  deadline: SharedArrayBuffer;
  /** The sandbox's WebAssembly module, compiled once for every thread of the process. */
  wasm?: CompiledWasm;
}

export interface RunMessage {
  /** Per-thread sequence number of this run (never 0 or negative). */
  seq: number;
  /** The run's entry in the control block's ring. */
  ring: number;
  jobId: number;
  executionId: number;
  executionUuid: string;
  /** Packages are cached in the thread by version id; files come only the first time. */
  versionId: number;
  files?: Record<string, string>;
  label: string;
  /**
   * The input as JSON text. Values cross threads as text, never through structured clone: cloning a
   * deeply nested value overflows the stack (thrown inside a microtask, that ended the process).
   */
  inputJson: string;
  timeoutMs?: number;
  /** jobId is null for synchronous runs that belong to no job (POST /tasks/{id}/execute). */
  context: { taskId: string; taskVersion: string; jobId: string | null };
}

/** Runs are sent in batches: one message per thread per dispatch round, however many runs. */
export type ToThread = { type: 'runs'; runs: RunMessage[] } | { type: 'ping'; id: number };

/** A result as it crosses back: the output only as its JSON text (`outputJson`), see RunMessage. */
export type ThreadResult = Omit<TaskRunResult, 'output'>;

export type FromThread =
  | { type: 'progress'; seq: number; event: ProgressEvent }
  | { type: 'logs'; seq: number; entries: LogEntry[]; dropped: number }
  /**
   * Finished runs' results, in the order the runs finished: the results of quick runs leave in
   * groups (executor-thread.ts, `ResultBatch`), each other message only after those before it.
   */
  | { type: 'results'; results: ResultItem[] }
  | { type: 'pong'; id: number }
  /** The thread loaded its modules and listens for runs (the pool's start-up cap, pool.ts). */
  | { type: 'ready' };

/**
 * A finished run's result, with what it reported that did not go out live (LIVE_AFTER_MS): its
 * last progress and its last log lines, handed on before the result as if they had come alone.
 */
export interface ResultItem {
  seq: number;
  result: ThreadResult;
  progress?: ProgressEvent;
  logs?: { entries: LogEntry[]; dropped: number };
}
