// One executor thread as the pool sees it: its local queue of runs (sent, not yet finished), the
// shared control block (messages.ts CONTROL) and the task versions it already holds.
import type { Worker } from 'node:worker_threads';
import { hostStopped } from '../runtime/errors.ts';
import type { TaskRunResult } from '../runtime/run-task.ts';
import type { LogEntry, ProgressEvent } from '../runtime/types.ts';
import type { DeadlineCell } from '../runtime/watchdog.ts';
import { CONTROL, VERSION_FILES_PER_THREAD, type RunMessage } from './messages.ts';

export type RunRequest = Omit<RunMessage, 'seq' | 'ring' | 'files' | 'inputJson'> & {
  input: unknown;
  files: () => Record<string, string>;
};

export interface PoolRun {
  request: RunRequest;
  /** The input as it crosses to the thread (RunMessage.inputJson). */
  inputJson: string;
  resolve: (r: TaskRunResult) => void;
  onProgress?: (e: ProgressEvent) => void;
  /** Log lines while the run goes on, in batches (log-forwarder.ts). */
  onLogs?: (entries: LogEntry[], dropped: number) => void;
  /** While sent to a thread: its sequence number there and its ring entry. */
  seq?: number;
  ring?: number;
  /** When a cancel of this run (running) was asked for: the watchdog ends it if it goes on. */
  cancelledAt?: number;
}

export class Slot {
  readonly index: number;
  readonly worker: Worker;
  readonly control: Int32Array;
  /** The running sandbox's deadline, written by the thread (runtime/watchdog.ts). */
  readonly cell: DeadlineCell;
  /** Runs sent to the thread and not finished, in the order sent (the thread's FIFO order). */
  readonly runs = new Map<number, PoolRun>();
  readonly startedAt = Date.now();
  /** When a run was last sent to or left the thread (idle threads of on-demand pools exit). */
  lastUsed = Date.now();
  /** Pending health ping id and when it was sent. */
  ping?: { id: number; at: number };
  exiting?: boolean;
  /** The thread has loaded its modules and listens (its 'ready' message); until then it is starting. */
  ready = false;
  /** Runs the thread finished (its first one also creates the sandbox, so it is not timed). */
  finished = 0;
  private readonly freeRing: number[] = [];
  private readonly seen = new Map<number, true>();
  private nextSeq = 1;

  constructor(index: number, worker: Worker, control: Int32Array, cell: DeadlineCell, depth: number) {
    this.index = index;
    this.worker = worker;
    this.control = control;
    this.cell = cell;
    for (let i = depth - 1; i >= 0; i--) this.freeRing.push(i);
  }

  static controlBuffer(depth: number): SharedArrayBuffer {
    return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * (CONTROL.RING + depth));
  }

  get room(): number {
    return this.freeRing.length;
  }

  /** The run the thread is executing now, if any. */
  running(): PoolRun | undefined {
    const seq = Atomics.load(this.control, CONTROL.RUNNING_SEQ);
    return seq === 0 ? undefined : this.runs.get(seq);
  }

  /** Assigns a ring entry and builds the message (with files the first time this version goes). */
  prepare(run: PoolRun): RunMessage {
    const seq = this.nextSeq++;
    const ring = this.freeRing.pop()!;
    this.lastUsed = Date.now();
    run.seq = seq;
    run.ring = ring;
    this.runs.set(seq, run);
    Atomics.store(this.control, CONTROL.RING + ring, seq);
    const { files, input: _sentAsText, ...rest } = run.request;
    const message: RunMessage = { ...rest, inputJson: run.inputJson, seq, ring };
    // The same LRU steps as noteVersion in executor-thread.ts, so both sides agree on what it holds.
    const known = this.seen.has(rest.versionId);
    this.seen.delete(rest.versionId);
    this.seen.set(rest.versionId, true);
    if (!known) message.files = files();
    if (this.seen.size > VERSION_FILES_PER_THREAD) this.seen.delete(this.seen.keys().next().value!);
    return message;
  }

  /** The run with this seq left the thread (finished, failed or withdrawn): free its entry. */
  release(seq: number): PoolRun | undefined {
    const run = this.runs.get(seq);
    if (!run) return undefined;
    this.runs.delete(seq);
    this.freeRing.push(run.ring!);
    this.lastUsed = Date.now();
    return run;
  }

  /** Takes back a run the thread has not started; false when it already started (or finished). */
  withdraw(run: PoolRun): boolean {
    const at = CONTROL.RING + run.ring!;
    if (Atomics.compareExchange(this.control, at, run.seq!, -1) !== run.seq) return false;
    this.release(run.seq);
    return true;
  }

  /** After the thread died: whether this run never started (its entry still holds its seq). */
  neverStarted(run: PoolRun): boolean {
    return Atomics.load(this.control, CONTROL.RING + run.ring!) === run.seq;
  }

  interrupt(jobId: number): void {
    Atomics.store(this.control, CONTROL.CANCEL, jobId);
  }
}

/**
 * A failure the pool itself reports for a run (thread crashed or was replaced, run withdrawn).
 * These are host verdicts, so a CancelledError or TimeoutError here carries the host's `stop`. It
 * has no `startedAt`: the execution keeps its claim time as its start (pending-result.ts).
 */
export function poolFailure(type: string, message: string, executionId: string): TaskRunResult {
  const stop = type === 'CancelledError' ? 'cancelled' : type === 'TimeoutError' ? 'timeout' : undefined;
  return {
    status: 'FAILED',
    executionId,
    error: stop ? hostStopped(stop, message) : { type, message },
    logs: [],
    progress: [],
    http: [],
    durationMs: 0,
  };
}

/** What a withdrawn run resolves with: a cancel that happened before the sandbox started. */
export function notStarted(run: PoolRun): TaskRunResult {
  return poolFailure('CancelledError', 'the job was cancelled before it started', run.request.executionUuid);
}

/**
 * The input as the JSON text it crosses to a thread as (RunMessage), or the failure of a run whose
 * input cannot be written as JSON (a cycle, a BigInt).
 */
export function inputJsonOf(request: RunRequest): string | TaskRunResult {
  try {
    return JSON.stringify(request.input ?? null);
  } catch (err) {
    return poolFailure(
      'ValidationError',
      `the input cannot be sent to the sandbox as JSON: ${(err as Error).message}`,
      request.executionUuid,
    );
  }
}
