// The writes one advance of a run buffered (context.ts), sent in as few round trips as the engine
// allows. On PostgreSQL that is one statement: data-modifying CTEs insert the new attempts' jobs,
// write every changed step row (guarded by the state it was read in, and given its new job's id),
// the run row and the transitions. A step of a 4-step chain used to cost four writes, each a round
// trip. On SQLite (in process, where a statement costs microseconds) each write is its own
// statement.
import { CompiledQuery, PostgresAdapter, sql, type Insertable, type RawBuilder } from 'kysely';
import type { Db } from '../../store/codec.ts';
import { COLUMNS as JOB_COLUMNS, insertJobs } from '../../store/repos/jobs-bulk.ts';
import { newJobRow, type InsertJobInput } from '../../store/repos/jobs.ts';
import type { WorkflowTransitionsTable } from '../../store/schema.ts';
import type { StepRow } from './context.ts';

/** A step row changed in memory, with the state it had when read (the guard of its UPDATE). */
export interface StepWrite {
  row: StepRow;
  expected: string;
}

/** The run row's new state; output and error only when the move set them. */
export interface RunWrite {
  status: string;
  updated_at: number;
  finished_at: number | null;
  output?: string | null;
  error?: string | null;
}

export interface AdvanceWrites {
  runId: number;
  steps: StepWrite[];
  /** New attempts: a job per step (its row is among `steps`). */
  jobs: { stepId: number; input: InsertJobInput }[];
  run?: RunWrite;
  transitions: Insertable<WorkflowTransitionsTable>[];
}

export interface WriteOutcome {
  /** The new jobs' ids by step id. */
  jobIds: Map<number, number>;
  /** Step rows whose guard failed: changed by someone else since they were read. */
  unmoved: StepRow[];
}

const STEP_FIELDS = [
  'status',
  'attempts',
  'job_id',
  'input',
  'output',
  'error',
  'started_at',
  'finished_at',
] as const;

export async function writeAdvance(trx: Db, w: AdvanceWrites): Promise<WriteOutcome> {
  const postgres = trx.getExecutor().adapter instanceof PostgresAdapter;
  return postgres ? writePostgres(trx, w) : writeSqlite(trx, w);
}

function stepJson(w: AdvanceWrites): string {
  return JSON.stringify(
    w.steps.map(({ row, expected }) => ({
      id: row.id,
      expected,
      ...Object.fromEntries(STEP_FIELDS.map((f) => [f, row[f]])),
    })),
  );
}

function runSets(run: RunWrite): RawBuilder<unknown> {
  const sets = [
    sql`status = ${run.status}`,
    sql`updated_at = ${run.updated_at}`,
    sql`finished_at = ${run.finished_at}`,
  ];
  if ('output' in run) sets.push(sql`output = ${run.output}`);
  if ('error' in run) sets.push(sql`error = ${run.error}`);
  return sql.join(sets);
}

// One text for every advance (the parts with nothing to write get empty JSON), so it is prepared
// once per connection. $1 new jobs, $2 changed step rows with the state each was read in, $3 the
// run's new state or null, $4 transitions.
const PG_ADVANCE = `/* ratchet:ratchet_workflow_advance_v1 */
  with new_jobs as (
    insert into jobs (${JOB_COLUMNS.join(', ')})
    select ${JOB_COLUMNS.join(', ')} from json_populate_recordset(null::jobs, $1::json)
    returning id, workflow_step_id
  ), step_rows as (
    select p.*, x ->> 'expected' as expected
    from json_array_elements($2::json) as x, lateral json_populate_record(null::workflow_steps, x) as p
  ), moved as (
    update workflow_steps s set status = v.status, attempts = v.attempts,
      job_id = coalesce(j.id, v.job_id), input = v.input, output = v.output, error = v.error,
      started_at = v.started_at, finished_at = v.finished_at
    from step_rows v left join new_jobs j on j.workflow_step_id = v.id
    where s.id = v.id and s.status = v.expected
    returning s.id
  ), run_row as (
    update workflow_runs w set status = r.status, updated_at = r.updated_at, finished_at = r.finished_at,
      output = case when r.set_output then r.output else w.output end,
      error = case when r.set_error then r.error else w.error end
    from json_to_record($3::json) as r(id bigint, status text, updated_at bigint, finished_at bigint,
      output text, error text, set_output boolean, set_error boolean)
    where w.id = r.id
  ), transitions as (
    insert into workflow_transitions (run_id, step_id, from_status, to_status, reason, actor, at)
    select run_id, step_id, from_status, to_status, reason, actor, at
    from json_populate_recordset(null::workflow_transitions, $4::json)
  )
  select (select json_agg(id) from moved) as moved,
    (select json_agg(json_build_array(id, workflow_step_id)) from new_jobs) as jobs`;

type AdvanceRow = { moved: (string | number)[] | null; jobs: [string | number, string | number][] | null };

async function writePostgres(trx: Db, w: AdvanceWrites): Promise<WriteOutcome> {
  const now = Date.now();
  const run = w.run && {
    id: w.runId,
    ...w.run,
    set_output: 'output' in w.run,
    set_error: 'error' in w.run,
  };
  const { rows } = await trx.executeQuery<AdvanceRow>(
    CompiledQuery.raw(PG_ADVANCE, [
      JSON.stringify(w.jobs.map((j) => newJobRow(j.input, now))),
      stepJson(w),
      run ? JSON.stringify(run) : null,
      JSON.stringify(w.transitions),
    ]),
  );
  const moved = new Set((rows[0]?.moved ?? []).map(Number));
  return {
    jobIds: new Map((rows[0]?.jobs ?? []).map(([id, stepId]) => [Number(stepId), Number(id)])),
    unmoved: w.steps.filter((s) => !moved.has(Number(s.row.id))).map((s) => s.row),
  };
}

const SQLITE_STEP = `update workflow_steps set ${STEP_FIELDS.map((f) => `${f} = ?`).join(', ')}
  where id = ? and status = ?`;

async function writeSqlite(trx: Db, w: AdvanceWrites): Promise<WriteOutcome> {
  const inserted =
    w.jobs.length > 0
      ? await insertJobs(
          trx,
          w.jobs.map((j) => j.input),
        )
      : [];
  const jobIds = new Map(w.jobs.map((j, i) => [j.stepId, inserted[i]!.job.id]));
  const unmoved: StepRow[] = [];
  for (const { row, expected } of w.steps) {
    const values = STEP_FIELDS.map((f) =>
      f === 'job_id' ? (jobIds.get(Number(row.id)) ?? row.job_id) : row[f],
    );
    const res = await trx.executeQuery(CompiledQuery.raw(SQLITE_STEP, [...values, row.id, expected]));
    if (res.numAffectedRows !== 1n) unmoved.push(row);
  }
  if (w.run) await sql`update workflow_runs set ${runSets(w.run)} where id = ${w.runId}`.execute(trx);
  for (let at = 0; at < w.transitions.length; at += 500) {
    await trx
      .insertInto('workflow_transitions')
      .values(w.transitions.slice(at, at + 500))
      .execute();
  }
  return { jobIds, unmoved };
}
