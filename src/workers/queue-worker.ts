// The claim loop of one worker process, written once over the queue backend (queue/backend.ts):
//
//   fill():  while free capacity is worth a claim → claim that many → run each in the pool
//   a run ends → its result goes to the ResultWriter (written in batches)
//   stored → announce finished jobs; a freed thread calls fill() again
//
// Wake-ups (notifier, poll timer, a freed thread) call fill(); fill() is single-flight, and a call
// while it runs makes it go round once more (`again`). After a claim came back short with no
// wake-up since, the queue is `drained`: a freed thread does not ask again, and the worker offers
// its idle threads to enqueue instead (direct dispatch, where the backend has it). Lease renewal,
// cancel checks, reclaiming expired leases and progress writes run on timers (upkeep.ts).
import type { Store } from '../store/database.ts';
import type { QueueBackend } from '../queue/backend.ts';
import type { FinishedAttempt } from '../queue/attempt.ts';
import { claimSize, PrefetchDepth } from './prefetch.ts';
import type { ClaimedJob } from '../queue/claim-jobs.ts';
import { anyMetadataLimit } from '../queue/task-limits.ts';
import type { JobEventHub } from '../queue/events.ts';
import type { QueueCaches } from '../queue/caches.ts';
import { systemClock, type QueueClock, type RetryPolicy } from '../queue/clock.ts';
import type { TaskRunResult } from '../runtime/run-task.ts';
import type { ExecutorPool } from './pool.ts';
import { ResultWriter, type PendingResult } from './result-writer.ts';
import { parallelWritesFor } from './result-parts.ts';
import { pendingResult } from './pending-result.ts';
import { DirectReservations, type DispatcherSlot } from '../queue/direct-dispatch.ts';
import { VersionFiles } from './version-files.ts';
import { runAttempt } from './run-attempt.ts';
import type { PauseGate } from '../queue/pause-gate.ts';
import { CANCEL_CHECK_MS, PROGRESS_WRITE_MS, Upkeep, type Active } from './upkeep.ts';

/** How long past the grace period a stopping worker keeps trying to store its last results. */
const STORE_ON_STOP_MS = 1000;
/** How long interrupted runs get to come back from their threads (to be handed back) at stop. */
const HAND_BACK_MS = 2000;

export interface QueueWorkerOptions {
  store: Store;
  queue: QueueBackend;
  /** The application's job-finished hub: every job this worker finishes is announced there. */
  events: JobEventHub;
  /** Where this worker offers its free slots to enqueue (direct dispatch) while it runs. */
  dispatch: DispatcherSlot;
  caches: QueueCaches;
  pool: ExecutorPool;
  workerId: string;
  leaseMs: number;
  pollMs: number;
  batchSize: number;
  /** server.job_queue.task_concurrency. */
  taskLimits?: Readonly<Record<string, number>>;
  policy: RetryPolicy;
  clock?: QueueClock;
  log?: (message: string) => void;
  /** execution.max_result_bytes (queue/fit-result.ts); no cap when absent. */
  maxResultBytes?: number;
  /** `job pause` across every worker sharing the store; never paused when absent. */
  pause?: PauseGate;
}

export class QueueWorker {
  readonly active = new Map<number, Active>();
  completed = 0;
  failed = 0;
  private readonly o: QueueWorkerOptions;
  private readonly clock: QueueClock;
  private readonly writer: ResultWriter;
  private readonly versions: VersionFiles;
  private readonly timers: NodeJS.Timeout[] = [];
  private unsubscribe?: () => void;
  private starting = 0;
  /**
   * The last claim came back short with no wake-up since: nothing else is due, so a thread
   * freeing up need not ask again (that empty claim cost a round trip per job in a chain of jobs).
   * Wake-ups (enqueue, retry, hand-back, reclaim, other processes) clear it; the poll only when its
   * claim finds jobs (poll()).
   */
  private drained = false;
  /** Claims made (for tests and diagnostics). */
  claims = 0;
  /**
   * Direct dispatch (PostgreSQL, queue/direct-dispatch.ts): offered only while drained (the last
   * claim found nothing else due and no wake-up came since, which also means no concurrency limit
   * applies) and while an executor thread is idle and not promised to another job.
   */
  private readonly dispatcher: DirectReservations;
  private runningCount = 0;
  private filling = false;
  private again = false;
  private draining = false;
  private readonly prefetch: PrefetchDepth;

