// Successful attempts in bulk, whatever the batch size (a busy worker writes dozens of results per
// commit). Same guard as completeJob: a result counts only while its attempt still holds the lease.
// PostgreSQL: one statement (data-modifying CTEs update the jobs, then the execution rows of the
// jobs that matched), so a batch of completions costs one round trip and needs no transaction. Its
// rows arrive as unnest() arrays, so the text is the same for every batch size and is prepared once
// per connection (planning the CTEs cost about as much as running them).
// SQLite: one UPDATE … FROM (VALUES …) for the jobs and one for the executions (SQLite has no
// data-modifying CTEs); the caller wraps them in its transaction.
import { sql, type RawBuilder, type Selectable } from 'kysely';
import type pg from 'pg';
import type { Store } from '../store/database.ts';
import { toJsonOrNull, type Db } from '../store/codec.ts';
import { toJob } from '../store/repos/jobs.ts';
import { toExecution } from '../store/repos/executions.ts';
import type { ExecutionsTable, JobsTable } from '../store/schema.ts';
import type { AttemptResult, FinishedAttempt } from './attempt.ts';
import { valuesTable } from './values-table.ts';

type JobRow = Selectable<JobsTable>;
type ExecutionRow = Selectable<ExecutionsTable>;

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
const SET_JOB = sql`status = 'COMPLETED', finished_at = v.column4, updated_at = v.column4,
  lease_owner = null, lease_expires_at = null, last_error = null, secret_input = null`;
const OWNED = sql`jobs.id = v.column1 and jobs.lease_owner = v.column2 and jobs.attempts = v.column3
  and jobs.status = 'PROCESSING'`;
const SET_EXECUTION = sql`status = 'COMPLETED', output = v.column6, error = v.column7, logs = v.column8,
  http = v.column9, progress = v.column10, finished_at = v.column4,
  duration_ms = v.column4 - executions.started_at`;

/** Results in, one entry per result out (undefined: the attempt no longer owns its job). */
export async function completeJobs(
  store: Pick<Store, 'dialect' | 'pgPool'>,
  db: Db,
  results: readonly AttemptResult[],
): Promise<(FinishedAttempt | undefined)[]> {
  if (results.length === 0) return [];
  const { jobs, executions } =
    store.dialect === 'postgres'
      ? await completePostgres(db, results, db.isTransaction ? undefined : store.pgPool)
      : await completeSqlite(db, results);
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

/** v.column1..10 as in values(), one array per column. */
function unnestTable(results: readonly AttemptResult[]): RawBuilder<unknown> {
  const column = <T>(f: (r: AttemptResult) => T): T[] => results.map(f);
  return sql`unnest(
    cast(${column((r) => r.jobId)} as bigint[]), cast(${column((r) => r.workerId)} as text[]),
    cast(${column((r) => r.attempt)} as integer[]), cast(${column((r) => r.finishedAt)} as bigint[]),
    cast(${column((r) => r.executionId)} as bigint[]), cast(${column((r) => toJsonOrNull(r.output))} as text[]),
    cast(${column((r) => toJsonOrNull(r.error))} as text[]), cast(${column((r) => toJsonOrNull(r.logs))} as text[]),
    cast(${column((r) => toJsonOrNull(r.http))} as text[]), cast(${column((r) => toJsonOrNull(r.progress))} as text[])
  ) as v(column1, column2, column3, column4, column5, column6, column7, column8, column9, column10)`;
}

type CompletedRow = JobRow & { execution_row: ExecutionRow | null };

async function completePostgres(db: Db, results: readonly AttemptResult[], pool?: pg.Pool) {
  const query = sql<CompletedRow>`
    with v as (select * from ${unnestTable(results)}),
    j as (update jobs set ${SET_JOB} from v where ${OWNED} returning jobs.*),
    e as (
      update executions set ${SET_EXECUTION}
      from v join j on j.id = v.column1
      where executions.id = v.column5 and executions.status = 'RUNNING'
      returning executions.*
    )
    select j.*, row_to_json(e) as execution_row from j left join e on e.job_id = j.id`.compile(db);
  const { rows } = pool
    ? await pool.query<CompletedRow>({
        name: 'ratchet_complete_v1',
        text: query.sql,
        values: query.parameters as unknown[],
      })
    : await db.executeQuery(query);
  const executions = rows.flatMap(({ execution_row }) => (execution_row ? [execution_row] : []));
  return { jobs: rows, executions };
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
