// Job and worker changes as a stream, for live views (GraphQL subscriptions). Jobs this process
// finishes are announced at once through the job-finished hook (the same one that feeds the
// execution events behind REST's SSE); everything else (jobs queued, claimed or finished by another
// node on PostgreSQL, workers' heartbeats) is read from the database by one shared poll per
// application, run only while someone listens and woken early by the queue's notifier (enqueue,
// retry and cancel notify every process on PostgreSQL). Adapters call watchJobs / watchWorkers and
// never see the mechanics.
import type { Ratchet } from './context.ts';
import type { PgListener } from '../store/pg-listen.ts';
import type { JobRecord } from '../store/repos/jobs.ts';
import type { WorkerRecord } from '../store/repos/workers.ts';
import type { JobStatus } from '../store/schema.ts';
import { listJobPage } from './jobs/control.ts';
import { listWorkerPage } from './workers.ts';

export interface JobChange {
  job: JobRecord;
  /** The status this process last saw, when it saw one. */
  previousStatus: JobStatus | null;
}

export interface WatchFeedOptions {
  /** How often the database is read while someone listens; default 250 ms. */
  pollMs?: number;
}

/** Rows re-read behind the newest change seen: clocks of two nodes differ a little. */
const SKEW_MS = 2_000;
const PAGE = 500;
const WORKER_POLL_MS = 1_000;

type Listener<T> = (value: T) => void;

class Feed {
  readonly jobListeners = new Set<Listener<JobChange>>();
  readonly workerListeners = new Set<Listener<WorkerRecord>>();
  /** Job id → `status|updatedAt|attempts` last announced, and its status. */
  private readonly seen = new Map<number, { key: string; status: JobStatus; at: number }>();
  private readonly workersSeen = new Map<string, string>();
  private watermark = Date.now();
  /** When the feed (re)started: changes older than this happened before anyone listened. */
  private startedAt = Date.now();
  private timers: NodeJS.Timeout[] = [];
  private offHub: (() => void) | undefined;
  private offNotifier: (() => void) | undefined;
  private polling = false;
  private pollAgain = false;
  private started = false;

  private readonly app: Ratchet;
  private readonly pollMs: number;

  constructor(app: Ratchet, pollMs: number) {
    this.app = app;
    this.pollMs = pollMs;
  }

  /** Announces a job if it differs from what was last announced. */
  private announce(job: JobRecord, fromPoll = false): void {
    const key = `${job.status}|${job.updatedAt}|${job.attempts}`;
    const before = this.seen.get(job.id);
    if (before?.key === key) return;
    const at = Date.parse(job.updatedAt);
    this.seen.set(job.id, { key, status: job.status, at });
    if (at > this.watermark) this.watermark = at;
    // The poll re-reads a window behind the newest change: what changed before the feed started
    // is remembered (so a later change shows its previous status) but not announced.
    if (fromPoll && at < this.startedAt) return;
    const change: JobChange = { job, previousStatus: before?.status ?? null };
    for (const l of this.jobListeners) l(change);
  }

  private async pollJobs(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    try {
      do {
        this.pollAgain = false;
        const since = new Date(this.watermark - SKEW_MS).toISOString();
        const page = await listJobPage(this.app, {
          filters: [{ field: 'updatedAt', op: 'gte', value: since }],
          sort: { field: 'updatedAt', order: 'asc' },
          limit: PAGE,
        });
        for (const job of page.rows) this.announce(job, true);
        // Forget what fell behind the window: it is never read again.
        const horizon = this.watermark - SKEW_MS * 2;
        for (const [id, s] of this.seen) if (s.at < horizon) this.seen.delete(id);
      } while (this.pollAgain && this.jobListeners.size > 0);
    } catch {
      // A failed read (database briefly away) is retried on the next tick.
    } finally {
      this.polling = false;
    }
  }

  private async pollWorkers(): Promise<void> {
    try {
      const page = await listWorkerPage(this.app, { limit: PAGE });
      for (const w of page.rows) {
        const key = `${w.status}|${w.runningJobs}|${w.jobsCompleted}|${w.jobsFailed}|${w.capacity}`;
        if (this.workersSeen.get(w.id) === key) continue;
        this.workersSeen.set(w.id, key);
        for (const l of this.workerListeners) l(w);
      }
    } catch {
      // Retried on the next tick.
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.watermark = this.startedAt = Date.now();
    this.offHub = this.app.jobEvents.on((e) => this.announce(e.job));
    const jobs = setInterval(() => void this.pollJobs(), this.pollMs);
    const workers = setInterval(() => void this.pollWorkers(), WORKER_POLL_MS);
    jobs.unref();
    workers.unref();
    this.timers = [jobs, workers];
    void this.pollWorkers();
    void this.app.queue.notifier
      .subscribe(() => void this.pollJobs())
      .then((off) => {
        if (this.started) this.offNotifier = off;
        else off();
      })
      .catch(() => undefined);
  }

  stopIfIdle(): void {
    if (this.jobListeners.size + this.workerListeners.size > 0) return;
    this.stop();
  }

  /** Stops polling and listening (the application is closing, or no one listens). */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.offHub?.();
    this.offNotifier?.();
    this.offHub = this.offNotifier = undefined;
    this.seen.clear();
    this.workersSeen.clear();
  }
}

/**
 * The application's feed, a field of its context (context.ts): made on first use, stopped when the
 * application closes, never shared by two applications in one process.
 */
export class JobWatchSlot {
  feed?: Feed;
  /** Other nodes' live log lines (live-logs.ts), listened for from the first execution watch on. */
  logs?: PgListener;

  async close(): Promise<void> {
    this.feed?.stop();
    await this.logs?.close();
  }
}

function feedOf(app: Ratchet, opts: WatchFeedOptions): Feed {
  return (app.jobWatch.feed ??= new Feed(app, opts.pollMs ?? 250));
}

/** Calls listener for every job change from now on; returns the function that stops it. */
export function watchJobs(
  app: Ratchet,
  listener: Listener<JobChange>,
  opts: WatchFeedOptions = {},
): () => void {
  const feed = feedOf(app, opts);
  feed.jobListeners.add(listener);
  feed.start();
  return () => {
    feed.jobListeners.delete(listener);
    feed.stopIfIdle();
  };
}

/**
 * Calls listener with each worker whose status, load or totals changed (read every second);
 * returns the function that stops it.
 */
export function watchWorkers(
  app: Ratchet,
  listener: Listener<WorkerRecord>,
  opts: WatchFeedOptions = {},
): () => void {
  const feed = feedOf(app, opts);
  feed.workerListeners.add(listener);
  feed.start();
  return () => {
    feed.workerListeners.delete(listener);
    feed.stopIfIdle();
  };
}
