// The executor pool: a fixed number of executor threads, each running one sandbox at a time from a
// small local queue (`depth` runs sent ahead, so a thread never waits for the main thread between
// runs). run() queues a request; a dispatch round sends each thread one batch message. A run not
// started yet can be withdrawn (cancel, hand-back) and is moved to an idle thread when another
// thread's queue is stuck behind a long run (work stealing). The supervisor (supervisor.ts) restarts
// threads that die; the watchdog (runtime/watchdog.ts) replaces a thread whose run outlives its
// deadline or a cancel, so both always end; unstarted runs of a lost thread go to other threads.
// Nothing thrown here may escape into a microtask or an event handler: that would end the process.
// Starting a thread and routing its messages is executor-threads.ts; placing runs, pool-placement.ts.
// With idleThreadMs, threads start only when work needs them and exit after idling that long: an
// idle server keeps no executor thread (each holds its own V8 heap and WebAssembly instances).
import type { HttpClientOptions } from '../http/client.ts';
import type { RuntimeLimits, TaskRunResult } from '../runtime/run-task.ts';
import type { LogEntry, ProgressEvent } from '../runtime/types.ts';
import { Watchdog } from '../runtime/watchdog.ts';
import type { ThreadResult } from './messages.ts';
import { inputJsonOf, notStarted, poolFailure, type PoolRun, type RunRequest, type Slot } from './slot.ts';
import {
  findRun,
  placeWaiting,
  postBatches,
  readThreadResult,
  stealFor,
  withdrawQueued,
} from './pool-placement.ts';
import { startExecutorThread, watchedThread } from './executor-threads.ts';
import { Supervisor, type SupervisorOptions } from './supervisor.ts';
import { DormantSlots } from './dormant-slots.ts';
import { STALL_MS, ThreadGrowth } from './thread-growth.ts';

