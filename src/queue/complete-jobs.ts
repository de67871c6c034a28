// Successful attempts in bulk, whatever the batch size (a busy worker writes dozens of results per
// commit). A result counts only while its attempt still holds the lease (same guard as fail-job.ts).
// This file holds what both engines share (the guarded SET clauses, the mapping of rows back to
// results) and the SQLite statements: one UPDATE … FROM (VALUES …) for the jobs and one for the
// executions (SQLite has no data-modifying CTEs), in the caller's transaction or their own.
// PostgreSQL does it in one statement: backends/pg-complete.ts.
import { sql, type RawBuilder, type Selectable } from 'kysely';
import { inTransaction, toJsonOrNull, type Db } from '../store/codec.ts';
import { toJob } from '../store/repos/jobs.ts';
import { toExecution } from '../store/repos/executions.ts';
import type { ExecutionsTable, JobsTable } from '../store/schema.ts';
import type { AttemptResult, FinishedAttempt } from './attempt.ts';
import { valuesTable } from './values-table.ts';

export type JobRow = Selectable<JobsTable>;
export type ExecutionRow = Selectable<ExecutionsTable>;

// v.column1..4: job id, worker, attempt, finished at; v.column5..10: execution id, output, error,
// logs, http, progress.
function values(results: readonly AttemptResult[]): RawBuilder<unknown> {
  return valuesTable(
    results.map((r) => [
      r.jobId,
      r.workerId,
      r.attempt,
      r.finishedAt,
      r.executionId,
      toJsonOrNull(r.output),
      toJsonOrNull(r.error),
      toJsonOrNull(r.logs),
      toJsonOrNull(r.http),
      toJsonOrNull(r.progress),
    ]),
    ['bigint', 'text', 'integer', 'bigint', 'bigint', 'text', 'text', 'text', 'text', 'text'],
  );
}

// A completed job cannot run again, so the real input of its writeOnly fields goes (004 migration).
export const SET_JOB = sql`status = 'COMPLETED', finished_at = v.column4, updated_at = v.column4,
  lease_owner = null, lease_expires_at = null, last_error = null, secret_input = null`;
export const OWNED = sql`jobs.id = v.column1 and jobs.lease_owner = v.column2 and jobs.attempts = v.column3
  and jobs.status = 'PROCESSING'`;
export const SET_EXECUTION = sql`status = 'COMPLETED', output = v.column6, error = v.column7, logs = v.column8,
  http = v.column9, progress = v.column10, finished_at = v.column4,
  duration_ms = v.column4 - executions.started_at`;

/** The finished attempts, one entry per result (undefined: the attempt no longer owns its job). */
export function finishedCompletions(
  results: readonly AttemptResult[],
  jobs: readonly JobRow[],
  executions: readonly ExecutionRow[],
): (FinishedAttempt | undefined)[] {
  const owned = new Map(jobs.map((row) => [Number(row.id), row]));
  const executionOf = new Map(executions.map((row) => [Number(row.id), row]));
  return results.map((r) => {
    const job = owned.get(r.jobId);
    if (!job) return undefined;
    const execution = executionOf.get(r.executionId);
    if (!execution) throw new Error(`execution ${r.executionId} of job ${r.jobId} is no longer RUNNING`);
    return { job: toJob(job), execution: toExecution(execution), jobStatus: 'COMPLETED' as const };
  });
}

/** SQLite: two statements, in `db`'s transaction if it is one, else in their own. */
export async function completeJobsSqlite(
  db: Db,
  results: readonly AttemptResult[],
): Promise<(FinishedAttempt | undefined)[]> {
  if (results.length === 0) return [];
  const { jobs, executions } = await inTransaction(db, (trx) => completeSqlite(trx, results));
  return finishedCompletions(results, jobs, executions);
}

async function completeSqlite(db: Db, results: readonly AttemptResult[]) {
  // SQLite's RETURNING may not name a table (it returns the updated table's columns only).
  const { rows: jobs } = await sql<JobRow>`
    update jobs set ${SET_JOB} from ${values(results)} where ${OWNED} returning *`.execute(db);
  if (jobs.length === 0) return { jobs, executions: [] };
  const owned = new Set(jobs.map((row) => Number(row.id)));
  const { rows: executions } = await sql<ExecutionRow>`
    update executions set ${SET_EXECUTION}
    from ${values(results.filter((r) => owned.has(r.jobId)))}
    where executions.id = v.column5 and executions.status = 'RUNNING'
    returning *`.execute(db);
  return { jobs, executions };
}
