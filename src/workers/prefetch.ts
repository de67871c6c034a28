// How many claimed jobs each executor thread should hold, from how long runs take. Queued-ahead
// jobs exist so a thread never waits for the next claim, and short jobs need many of them: a claim
// and its commit cost the same for 1 job or 32, so deep queues batch them (no-op jobs: 16 ahead ->
// 32 ahead took SQLite from about 5.5k to 7.5k jobs/s; 32 -> 128, from 8.7k to 10.4k from a
// 20,000-job backlog). Long jobs need almost none, and a deep queue of them only holds work another
// worker could start. So the depth covers about QUEUED_WORK_MS of runs per thread, between 1 and
// server.workers.prefetch_per_thread; before any run was timed it is at most UNTIMED_DEPTH, so a
// worker starting on a backlog of long jobs takes no more of them than that, and other workers
// starting beside it get the rest (at 32, the first of two one-thread workers took all of a
// 12-job backlog of 200 ms jobs and the second ran none). Short runs cost little for it: a thread
// builds its sandbox before it takes runs, so the first run is timed milliseconds after the start.

/** Work (in run time) a thread should have queued behind its current run. */
export const QUEUED_WORK_MS = 100;
/** Jobs per thread held before any run was timed (the most a first claim takes per thread). */
export const UNTIMED_DEPTH = 4;
/** Weight of the newest run in the moving average (about the last 20 runs count). */
const WEIGHT = 0.05;

export class PrefetchDepth {
  private averageMs: number | undefined;
  private readonly max: number;

  constructor(max: number) {
    this.max = Math.max(1, max);
  }

  /** A run finished after `ms` (anything that ran: completed, failed or timed out). */
  observe(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.averageMs = this.averageMs === undefined ? ms : this.averageMs + WEIGHT * (ms - this.averageMs);
  }

  /** Jobs per thread to hold now: up to UNTIMED_DEPTH until a run has been seen. */
  depth(): number {
    if (this.averageMs === undefined) return Math.min(this.max, UNTIMED_DEPTH);
    const wanted = Math.ceil(QUEUED_WORK_MS / Math.max(this.averageMs, 0.01));
    return Math.min(this.max, Math.max(1, wanted));
  }
}

export interface ClaimSituation {
  /** Threads that can take runs now (the pool's usableThreads: live, or startable while runs are long). */
  threads: number;
  /** Jobs to hold per thread (PrefetchDepth.depth()). */
  depth: number;
  /** Runs the threads' queues can still take. */
  freeCapacity: number;
  /** Runs sent to threads or waiting for one. */
  outstanding: number;
  /** Claimed jobs not yet handed to the pool. */
  starting: number;
  /** job_queue.max_dequeue_batch_size. */
  batchSize: number;
  /** Whether some thread has nothing to do (asked only when it matters). */
  idleThread: () => boolean;
}

/**
 * How many jobs to claim now (0: not yet), holding about `depth` per usable thread. With work in
 * every thread's queue a claim waits until half of that is free, so claims come in batches; an
 * idle thread claims at once. Counted over the pool's size instead of its usable threads, a pool
 * of 8 running short jobs on its one thread claimed only once that thread's queue had emptied, so
 * the thread waited for every claim: 5,000 no-op jobs took ~520 ms against ~440 with a pool of 1.
 */
export function claimSize(s: ClaimSituation): number {
  const ahead = s.threads * s.depth;
  const free = Math.min(s.freeCapacity, ahead - s.outstanding) - s.starting;
  const lowWater = Math.min(s.batchSize, Math.ceil(ahead / 2));
  if (free <= 0 || (free < lowWater && !s.idleThread())) return 0;
  return Math.min(free, s.batchSize);
}
