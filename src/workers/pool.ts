// The executor pool: a fixed number of executor threads, each running one sandbox at a time from a
// small local queue (`depth` runs sent ahead, so a thread never waits for the main thread between
// runs). run() queues a request; a dispatch round sends each thread one batch message. A run not
// started yet can be withdrawn (cancel, hand-back) and is moved to an idle thread when another
// thread's queue is stuck behind a long run (work stealing). The supervisor (supervisor.ts) restarts
// threads that die; the watchdog (runtime/watchdog.ts) replaces a thread whose run outlives its
// deadline or a cancel, so both always end; unstarted runs of a lost thread go to other threads.
// Nothing thrown here may escape into a microtask or an event handler: that would end the process.
// With idleThreadMs, threads start only when work needs them and exit after idling that long: an
// idle server keeps no executor thread (each holds its own V8 heap and WebAssembly instances).
import { Worker } from 'node:worker_threads';
import type { HttpClientOptions } from '../http/client.ts';
import type { RuntimeLimits, TaskRunResult } from '../runtime/run-task.ts';
import type { HostStop, LogEntry, ProgressEvent } from '../runtime/types.ts';
import {
  DeadlineCell,
  onThreadLost,
  SANDBOX_THREAD_LIMITS,
  Watchdog,
  type Watched,
} from '../runtime/watchdog.ts';
import type { ExecutorThreadData, FromThread, RunMessage, ThreadResult } from './messages.ts';
import { Slot, notStarted, poolFailure, type PoolRun, type RunRequest } from './slot.ts';
import { compiledWasmForThreads } from '../runtime/module-pool.ts';
import { Supervisor, type SupervisorOptions } from './supervisor.ts';

export { Slot, poolFailure, type PoolRun, type RunRequest } from './slot.ts';

