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
  EXECUTION_RUNNING,
  OWNED,
  SET_EXECUTION,
  SET_JOB,
  type ExecutionRow,
  type JobRow,
} from '../complete-jobs.ts';
import type { RunPrepared } from './pg-prepared.ts';

/** v.column1..11 as in complete-jobs.ts, one array per column. */
function unnestTable(results: readonly AttemptResult[]): RawBuilder<unknown> {
  const column = <T>(f: (r: AttemptResult) => T): T[] => results.map(f);
  return sql`unnest(
    cast(${column((r) => r.jobId)} as bigint[]), cast(${column((r) => r.workerId)} as text[]),
    cast(${column((r) => r.attempt)} as integer[]), cast(${column((r) => r.finishedAt)} as bigint[]),
    cast(${column((r) => r.executionId)} as bigint[]), cast(${column((r) => toJsonOrNull(r.output))} as text[]),
    cast(${column((r) => toJsonOrNull(r.error))} as text[]), cast(${column((r) => toJsonOrNull(r.logs))} as text[]),
    cast(${column((r) => toJsonOrNull(r.http))} as text[]), cast(${column((r) => toJsonOrNull(r.progress))} as text[]),
    cast(${column((r) => r.startedAt ?? null)} as bigint[])
  ) as v(column1, column2, column3, column4, column5, column6, column7, column8, column9, column10, column11)`;
}

type CompletedRow = JobRow & { execution_row: ExecutionRow | null };

export async function completeJobsPostgres(
  db: Db,
  run: RunPrepared,
  results: readonly AttemptResult[],
): Promise<(FinishedAttempt | undefined)[]> {
  if (results.length === 0) return [];
  // The executions UPDATE returns its job's row with it: joining the two CTEs afterwards was
  // planned as a nested loop (the generic plan guesses 10 rows for unnest), quadratic in the batch:
  // 1-3 s per statement once a batch held thousands of results. `owned` counts the jobs the batch
  // still owned, so a job whose execution was not RUNNING is still noticed (below).
  const query = sql<CompletedRow & { owned: number }>`
    with v as (select * from ${unnestTable(results)}),
    j as (update jobs set ${SET_JOB} from v where ${OWNED} returning jobs.*),
    e as (
      update executions set ${SET_EXECUTION}
      from v join j on j.id = v.column1
      where executions.id = v.column5 and ${EXECUTION_RUNNING}
      returning j.*, row_to_json(executions.*) as execution_row
    )
    select e.*, c.owned from (select count(*)::int as owned from j) c left join e on true`.compile(db);
  const answer = await run('ratchet_complete_v3', query, db);
  const rows = answer.filter((row) => row.id !== null);
  if ((answer[0]?.owned ?? 0) > rows.length)
    throw new Error(
      `${answer[0]!.owned - rows.length} completed job(s) had no RUNNING execution to complete`,
    );
  const executions = rows.flatMap(({ execution_row }) => (execution_row ? [execution_row] : []));
  return finishedCompletions(results, rows, executions);
}
