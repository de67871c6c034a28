// Table statistics for the PostgreSQL queue. The claim and the completion are prepared statements
// (pg-prepared.ts): each connection plans them once and keeps that plan until the tables'
// statistics change. A plan made while `jobs` was small (a fresh database, or a worker started on
// an empty queue) reads the whole table on every claim (a sequential scan and a sort instead of the
// claim index) and joins a completion's batch to it row by row, so each claim and completion cost
// grows with the table: from an empty queue, 5,000-job rounds ran at 2,900, then 2,100, 1,250 and
// 1,000 jobs/s, until autovacuum's next analyse (up to a minute away, and later on a busy server)
// replanned them; after an ANALYZE they ran at 6,400-7,800.
//
// `executions` grows the same way, one row per claimed attempt, and from nothing when a backlog is
// queued before any job ran: the statistics then know it as empty. A completion planned while it
// held a page or two looked each batch row's execution up by reading the whole table (a nested
// loop over a sequential scan): quadratic as the table grew, 0.2-0.9 s per 512-result batch within
// seconds of a 20,000-job backlog's start, the run falling from ~8,500 to ~1,500-2,500 jobs/s until
// an analyse replanned it (6 of about 85 runs; auto_explain showed the plan).
//
// So the backend analyses `jobs` and `executions` itself (the columns plans depend on) whenever
// the rows it has changed in either table since the last analyse reach that table's size as the
// statistics know it: jobs queued or claimed count for `jobs`, attempts claimed for `executions`.
// The statistics are never off by more than about a factor of two, at a cost of one ANALYZE (a
// sample of at most 30,000 rows per table, run beside the queue's work, never awaited by it) each
// time a table doubles. ANALYZE sends the invalidation that makes every connection replan its
// prepared statements.
import { sql } from 'kysely';
import type { Store } from '../../store/database.ts';

/**
 * Only the columns the queue's and the lists' statements filter, join or sort on (and the table
 * sizes, which every ANALYZE updates): the JSON text columns (input, output, logs, …) made up two
 * thirds of the cost, 113 ms against 36 ms for 10,000 jobs and executions. Autovacuum's own
 * analyses still cover every column.
 */
const ANALYZE = sql`analyze (skip_locked)
  jobs (id, status, priority, run_at, task_id, task_version_id, lease_owner, lease_expires_at, schedule_id,
    created_at, workflow_step_id),
  executions (id, status, job_id, task_id, task_version_id, created_at, duration_ms)`;

/** Below this many changed rows no plan can be far off; the first analyse waits for them. */
const MIN_CHANGED_ROWS = 1000;

/** Rows changed in one table since its last analyse, and how many make the next one due. */
class Growth {
  changed = 0;
  threshold = MIN_CHANGED_ROWS;

  get due(): boolean {
    return this.changed >= this.threshold;
  }

  /** The table's size as the statistics now know it: the next analyse is due when as many changed. */
  learn(tuples: number): void {
    this.threshold = Math.max(MIN_CHANGED_ROWS, tuples);
  }
}

export class QueueStatistics {
  private readonly store: Store;
  private readonly jobs = new Growth();
  private readonly executions = new Growth();
  private running?: Promise<void>;

  constructor(store: Store) {
    this.store = store;
  }

  /**
   * At a worker's start: a jobs table never analysed is analysed now, before the first claim is
   * planned (a backlog COPYed into a fresh database would otherwise be planned as a handful of rows).
   */
  async prepare(): Promise<void> {
    const { rows } = await sql<{ never: boolean }>`
      select (last_analyze is null and last_autoanalyze is null) as never
      from pg_stat_user_tables where relid = 'jobs'::regclass`.execute(this.store.db);
    if (rows[0]?.never) await this.analyze();
    else await this.learnSizes();
  }

  /** Jobs this process queued (rows added to `jobs`). */
  noteQueued(rows: number): void {
    this.jobs.changed += rows;
    this.analyzeIfDue();
  }

  /** Attempts this process claimed: each rewrote a job row and added an execution row. */
  noteClaimed(rows: number): void {
    this.jobs.changed += rows;
    this.executions.changed += rows;
    this.analyzeIfDue();
  }

  private analyzeIfDue(): void {
    if (this.running || !(this.jobs.due || this.executions.due)) return;
    // Counted afresh from here (rows changed while it runs count towards the next one); the sizes
    // learnt after the analyse set the next thresholds.
    this.jobs.changed = 0;
    this.executions.changed = 0;
    // Statistics only steer plans: a failed analyse (the connection went away, the application is
    // closing) changes nothing the queue guarantees, and the next threshold tries again.
    this.running = this.analyze()
      .catch(() => undefined)
      .finally(() => (this.running = undefined));
  }

  private async analyze(): Promise<void> {
    // SKIP_LOCKED: when autovacuum (or another worker) is analysing the table, theirs will do.
    await ANALYZE.execute(this.store.db);
    await this.learnSizes();
  }

  private async learnSizes(): Promise<void> {
    const { rows } = await sql<{ jobs: number; executions: number }>`
      select
        (select greatest(reltuples, 0)::float8 from pg_class where oid = 'jobs'::regclass) as jobs,
        (select greatest(reltuples, 0)::float8 from pg_class where oid = 'executions'::regclass) as executions
    `.execute(this.store.db);
    this.jobs.learn(Number(rows[0]?.jobs ?? 0));
    this.executions.learn(Number(rows[0]?.executions ?? 0));
  }
}