const THREAD_URL = new URL(
  `./executor-thread-entry${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

export interface PoolOptions extends SupervisorOptions {
  size: number;
  /** Runs sent ahead to each thread (1: one at a time, for callers that size work by idle threads). */
  depth?: number;
  http: HttpClientOptions;
  limits: RuntimeLimits;
  /**
   * Start threads on demand and let a thread exit after this long without a run
   * (server.workers.idle_thread_seconds); 0 or absent: every thread runs from construction on.
   */
  idleThreadMs?: number;
}

export class ExecutorPool {
  readonly slots: (Slot | undefined)[] = [];
  readonly depth: number;
  private readonly opts: PoolOptions;
  private readonly supervisor: Supervisor;
  readonly watchdog: Watchdog;
  /** Runs waiting for room in some thread's queue, in order. */
  private waiting: PoolRun[] = [];
  private dispatchQueued = false;
  private closed = false;
  /** Slots with no thread until work needs one (on-demand pools: not started yet, or retired). */
  private readonly dormant: boolean[] = [];
  private idleTimer?: NodeJS.Timeout;
  /** Called whenever a run leaves a thread (the queue worker claims more). */
  onFree: () => void = () => {};

  constructor(opts: PoolOptions) {
    this.opts = opts;
    this.depth = Math.max(1, opts.depth ?? 1);
    this.supervisor = new Supervisor(this, opts);
    this.watchdog = new Watchdog(() => this.live().map((slot) => this.watched(slot)));
    const idleMs = opts.idleThreadMs ?? 0;
    for (let i = 0; i < opts.size; i++) {
      this.dormant.push(idleMs > 0);
      this.slots.push(idleMs > 0 ? undefined : this.startThread(i));
    }
    if (idleMs > 0) {
      this.idleTimer = setInterval(() => this.retireIdle(idleMs), Math.max(10, Math.min(5000, idleMs / 4)));
      this.idleTimer.unref();
    }
    this.supervisor.start();
  }

  private dormantCount(): number {
    return this.dormant.filter(Boolean).length;
  }

  /** Threads running now (on-demand pools start them with work and retire them when idle). */
  threadCount(): number {
    return this.slots.filter((s) => s !== undefined).length;
  }

  /** Starts a thread in a dormant slot; undefined when every slot has one (or is restarting). */
  private wake(): Slot | undefined {
    const index = this.dormant.indexOf(true);
    if (index < 0 || this.closed) return undefined;
    this.dormant[index] = false;
    const slot = this.startThread(index);
    this.slots[index] = slot;
    return slot;
  }

  /** Ends the threads that had nothing to do for idleMs; their slots start a new thread on demand. */
  private retireIdle(idleMs: number): void {
    const now = Date.now();
    for (const slot of this.live()) {
      if (slot.runs.size > 0 || now - slot.lastUsed < idleMs) continue;
      slot.exiting = true;
      this.slots[slot.index] = undefined;
      this.dormant[slot.index] = true;
      void slot.worker.terminate();
    }
  }

  get size(): number {
    return this.opts.size;
  }

  private live(): Slot[] {
    return this.slots.filter((s): s is Slot => s !== undefined && !s.exiting);
  }

  /** Threads with nothing sent to them (a dormant slot counts: it starts a thread on demand). */
  freeSlots(): number {
    const idle = this.live().filter((s) => s.runs.size === 0).length + this.dormantCount();
    return Math.max(0, idle - this.waiting.length);
  }

  /** Runs the threads can still take (free local-queue entries, less runs already waiting). */
  freeCapacity(): number {
    let room = this.dormantCount() * this.depth;
    for (const s of this.live()) room += s.room;
    return room - this.waiting.length;
  }

  /** Runs sent to threads or waiting for one. */
  outstanding(): number {
    let n = this.waiting.length;
    for (const s of this.slots) n += s?.runs.size ?? 0;
    return n;
  }

  busyCount(): number {
    return this.slots.filter((s) => s && s.runs.size > 0).length;
  }

  /** True when some thread has nothing to do (or a dormant slot could start one). */
  hasIdleThread(): boolean {
    return this.dormant.includes(true) || this.live().some((s) => s.runs.size === 0);
  }

  startThread(index: number): Slot {
    const control = Slot.controlBuffer(this.depth);
    const cell = new DeadlineCell();
    const data: ExecutorThreadData = {
      http: this.opts.http,
      limits: this.opts.limits,
      control,
      deadline: cell.buffer,
      wasm: compiledWasmForThreads(),
    };
    const worker = new Worker(THREAD_URL, { workerData: data, resourceLimits: SANDBOX_THREAD_LIMITS });
    const slot = new Slot(index, worker, new Int32Array(control), cell, this.depth);
    worker.on('message', (m: FromThread) => this.onMessage(slot, m));
    onThreadLost(worker, `executor thread ${index}`, (why, crashed) =>
      crashed ? this.lost(slot, why) : this.replace(slot, 'InternalError', why),
    );
    return slot;
  }

  /** A thread as the watchdog sees it. */
  private watched(slot: Slot): Watched {
    return {
      busy: () => slot.runs.size > 0,
      cell: slot.cell,
      cancelledAt: () => slot.running()?.cancelledAt,
      stop: (verdict: HostStop, message: string) =>
        this.replace(slot, verdict === 'cancelled' ? 'CancelledError' : 'TimeoutError', message),
    };
  }

  private onMessage(slot: Slot, m: FromThread): void {
    try {
      if (m.type === 'pong') {
        if (slot.ping?.id === m.id) slot.ping = undefined;
        return;
      }
      if (m.type === 'progress') {
        slot.runs.get(m.seq)?.onProgress?.(m.event);
        return;
      }
      if (m.type === 'logs') {
        slot.runs.get(m.seq)?.onLogs?.(m.entries, m.dropped);
        return;
      }
      const run = slot.release(m.seq);
      if (!run) return;
      run.resolve(withOutput(m.result));
      if (slot.runs.size === 0 && this.waiting.length === 0) this.steal(slot);
      if (this.waiting.length > 0) this.dispatch();
      this.onFree();
    } catch (err) {
      this.opts.log?.(`executor pool: handling a message of thread ${slot.index} failed: ${String(err)}`);
    }
  }

  /** An idle thread takes the unstarted tail of the longest other queue. */
  private steal(idle: Slot): void {
    let donor: Slot | undefined;
    for (const s of this.live()) if (s !== idle && s.runs.size > (donor?.runs.size ?? 1)) donor = s;
    if (!donor || idle.exiting) return;
    const tail = [...donor.runs.values()].slice(1).reverse();
    const take = Math.ceil(tail.length / 2);
    const taken: PoolRun[] = [];
    for (const run of tail) {
      if (taken.length >= take || !donor.withdraw(run)) break;
      taken.push(run);
    }
    this.waiting.unshift(...taken.reverse());
  }

  /** A thread died or was terminated: its unstarted runs go back to the queue, the running one fails. */
  private lost(slot: Slot, why: string, type = 'WorkerCrashed', replaced = false): void {
    if (this.slots[slot.index] !== slot) return;
    this.slots[slot.index] = undefined;
    const back: PoolRun[] = [];
    for (const run of [...slot.runs.values()]) {
      slot.release(run.seq!);
      if (slot.neverStarted(run) && !this.closed) back.push(run);
      else run.resolve(poolFailure(type, why, run.request.executionUuid));
    }
    this.waiting.unshift(...back);
    if (!this.closed) {
      this.supervisor.threadLost(slot.index, why, slot.startedAt, replaced);
      this.dispatch();
    }
  }

  /** Replaces a thread (hung or unhealthy); its running run fails with the given error. */
  replace(slot: Slot, type: string, why: string): void {
    if (this.slots[slot.index] !== slot) return;
    slot.exiting = true;
    // Claim every unstarted entry first, so the dying thread cannot start one meanwhile.
    const back = [...slot.runs.values()].filter((run) => slot.withdraw(run));
    this.waiting.unshift(...back);
    this.lost(slot, why, type, true);
    void slot.worker.terminate();
  }

  restart(index: number): void {
    if (this.closed || this.slots[index]) return;
    this.slots[index] = this.startThread(index);
    this.dispatch();
    this.onFree();
  }

  /** Queues a run; it starts on the first thread with room, in order. Never throws or rejects. */
  run(
    request: RunRequest,
    onProgress?: (e: ProgressEvent) => void,
    onLogs?: (entries: LogEntry[], dropped: number) => void,
  ): Promise<TaskRunResult> {
    if (this.closed) {
      return Promise.resolve(
        poolFailure('WorkerShutdown', 'the executor pool closed', request.executionUuid),
      );
    }
    let inputJson: string;
    try {
      inputJson = JSON.stringify(request.input ?? null);
    } catch (err) {
      return Promise.resolve(
        poolFailure(
          'ValidationError',
          `the input cannot be sent to the sandbox as JSON: ${(err as Error).message}`,
          request.executionUuid,
        ),
      );
    }
    return new Promise((resolve) => {
      this.waiting.push({ request, inputJson, resolve, onProgress, onLogs });
      // Runs queued in the same tick (a claimed batch) go out together, one message per thread.
      if (!this.dispatchQueued) {
        this.dispatchQueued = true;
        queueMicrotask(() => {
          this.dispatchQueued = false;
          this.dispatch();
        });
      }
    });
  }

  /** Sends waiting runs to threads; a run that cannot be sent fails alone, nothing escapes. */
  private dispatch(): void {
    try {
      this.sendWaiting();
    } catch (err) {
      this.opts.log?.(`executor pool: dispatching failed: ${String(err)}`);
    }
  }

  private sendWaiting(): void {
    const batches = new Map<Slot, RunMessage[]>();
    const live = this.live();
    while (this.waiting.length > 0) {
      // The thread with the shortest queue (an idle one first) takes the next run.
      let best: Slot | undefined;
      for (const s of live) if (s.room > 0 && (!best || s.runs.size < best.runs.size)) best = s;
      // No idle thread: a dormant slot starts one (its messages wait until the thread is up).
      if (!best || best.runs.size > 0) {
        const woken = this.wake();
        if (woken) {
          live.push(woken);
          best = woken;
        }
      }
      if (!best) break;
      const run = this.waiting.shift()!;
      let message: RunMessage;
      try {
        message = best.prepare(run);
      } catch (err) {
        if (run.seq !== undefined && best.runs.get(run.seq) === run) best.withdraw(run);
        run.resolve(
          poolFailure(
            'InternalError',
            `the run could not be prepared: ${String(err)}`,
            run.request.executionUuid,
          ),
        );
        continue;
      }
      const batch = batches.get(best);
      if (batch) batch.push(message);
      else batches.set(best, [message]);
    }
    for (const [slot, runs] of batches) {
      try {
        slot.worker.postMessage({ type: 'runs', runs });
      } catch (err) {
        // The thread never got them: take each back and fail it with the reason.
        for (const m of runs) {
          const run = slot.runs.get(m.seq);
          if (!run || !slot.withdraw(run)) continue;
          run.resolve(
            poolFailure(
              'InternalError',
              `the run could not be sent to its thread: ${String(err)}`,
              m.executionUuid,
            ),
          );
        }
      }
    }
    if (batches.size > 0) this.watchdog.arm();
  }

  /** Interrupts or withdraws the run of jobId, wherever it is; true when found. */
  cancel(jobId: number): boolean {
    return this.takeBack(jobId, true) !== 'absent';
  }

  /**
   * Withdraws the run of jobId if it has not started (it resolves as a CancelledError); leaves a
   * running one alone. True when withdrawn.
   */
  withdraw(jobId: number): boolean {
    return this.takeBack(jobId, false) === 'withdrawn';
  }

  /**
   * Withdraws every run queued behind another (each thread keeps the run at its head, which is
   * running or about to); the withdrawn runs resolve as CancelledError. Returns their job ids.
   */
  withdrawBacklog(): number[] {
    const taken = this.waiting;
    this.waiting = [];
    for (const slot of this.slots) {
      for (const run of [...(slot?.runs.values() ?? [])].slice(1)) if (slot!.withdraw(run)) taken.push(run);
    }
    for (const run of taken) run.resolve(notStarted(run));
    return taken.map((r) => r.request.jobId);
  }

  private takeBack(jobId: number, interrupt: boolean): 'withdrawn' | 'interrupted' | 'absent' {
    const waitingAt = this.waiting.findIndex((r) => r.request.jobId === jobId);
    if (waitingAt >= 0) {
      const [run] = this.waiting.splice(waitingAt, 1);
      run!.resolve(notStarted(run!));
      return 'withdrawn';
    }
    for (const slot of this.slots) {
      if (!slot) continue;
      for (const run of slot.runs.values()) {
        if (run.request.jobId !== jobId) continue;
        if (slot.withdraw(run)) {
          run.resolve(notStarted(run));
          this.dispatch();
          this.onFree();
          return 'withdrawn';
        }
        if (interrupt) {
          slot.interrupt(jobId);
          // The sandbox stops at its next interrupt check; the watchdog ends it if it never comes.
          run.cancelledAt ??= Date.now();
          this.watchdog.arm();
        }
        return 'interrupted';
      }
    }
    return 'absent';
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.idleTimer);
    this.supervisor.stop();
    this.watchdog.disarm();
    const slots = this.slots.filter((s): s is Slot => s !== undefined);
    this.slots.fill(undefined);
    const runs = [...this.waiting, ...slots.flatMap((s) => [...s.runs.values()])];
    this.waiting = [];
    for (const run of runs) {
      run.resolve(poolFailure('WorkerShutdown', 'the executor pool closed', run.request.executionUuid));
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

/** A thread's result with its output parsed from the JSON text it crossed as (RunMessage). */
function withOutput(result: ThreadResult): TaskRunResult {
  const { outputJson, ...rest } = result;
  if (outputJson === undefined) return rest;
  try {
    return { ...rest, output: JSON.parse(outputJson) as unknown };
  } catch (err) {
    return {
      ...rest,
      status: 'FAILED',
      error: { type: 'InternalError', message: `the task's output could not be read: ${String(err)}` },
    };
  }
}