  constructor(o: QueueWorkerOptions) {
    this.o = o;
    this.clock = o.clock ?? systemClock;
    this.versions = new VersionFiles(o.store.db);
    this.prefetch = new PrefetchDepth(o.pool.depth);
    this.writer = new ResultWriter(o.store, o.queue, {
      policy: o.policy,
      clock: this.clock,
      log: o.log,
      onWritten: (written) => this.written(written),
      flushNow: () => this.running === 0,
      maxResultBytes: o.maxResultBytes,
      parallelWrites: parallelWritesFor(o.store),
    });
    this.dispatcher = new DirectReservations({
      workerId: o.workerId,
      leaseMs: o.leaseMs,
      available: (pending) =>
        !this.draining &&
        this.drained &&
        o.queue.insertClaimed !== undefined &&
        pending + this.starting < o.pool.freeSlots() &&
        o.pause?.peek() !== true,
      begin: (claimed) => void this.begin(claimed),
    });
    o.pool.onFree = () => {
      if (!this.drained) void this.fill();
    };
  }

  /** Jobs inserted already claimed by this worker (direct dispatch). */
  get directClaims(): number {
    return this.dispatcher.claims;
  }

  /** Claimed attempts not finished yet (running or waiting in an executor thread's queue). */
  get running(): number {
    return this.runningCount;
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.o.queue.notifier.subscribe(() => this.wake());
    this.o.dispatch.current = this.dispatcher;
    const every = (ms: number, fn: () => Promise<void> | void): void => {
      const t = setInterval(() => void fn(), ms);
      this.timers.push(t);
    };
    every(this.o.pollMs, () => this.poll());
    const upkeep = new Upkeep(this.o, this.clock, this.active, (fn) => this.writer.between(fn));
    every(Math.max(200, Math.floor(this.o.leaseMs / 3)), () => upkeep.renew());
    every(CANCEL_CHECK_MS, () => upkeep.checkCancels());
    every(Math.max(500, Math.floor(this.o.leaseMs / 2)), () => upkeep.reclaim());
    every(PROGRESS_WRITE_MS, () => upkeep.writeProgress());
    await upkeep.reclaim();
    await this.fill();
  }

  /**
   * Claims up to the free capacity, repeatedly while full batches keep coming. With work in every
   * thread's queue it waits until half the capacity is free, so claims come in batches; an idle
   * thread (or an idle queue) claims at once, whatever is due.
   */
  async fill(keepDrained = false): Promise<void> {
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = true;
    try {
      // Cached between reads (no await then): pausing costs no query and no tick per claim.
      const paused = this.o.pause?.paused();
      if (paused === true || (typeof paused === 'object' && (await paused))) {
        this.drained = false;
        return;
      }
      if (!keepDrained) this.drained = false;
      do {
        this.again = false;
        if (this.draining) return;
        const want = this.wanted();
        if (want === 0) break;
        this.claims++;
        const claimed = await this.o.queue.claim(this.claimOptions(want));
        if (claimed.length > 0) this.drained = false;
        for (const c of claimed) void this.begin(c);
        if (claimed.length === want) this.again = true;
        else if (!this.again) {
          const drained = await this.drainedAfterShortClaim();
          // A wake-up meanwhile sets `again`: look once more instead.
          if (!this.again) this.drained = drained;
        }
      } while (this.again);
    } catch (err) {
      this.o.log?.(`claiming jobs failed: ${(err as Error).message}`);
    } finally {
      this.filling = false;
    }
  }

  private wake(): void {
    this.drained = false;
    void this.fill();
  }

  /**
   * The poll is a safety net (delayed jobs coming due, a missed notification), not news of work:
   * a drained worker stays drained while the poll's claim is in flight, so a workflow's next step
   * enqueued meanwhile still goes straight to an idle thread; what the claim finds decides.
   */
  private poll(): void {
    void this.fill(this.drained);
  }

  /**
   * Whether a short claim means nothing is due. Not with concurrency limits: a limited job
   * finishing frees a slot for a waiting one without any wake-up, so a freed thread must look.
   */
  private async drainedAfterShortClaim(): Promise<boolean> {
    if (this.o.taskLimits && Object.keys(this.o.taskLimits).length > 0) return false;
    return !(await anyMetadataLimit(this.o.store, this.o.caches));
  }

