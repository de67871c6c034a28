// Jobs whose lease ran out (their worker died or hung without renewing) go back to the queue with
// the attempt counted: RETRYING and due at once, or FAILED when that was the last attempt. Their
// open execution rows are closed as FAILED with a WorkerLost error, so every attempt shows why.
import { sql, type RawBuilder } from 'kysely';
import { inTransaction, toJson, type Db } from '../store/codec.ts';
import { toJob, type JobRecord } from '../store/repos/jobs.ts';
import { toExecution, type ExecutionRecord } from '../store/repos/executions.ts';
import type { FinishHooks } from './finish-hooks.ts';

export interface ReclaimedJob {
  job: JobRecord;
  /** The closed execution of the lost attempt, if it had one open. */
  execution: ExecutionRecord | undefined;
}

/** The engine-specific parts of the expired-lease scan. */
export interface ReclaimDialect {
  /** After FROM: an index hint (SQLite). */
  leaseIndex: RawBuilder<unknown>;
  /** At the end of the SELECT: a lock that lets two workers reclaim at once (PostgreSQL). */
  lockExpired: RawBuilder<unknown>;
}

export async function reclaimExpiredJobs(
  db: Db,
  dialect: ReclaimDialect,
  now: number,
  limit = 500,
  hooks?: FinishHooks,
): Promise<ReclaimedJob[]> {
  return inTransaction(db, async (trx) => {
    const { leaseIndex: index, lockExpired: lock } = dialect;
    const { rows: expired } = await sql<{ id: number; lease_owner: string | null }>`
      select id, lease_owner from jobs ${index}
      where status = 'PROCESSING' and lease_expires_at < ${now}
      order by lease_expires_at limit ${limit} ${lock}`.execute(trx);
    const out: ReclaimedJob[] = [];
    for (const { id, lease_owner } of expired) {
      const error = {
        type: 'WorkerLost',
        message: `worker ${lease_owner ?? '(unknown)'} stopped renewing its lease on job ${id}; the attempt was abandoned`,
      };
      const row = await trx
        .updateTable('jobs')
        .set({
          status: sql`case when attempts > max_retries then 'FAILED' else 'RETRYING' end`,
          finished_at: sql`case when attempts > max_retries then cast(${now} as bigint) else null end`,
          run_at: now,
          updated_at: now,
          lease_owner: null,
          lease_expires_at: null,
          last_error: toJson(error),
        })
        .where('id', '=', Number(id))
        .where('status', '=', 'PROCESSING')
        .returningAll()
        .executeTakeFirst();
      if (!row) continue;
      const execution = await trx
        .updateTable('executions')
        .set({
          status: 'FAILED',
          error: toJson(error),
          finished_at: now,
          duration_ms: sql<number>`${now} - started_at`,
        })
        .where('job_id', '=', row.id)
        .where('attempt', '=', row.attempts)
        .where('status', '=', 'RUNNING')
        .returningAll()
        .executeTakeFirst();
      out.push({ job: toJob(row), execution: execution ? toExecution(execution) : undefined });
    }
    // Jobs given up for good end here, not in the result writer: their hooks run now (the
    // caller wakes the workers whenever anything was reclaimed).
    const ended = out.filter((r) => r.job.status === 'FAILED');
    if (hooks && ended.length > 0) {
      await hooks.run(
        trx,
        ended.map((r) => ({ ...r, jobStatus: r.job.status })),
      );
    }
    return out;
  });
}
