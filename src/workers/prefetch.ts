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