  /** How many jobs to claim now (0: not yet): prefetch.ts `claimSize`. */
  private wanted(): number {
    const { pool } = this.o;
    return claimSize({
      threads: pool.usableThreads(),
      depth: this.prefetch.depth(),
      freeCapacity: pool.freeCapacity(),
      outstanding: pool.outstanding(),
      starting: this.starting,
      batchSize: this.o.batchSize,
      idleThread: () => pool.hasIdleThread(),
    });
  }

  private claimOptions(limit: number) {
    return {
      workerId: this.o.workerId,
      limit,
      leaseMs: this.o.leaseMs,
      now: this.clock.now(),
      taskLimits: this.o.taskLimits,
      caches: this.o.caches,
    };
  }

  private async begin(c: ClaimedJob): Promise<void> {
    const active: Active = { claimed: c, cancelRequested: false, handBack: false, done: false };
    this.active.set(c.job.id, active);
    // Counted against free capacity until its files are loaded and a thread has it.
    this.starting++;
    this.runningCount++;
    const result = await runAttempt(c, {
      pool: this.o.pool,
      versions: this.versions,
      started: () => this.starting--,
      progress: (event) => {
        active.progress = event;
        active.progressDirty = true;
      },
      logs: (entries, dropped) =>
        this.o.events.emitLogs({ jobId: c.job.id, executionId: c.executionId, entries, dropped }),
    });
    this.finish(active, result);
  }

  private finish(active: Active, result: TaskRunResult): void {
    active.done = true;
    this.prefetch.observe(result.durationMs);
    this.runningCount--;
    this.writer.push(pendingResult(active, result, this.o.workerId, this.clock.now()));
  }

  private written(
    written: {
      pending: PendingResult;
      finished: FinishedAttempt | undefined;
    }[],
  ): void {
    let requeued = false;
    for (const { pending, finished } of written) {
      this.active.delete(pending.result.jobId);
      if (!finished) continue;
      const status = finished.jobStatus;
      if (status === 'COMPLETED') this.completed++;
      else if (status === 'FAILED') this.failed++;
      if (status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED') {
        void this.o.events.emit({
          job: finished.job,
          execution: finished.execution,
          status,
        });
      } else requeued = true;
    }
    // A retry or hand-back may be due for other workers (hand-back) or later (poll covers retries).
    if (requeued) void this.o.queue.notifier.notify().catch(() => {});
  }

  /**
   * Graceful stop: claim nothing more, let running jobs finish within graceMs, then interrupt the
   * rest and hand them back to the queue; store every result before returning.
   */
  async stop(graceMs: number): Promise<void> {
    this.draining = true;
    this.unsubscribe?.();
    if (this.o.dispatch.current === this.dispatcher) this.o.dispatch.current = undefined;
    // Jobs queued behind another in a thread go back to the queue at once; the grace period is for
    // the ones running (or next to run) in each thread.
    for (const id of this.o.pool.withdrawBacklog()) {
      const a = this.active.get(id);
      if (a) a.handBack = true;
    }
    const deadline = Date.now() + graceMs;
    // A direct dispatch whose insert is still in flight starts its job when it lands: wait for it.
    await waitUntil(() => this.dispatcher.inFlight === 0, deadline, 5);
    await waitUntil(() => this.running === 0, deadline, 20);
    if (this.running > 0) {
      for (const [id, a] of this.active) {
        if (a.done) continue;
        a.handBack = true;
        this.o.pool.cancel(id);
      }
      await waitUntil(() => this.running === 0, Date.now() + HAND_BACK_MS, 10);
    }
    // Results that cannot be stored by then (the database is down) are given up: their leases
    // expire and the jobs run again elsewhere. Waiting longer kept the process alive for ever.
    const writeDeadline = Math.max(deadline, Date.now()) + STORE_ON_STOP_MS;
    await waitUntil(
      async () => {
        await this.writer.flush();
        return this.writer.pending === 0 && this.starting === 0;
      },
      writeDeadline,
      50,
    );
    const dropped = this.writer.close();
    if (dropped > 0) {
      this.o.log?.(
        `${dropped} job result(s) could not be stored before shutdown; those jobs run again once their leases expire`,
      );
    }
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }
}

/** Checks `done` every stepMs until it holds or the deadline passed (checked at least once). */
async function waitUntil(
  done: () => boolean | Promise<boolean>,
  deadline: number,
  stepMs: number,
): Promise<void> {
  while (!(await done()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