export { Slot, poolFailure, type PoolRun, type RunRequest } from './slot.ts';

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
  /** On-demand pools: threads starting at once at most (default: the cores but one, at least 1). */
  maxStarting?: number;
  /** On-demand pools: a typical run shorter than this starts no further thread (thread-growth.ts). */
  minRunMs?: number;
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
  private readonly dormant: DormantSlots;
  /** When dormant slots may start threads (thread-growth.ts). */
  private readonly growth: ThreadGrowth;
  private stallTimer?: NodeJS.Timeout;
  /** Called whenever a run leaves a thread (the queue worker claims more). */
  onFree: () => void = () => {};

  constructor(opts: PoolOptions) {
    this.opts = opts;
    this.depth = Math.max(1, opts.depth ?? 1);
    this.supervisor = new Supervisor(this, opts);
    this.watchdog = new Watchdog(() =>
      this.live().map((slot) => watchedThread(slot, (type, why) => this.replace(slot, type, why))),
    );
    this.dormant = new DormantSlots(opts.size, opts.idleThreadMs ?? 0);
    this.growth = new ThreadGrowth(opts.maxStarting, opts.minRunMs);
    for (let i = 0; i < opts.size; i++)
      this.slots.push(this.dormant.idleMs > 0 ? undefined : this.startThread(i));
    this.dormant.retireIdleThreads(
      () => this.live(),
      (slot) => (this.slots[slot.index] = undefined),
    );
    this.supervisor.start();
  }

  /** Threads running now (on-demand pools start them with work and retire them when idle). */
  threadCount(): number {
    return this.slots.filter((s) => s !== undefined).length;
  }

  /** Starts a thread in a dormant slot; undefined when none is dormant or growth waits (thread-growth.ts). */
  private wake(): Slot | undefined {
    if (this.closed || !this.dormant.any()) return undefined;
    const live = this.live();
    const verdict = this.growth.mayStart(live.length, live.filter((s) => !s.ready).length);
    if (verdict === 'short') this.retryWhenStalled();
    if (verdict !== 'yes') return undefined;
    const index = this.dormant.take();
    if (index < 0) return undefined;
    const slot = this.startThread(index);
    this.slots[index] = slot;
    return slot;
  }

  /**
   * Work is waiting (a worker starting on a backlog): start the first thread now, not when the
   * first claimed run reaches the pool, so its start overlaps the worker's start-up and first claim.
   * Nothing when a thread runs already (or every thread started with the pool).
   */
  startForWaitingWork(): void {
    if (this.live().length === 0) this.wake();
  }

  /** Runs are short, so no thread started: should they stop finishing (a long run), start one then. */
  private retryWhenStalled(): void {
    if (this.stallTimer) return;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      if (this.outstanding() > this.busyCount() && this.wake()) this.dispatch();
    }, STALL_MS);
    this.stallTimer.unref();
  }

  get size(): number {
    return this.opts.size;
  }

  private live(): Slot[] {
    return this.slots.filter((s): s is Slot => s !== undefined && !s.exiting);
  }

  /** Threads with nothing sent to them (a dormant slot counts while it may start a thread). */
  freeSlots(): number {
    const live = this.live();
    const idle = live.filter((s) => s.runs.size === 0).length + this.wakeable(live);
    return Math.max(0, idle - this.waiting.length);
  }

  /**
   * Threads that can take runs now: the live ones and the dormant slots that may start one (while
   * runs are short, none: thread-growth.ts). Claims are sized for these, not for the pool's size.
   */
  usableThreads(): number {
    const live = this.live();
    return live.length + this.wakeable(live);
  }

  /** Runs the threads can still take (free local-queue entries, less runs already waiting). */
  freeCapacity(): number {
    const live = this.live();
    let room = this.wakeable(live) * this.depth;
    for (const s of live) room += s.room;
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

  /** Dormant slots that may start a thread beside these live threads (thread-growth.ts). */
  private wakeable(live: Slot[]): number {
    return this.growth.wakeable(this.dormant.count(), live.length);
  }

  /** True when some thread has nothing to do (or a dormant slot could start one). */
  hasIdleThread(): boolean {
    const live = this.live();
    return this.wakeable(live) > 0 || live.some((s) => s.runs.size === 0);
  }

  startThread(index: number): Slot {
    const { http, limits, log } = this.opts;
    return startExecutorThread(
      { index, depth: this.depth, http, limits },
      {
        up: (slot) => this.threadUp(slot),
        result: (slot, seq, result) => this.settled(slot, seq, result),
        lost: (slot, why, crashed) =>
          crashed ? this.lost(slot, why) : this.replace(slot, 'InternalError', why),
        log,
      },
    );
  }

  /** A run's result came back: resolve it, then give its thread more work and the worker room. */
  private settled(slot: Slot, seq: number, result: ThreadResult): void {
    const run = slot.release(seq);
    if (!run) return;
    if (slot.finished++ > 0) this.growth.observe(result.durationMs);
    run.resolve(readThreadResult(result));
    this.stealIfIdle(slot);
    if (this.waiting.length > 0) this.dispatch();
    this.onFree();
  }

  /** A thread is up: start the one a wake was refused for meanwhile; an empty one takes queued runs. */
  private threadUp(slot: Slot): void {
    slot.ready = true;
    this.growth.threadUp();
    if (this.growth.owed) this.wake();
    this.stealIfIdle(slot);
    this.dispatch();
  }

  /** With nothing queued anywhere else, a thread left without runs takes some of a busier one's. */
  private stealIfIdle(slot: Slot): void {
    if (slot.runs.size === 0 && this.waiting.length === 0)
      this.waiting.unshift(...stealFor(slot, this.live()));
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
    const inputJson = inputJsonOf(request);
    if (typeof inputJson !== 'string') return Promise.resolve(inputJson);
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
    const batches = placeWaiting(this.waiting, this.live(), () => this.wake());
    postBatches(batches);
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
    const taken = [...this.waiting, ...withdrawQueued(this.slots)];
    this.waiting = [];
    for (const run of taken) run.resolve(notStarted(run));
    return taken.map((r) => r.request.jobId);
  }

  private takeBack(jobId: number, interrupt: boolean): 'withdrawn' | 'interrupted' | 'absent' {
    const found = findRun(this.waiting, this.slots, jobId);
    if (!found) return 'absent';
    const { run, slot } = found;
    if (!slot) {
      this.waiting.splice(this.waiting.indexOf(run), 1);
      run.resolve(notStarted(run));
      return 'withdrawn';
    }
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

  async close(): Promise<void> {
    this.closed = true;
    this.dormant.stop();
    clearTimeout(this.stallTimer);
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
