// Successful attempts in bulk, whatever the batch size (a busy worker writes dozens of results per
// commit). A result counts only while its attempt still holds the lease (same guard as fail-job.ts).
// This file holds what both engines share (the guarded SET clauses, the mapping of rows back to
// results) and the SQLite statements: one UPDATE … FROM for the jobs and one for the executions
// (SQLite has no data-modifying CTEs), in the caller's transaction or their own. Their rows arrive
// as ONE JSON parameter read with json_each, so the statement text is the same for every batch
// (prepared once) and nothing is compiled per batch: building and compiling a VALUES list of ten
// cast parameters per row cost more main-thread time than SQLite spent running the statements.
// PostgreSQL does it in one statement: backends/pg-complete.ts.
import { CompiledQuery, sql, type Selectable } from 'kysely';
import { inTransaction, toJsonOrNull, type Db } from '../store/codec.ts';
import { toJob } from '../store/repos/jobs.ts';
import { toExecution } from '../store/repos/executions.ts';
import type { ExecutionsTable, JobsTable } from '../store/schema.ts';
import { runStartSql, type AttemptResult, type FinishedAttempt } from './attempt.ts';
import { statusIsSql } from './status-guard.ts';

export type JobRow = Selectable<JobsTable>;
export type ExecutionRow = Selectable<ExecutionsTable>;

// v.column1..4: job id, worker, attempt, finished at; v.column5..10: execution id, output, error,
// logs, http, progress; v.column11: the run's start in its thread (or null). One JSON array per
// result; the JSON values are text (or null) already.
function valuesJson(results: readonly AttemptResult[]): string {
  return JSON.stringify(
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
      r.startedAt ?? null,
    ]),
  );
}

const JSON_VALUES = `(select value ->> 0 as column1, value ->> 1 as column2, value ->> 2 as column3,
  value ->> 3 as column4, value ->> 4 as column5, value ->> 5 as column6, value ->> 6 as column7,
  value ->> 7 as column8, value ->> 8 as column9, value ->> 9 as column10, value ->> 10 as column11
  from json_each(?)) as v`;

// A completed job cannot run again, so the real input of its writeOnly fields goes (004 migration).
// Plain SQL text without parameters, so both engines' statements can embed them.
const SET_JOB_SQL = `status = 'COMPLETED', finished_at = v.column4, updated_at = v.column4,
  lease_owner = null, lease_expires_at = null, last_error = null, secret_input = null`;
const OWNED_BY = `jobs.id = v.column1 and jobs.lease_owner = v.column2 and jobs.attempts = v.column3`;
const RUN_START_SQL = runStartSql('v.column11', 'executions.started_at');
const SET_EXECUTION_SQL = `status = 'COMPLETED', output = v.column6, error = v.column7, logs = v.column8,
  http = v.column9, progress = v.column10, finished_at = v.column4, started_at = ${RUN_START_SQL},
  duration_ms = v.column4 - ${RUN_START_SQL}`;
const OWNED_SQL = `${OWNED_BY} and ${statusIsSql('jobs.status', 'PROCESSING')}`;
const EXECUTION_RUNNING_SQL = statusIsSql('executions.status', 'RUNNING');
export const SET_JOB = sql.raw(SET_JOB_SQL);
export const OWNED = sql.raw(OWNED_SQL);
export const EXECUTION_RUNNING = sql.raw(EXECUTION_RUNNING_SQL);
export const SET_EXECUTION = sql.raw(SET_EXECUTION_SQL);

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

// SQLite's RETURNING may not name a table (it returns the updated table's columns only). The rows
// are looked up by id, never through a status index (status-guard.ts): without row counts for
// json_each the planner would scan every PROCESSING job (RUNNING execution) and probe the batch
// for each.
const COMPLETE_JOBS = `update jobs set ${SET_JOB_SQL} from ${JSON_VALUES}
  where ${OWNED_SQL} returning *`;
const COMPLETE_EXECUTIONS = `update executions set ${SET_EXECUTION_SQL} from ${JSON_VALUES}
  where executions.id = v.column5 and ${EXECUTION_RUNNING_SQL} returning *`;

async function completeSqlite(db: Db, results: readonly AttemptResult[]) {
  const { rows: jobs } = await db.executeQuery<JobRow>(
    CompiledQuery.raw(COMPLETE_JOBS, [valuesJson(results)]),
  );
  if (jobs.length === 0) return { jobs, executions: [] };
  const owned = new Set(jobs.map((row) => Number(row.id)));
  const { rows: executions } = await db.executeQuery<ExecutionRow>(
    CompiledQuery.raw(COMPLETE_EXECUTIONS, [valuesJson(results.filter((r) => owned.has(r.jobId)))]),
  );
  return { jobs, executions };
}
