// PostgreSQL: a batch of successful attempts in ONE statement (data-modifying CTEs update the jobs,
// then the execution rows of the jobs that matched), so it costs one round trip and needs no
// transaction. Its rows arrive as unnest() arrays, so the text is the same for every batch size and
// is prepared once per connection (the guards and SET clauses are complete-jobs.ts's).
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../store/codec.ts';
import { toJsonOrNull } from '../../store/codec.ts';
import type { AttemptResult, FinishedAttempt } from '../attempt.ts';
import {
  finishedCompletions,
  OWNED,
  SET_EXECUTION,
  SET_JOB,
  type ExecutionRow,
  type JobRow,
} from '../complete-jobs.ts';
import type { RunPrepared } from './pg-prepared.ts';

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

export async function completeJobsPostgres(
  db: Db,
  run: RunPrepared,
  results: readonly AttemptResult[],
): Promise<(FinishedAttempt | undefined)[]> {
  if (results.length === 0) return [];
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
  const rows = await run('ratchet_complete_v1', query, db);
  const executions = rows.flatMap(({ execution_row }) => (execution_row ? [execution_row] : []));
  return finishedCompletions(results, rows, executions);
}
