// Successful attempts in bulk: one UPDATE … FROM (VALUES …) for the jobs and one for their
// execution rows, whatever the batch size (a busy worker writes dozens of results per commit).
// Same guard as completeJob: a result counts only while its attempt still holds the lease.
import { sql } from 'kysely';
import type { Store } from '../store/database.ts';
import { toJsonOrNull, type Db } from '../store/codec.ts';
import { toJob } from '../store/repos/jobs.ts';
import { toExecution } from '../store/repos/executions.ts';
import type { JobsTable, ExecutionsTable } from '../store/schema.ts';
import type { Selectable } from 'kysely';
import type { AttemptResult, FinishedAttempt } from './attempt.ts';
import { valuesTable } from './values-table.ts';

/** Results in, one entry per result out (undefined: the attempt no longer owns its job). */
export async function completeJobs(
  store: Pick<Store, 'dialect'>,
  db: Db,
  results: readonly AttemptResult[],
): Promise<(FinishedAttempt | undefined)[]> {
  if (results.length === 0) return [];
  // SQLite's RETURNING may not name a table (and returns only the updated table's columns).
  const pg = store.dialect === 'postgres';
  const jobsOut = pg ? sql`jobs.*` : sql`*`;
  const execOut = pg ? sql`executions.*` : sql`*`;
  const { rows: jobs } = await sql<Selectable<JobsTable>>`
    update jobs set status = 'COMPLETED', finished_at = v.column4, updated_at = v.column4,
      lease_owner = null, lease_expires_at = null, last_error = null
    from ${valuesTable(
      results.map((r) => [r.jobId, r.workerId, r.attempt, r.finishedAt]),
      ['bigint', 'text', 'integer', 'bigint'],
    )}
    where jobs.id = v.column1 and jobs.lease_owner = v.column2 and jobs.attempts = v.column3
      and jobs.status = 'PROCESSING'
    returning ${jobsOut}`.execute(db);
  if (jobs.length === 0) return results.map(() => undefined);
  const owned = new Map(jobs.map((row) => [Number(row.id), row]));
  const written = results.filter((r) => owned.has(r.jobId));
  const { rows: executions } = await sql<Selectable<ExecutionsTable>>`
    update executions set status = 'COMPLETED', output = v.column2, error = v.column3, logs = v.column4,
      http = v.column5, progress = v.column6, finished_at = v.column7,
      duration_ms = v.column7 - executions.started_at
    from ${valuesTable(
      written.map((r) => [
        r.executionId,
        toJsonOrNull(r.output),
        toJsonOrNull(r.error),
        toJsonOrNull(r.logs),
        toJsonOrNull(r.http),
        toJsonOrNull(r.progress),
        r.finishedAt,
      ]),
      ['bigint', 'text', 'text', 'text', 'text', 'text', 'bigint'],
    )}
    where executions.id = v.column1 and executions.status = 'RUNNING'
    returning ${execOut}`.execute(db);
  const executionOf = new Map(executions.map((row) => [Number(row.id), row]));
  return results.map((r) => {
    const job = owned.get(r.jobId);
    if (!job) return undefined;
    const execution = executionOf.get(r.executionId);
    if (!execution) throw new Error(`execution ${r.executionId} of job ${r.jobId} is no longer RUNNING`);
    return { job: toJob(job), execution: toExecution(execution), jobStatus: 'COMPLETED' as const };
  });
}
