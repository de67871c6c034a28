// Table statistics for the PostgreSQL queue. The claim and the completion are prepared statements
// (pg-prepared.ts): each connection plans them once and keeps that plan until the tables'
// statistics change. A plan made while `jobs` was small (a fresh database, or a worker started on
// an empty queue) reads the whole table on every claim (a sequential scan and a sort instead of the
// claim index) and joins a completion's batch to it row by row, so each claim and completion cost
// grows with the table: from an empty queue, 5,000-job rounds ran at 2,900, then 2,100, 1,250 and
// 1,000 jobs/s, until autovacuum's next analyse (up to a minute away, and later on a busy server)
// replanned them; after an ANALYZE they ran at 6,400-7,800.
//
// So the backend analyses `jobs` and `executions` itself (the columns plans depend on) whenever
// the rows it has added or claimed since the last analyse reach the table's size as the statistics
// know it: the statistics are never off by more than about a factor of two, at a cost of one
// ANALYZE (a sample of at most 30,000 rows, run beside the queue's work, never awaited by it) each
// time the table doubles. ANALYZE sends the invalidation that makes every connection replan its
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

export class QueueStatistics {
  private readonly store: Store;
  private changed = 0;
  private threshold = MIN_CHANGED_ROWS;
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
    else await this.learnSize();
  }

  /** Counts rows this process inserted into or claimed from the queue; analyses when they add up. */
  note(rows: number): void {
    this.changed += rows;
    if (this.changed < this.threshold || this.running) return;
    this.changed = 0;
    // Statistics only steer plans: a failed analyse (the connection went away, the application is
    // closing) changes nothing the queue guarantees, and the next threshold tries again.
    this.running = this.analyze()
      .catch(() => undefined)
      .finally(() => (this.running = undefined));
  }

  private async analyze(): Promise<void> {
    // SKIP_LOCKED: when autovacuum (or another worker) is analysing the table, theirs will do.
    await ANALYZE.execute(this.store.db);
    await this.learnSize();
  }

  private async learnSize(): Promise<void> {
    const { rows } = await sql<{ tuples: number }>`
      select greatest(reltuples, 0)::float8 as tuples from pg_class where oid = 'jobs'::regclass`.execute(
      this.store.db,
    );
    this.threshold = Math.max(MIN_CHANGED_ROWS, Number(rows[0]?.tuples ?? 0));
  }
}
