// The executor pool: a fixed number of executor threads, each running one sandbox at a time.
// run() hands a job to a free thread; cancel() flips that thread's shared flag. The supervisor
// (supervisor.ts) restarts threads that die and replaces threads that hang.
import { Worker } from 'node:worker_threads';
import type { HttpClientOptions } from '../http/client.ts';
import type { RuntimeLimits, TaskRunResult } from '../runtime/run-task.ts';
import type { ProgressEvent } from '../runtime/types.ts';
import type { ExecutorThreadData, FromThread, RunMessage } from './messages.ts';
import { Supervisor, type SupervisorOptions } from './supervisor.ts';

const THREAD_URL = new URL(
  `./executor-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

export type RunRequest = Omit<RunMessage, 'type' | 'files'> & { files: () => Record<string, string> };

export interface PoolRun {
  request: RunRequest;
  resolve: (r: TaskRunResult) => void;
  onProgress?: (e: ProgressEvent) => void;
  /** Set by the thread's `started` message: when the sandbox must have stopped on its own. */
  deadline?: number;
}

export interface Slot {
  index: number;
  worker: Worker;
  cancelFlag: Int32Array;
  seen: Set<number>;
  busy?: PoolRun;
  startedAt: number;
  /** Pending health ping id and when it was sent. */
  ping?: { id: number; at: number };
  exiting?: boolean;
}

export interface PoolOptions extends SupervisorOptions {
  size: number;
  http: HttpClientOptions;
  limits: RuntimeLimits;
}

/** A failure the pool itself reports for a run (thread crashed or was replaced). */
export function poolFailure(type: string, message: string, executionId: string): TaskRunResult {
  return {
    status: 'FAILED',
    executionId,
    error: { type, message },
    logs: [],
    progress: [],
    http: [],
    durationMs: 0,
  };
}

export class ExecutorPool {
  readonly slots: (Slot | undefined)[] = [];
  private readonly opts: PoolOptions;
  private readonly supervisor: Supervisor;
  private closed = false;
  /** Called whenever a thread becomes free (the queue worker claims more). */
  onFree: () => void = () => {};

  constructor(opts: PoolOptions) {
    this.opts = opts;
    this.supervisor = new Supervisor(this, opts);
    for (let i = 0; i < opts.size; i++) this.slots.push(this.startThread(i));
    this.supervisor.start();
  }

  get size(): number {
    return this.opts.size;
  }

  freeSlots(): number {
    return this.slots.filter((s) => s && !s.busy && !s.exiting).length;
  }

  busyCount(): number {
    return this.slots.filter((s) => s?.busy).length;
  }

  startThread(index: number): Slot {
    const cancel = new SharedArrayBuffer(4);
    const data: ExecutorThreadData = { http: this.opts.http, limits: this.opts.limits, cancelFlag: cancel };
    const worker = new Worker(THREAD_URL, { workerData: data });
    const slot: Slot = {
      index,
      worker,
      cancelFlag: new Int32Array(cancel),
      seen: new Set(),
      startedAt: Date.now(),
    };
    worker.on('message', (m: FromThread) => this.onMessage(slot, m));
    worker.on('error', (err) => this.lost(slot, `executor thread ${index} crashed: ${err.message}`));
    worker.on('exit', (code) => this.lost(slot, `executor thread ${index} exited with code ${code}`));
    return slot;
  }

  private onMessage(slot: Slot, m: FromThread): void {
    if (m.type === 'pong') {
      if (slot.ping?.id === m.id) slot.ping = undefined;
      return;
    }
    const run = slot.busy;
    if (!run || run.request.jobId !== m.jobId) return;
    if (m.type === 'started') run.deadline = Date.now() + m.timeoutMs;
    else if (m.type === 'progress') run.onProgress?.(m.event);
    else {
      slot.busy = undefined;
      run.resolve(m.result);
      this.onFree();
    }
  }

  /** A thread died or was terminated: fail its run, and let the supervisor restart the slot. */
  private lost(slot: Slot, why: string): void {
    if (this.slots[slot.index] !== slot) return;
    this.slots[slot.index] = undefined;
    const run = slot.busy;
    slot.busy = undefined;
    run?.resolve(poolFailure('WorkerCrashed', why, run.request.executionUuid));
    if (!this.closed) this.supervisor.threadLost(slot.index, why, slot.startedAt);
  }

  /** Replaces a thread (hung or unhealthy); its run, if any, fails with the given error. */
  replace(slot: Slot, type: string, why: string): void {
    if (this.slots[slot.index] !== slot) return;
    this.slots[slot.index] = undefined;
    slot.exiting = true;
    const run = slot.busy;
    slot.busy = undefined;
    run?.resolve(poolFailure(type, why, run.request.executionUuid));
    void slot.worker.terminate();
    if (!this.closed) this.supervisor.threadLost(slot.index, why, slot.startedAt, true);
  }

  restart(index: number): void {
    if (this.closed || this.slots[index]) return;
    this.slots[index] = this.startThread(index);
    this.onFree();
  }

  /** Runs on a free thread; the caller checks freeSlots() first. */
  run(request: RunRequest, onProgress?: (e: ProgressEvent) => void): Promise<TaskRunResult> {
    const slot = this.slots.find((s) => s && !s.busy && !s.exiting);
    if (!slot || this.closed) {
      return Promise.resolve(poolFailure('InternalError', 'no free executor thread', request.executionUuid));
    }
    return new Promise((resolve) => {
      slot.busy = { request, resolve, onProgress };
      const { files, ...rest } = request;
      const message: RunMessage = { type: 'run', ...rest };
      if (!slot.seen.has(request.versionId)) {
        message.files = files();
        slot.seen.add(request.versionId);
      }
      slot.worker.postMessage(message);
    });
  }

  /** Interrupts the run of jobId, if a thread is running it; true when found. */
  cancel(jobId: number): boolean {
    for (const slot of this.slots) {
      if (slot?.busy?.request.jobId === jobId) {
        Atomics.store(slot.cancelFlag, 0, jobId);
        return true;
      }
    }
    return false;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.supervisor.stop();
    const slots = this.slots.filter((s): s is Slot => s !== undefined);
    this.slots.fill(undefined);
    for (const s of slots) {
      s.busy?.resolve(
        poolFailure('WorkerShutdown', 'the executor pool closed', s.busy.request.executionUuid),
      );
      s.busy = undefined;
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
