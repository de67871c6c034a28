// Wake-up without polling delay. Enqueue, retry and cancel call notify(); workers subscribe. Each
// queue backend brings its own (backends/sqlite-notifier.ts, backends/pg-notifier.ts). Workers
// also poll slowly (server.job_queue.poll_interval_ms) as a safety net.

export const JOBS_CHANNEL = 'ratchet_jobs';

export interface Notifier {
  /**
   * The NOTIFY payload this notifier sends (PostgreSQL). Its own LISTEN connection ignores
   * notifications carrying it: its subscribers were already woken directly, and a second wake-up
   * per enqueue would cost a second (empty) claim.
   */
  readonly origin: string;
  /** Tells subscribers here (and on PostgreSQL in every process) that the queue changed. */
  notify(): Promise<void>;
  /** Tells only this process's subscribers (the caller notified other processes itself). */
  wakeHere(): void;
  /** Calls fn on each wake-up until the returned function is called. */
  subscribe(fn: () => void): Promise<() => void>;
  close(): Promise<void>;
}
