// The writes one advance of a run buffered (context.ts), sent in as few round trips as the engine
// allows. On PostgreSQL that is one statement: data-modifying CTEs insert the new attempts' jobs,
// write every changed step row (guarded by the state it was read in, and given its new job's id),
// the run row and the transitions; a next step's job may be inserted already claimed by an idle
// local thread, with its execution row (direct dispatch). A step of a chain used to cost four
// writes and a claim, each a round trip. On SQLite (in process, where a statement costs
// microseconds) each write is its own statement, and a claimed job is inserted by the queue's
// own direct-dispatch insert (queue/backends/sqlite-insert-claimed.ts).
import { CompiledQuery, sql, type Insertable, type RawBuilder, type Selectable } from 'kysely';
import { isPostgres, type Db } from '../../store/codec.ts';
import { COLUMNS as JOB_COLUMNS, insertJobs } from '../../store/repos/jobs-bulk.ts';
import { claimedJobRow, newJobRow, runInputOf, toJob, type InsertJobInput } from '../../store/repos/jobs.ts';
import type { ClaimedJob } from '../../queue/claim-jobs.ts';
import type { DirectClaim } from '../../queue/direct-dispatch.ts';
import type { JobsTable, WorkflowTransitionsTable } from '../../store/schema.ts';
import type { StepRow } from './context.ts';
import { orderedUuid } from '../../store/ordered-uuid.ts';
import { insertClaimedSqlite } from '../../queue/backends/sqlite-insert-claimed.ts';

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
  /** New attempts: a job per step (its row is among `steps`); `claim`: inserted claimed. */
  jobs: { stepId: number; input: InsertJobInput; claim?: Pick<DirectClaim, 'workerId' | 'leaseMs'> }[];
  run?: RunWrite;
  transitions: Insertable<WorkflowTransitionsTable>[];
}

export interface WriteOutcome {
  /** The new jobs' ids by step id. */
  jobIds: Map<number, number>;
  /** The jobs inserted claimed, by step id. */
  claimed: Map<number, ClaimedJob>;
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
  const postgres = isPostgres(trx);
  return postgres ? writePostgres(trx, w) : writeSqlite(trx, w);
}

/** The changed step rows; an input or output never read (undefined) is left out, so kept as stored. */
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
// Claimed jobs (direct dispatch, queue/direct-dispatch.ts) are inserted PROCESSING with a lease
// and an execution row, as a claim would leave them; one whose task has no version to run is left
// out, and the caller finds it missing and takes the normal path.
const PG_JOB_COLUMNS = [...JOB_COLUMNS, 'lease_owner', 'lease_expires_at', 'started_at'].join(', ');

// One text for every advance (the parts with nothing to write get empty JSON), so it is prepared
// once per connection. $1 new jobs, $2 changed step rows with the state each was read in, $3 the
// run's new state or null, $4 transitions, $5 the execution UUIDs of claimed jobs.
const PG_ADVANCE = `/* ratchet:ratchet_workflow_advance_v3 */
  with new_jobs as (
    insert into jobs (${PG_JOB_COLUMNS})
    select ${PG_JOB_COLUMNS} from json_populate_recordset(null::jobs, $1::json) as p
    where p.status <> 'PROCESSING' or exists (select 1 from tasks t
      where t.id = p.task_id and coalesce(p.task_version_id, t.latest_version_id) is not null)
    returning *
  ), new_executions as (
    insert into executions (uuid, job_id, task_id, task_version_id, attempt, status, input, worker_id,
      started_at, created_at)
    select x.execution_uuid, j.id, j.task_id, coalesce(j.task_version_id, t.latest_version_id), 1, 'RUNNING',
      j.input, j.lease_owner, j.started_at, j.started_at
    from new_jobs j join tasks t on t.id = j.task_id
      join json_to_recordset($5::json) as x(uuid text, execution_uuid text) on x.uuid = j.uuid
    where j.status = 'PROCESSING'
    returning id, uuid, job_id, task_version_id
  ), step_rows as (
    select p.*, x ->> 'expected' as expected,
      x -> 'input' is not null as has_input, x -> 'output' is not null as has_output
    from json_array_elements($2::json) as x, lateral json_populate_record(null::workflow_steps, x) as p
  ), moved as (
    update workflow_steps s set status = v.status, attempts = v.attempts,
      job_id = coalesce(j.id, v.job_id),
      input = case when v.has_input then v.input else s.input end,
      output = case when v.has_output then v.output else s.output end, error = v.error,
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
    (select json_agg(json_build_array(id, workflow_step_id)) from new_jobs) as jobs,
    (select json_agg(json_build_object('job', row_to_json(j), 'execution_id', e.id,
      'execution_uuid', e.uuid, 'version_id', e.task_version_id))
      from new_jobs j join new_executions e on e.job_id = j.id) as claimed`;

type Id = string | number;
type AdvanceRow = {
  moved: Id[] | null;
  jobs: [Id, Id][] | null;
  claimed: { job: Selectable<JobsTable>; execution_id: Id; execution_uuid: string; version_id: Id }[] | null;
};

async function writePostgres(trx: Db, w: AdvanceWrites): Promise<WriteOutcome> {
  const now = Date.now();
  const run = w.run && {
    id: w.runId,
    ...w.run,
    set_output: 'output' in w.run,
    set_error: 'error' in w.run,
  };
  const executionUuids: { uuid: string; execution_uuid: string }[] = [];
  const jobs = w.jobs.map(({ input, claim }) => {
    if (!claim) return newJobRow(input, now);
    const row = claimedJobRow(input, claim, now);
    executionUuids.push({ uuid: row.uuid, execution_uuid: orderedUuid(now) });
    return row;
  });
  const { rows } = await trx.executeQuery<AdvanceRow>(
    CompiledQuery.raw(PG_ADVANCE, [
      JSON.stringify(jobs),
      stepJson(w),
      run ? JSON.stringify(run) : null,
      JSON.stringify(w.transitions),
      JSON.stringify(executionUuids),
    ]),
  );
  const moved = new Set((rows[0]?.moved ?? []).map(Number));
  const claimed = new Map<number, ClaimedJob>();
  for (const c of rows[0]?.claimed ?? []) {
    claimed.set(Number(c.job.workflow_step_id), {
      job: toJob(c.job),
      runInput: runInputOf(c.job),
      executionId: Number(c.execution_id),
      executionUuid: c.execution_uuid,
      taskVersionId: Number(c.version_id),
    });
  }
  return {
    jobIds: new Map((rows[0]?.jobs ?? []).map(([id, stepId]) => [Number(stepId), Number(id)])),
    claimed,
    unmoved: w.steps.filter((s) => !moved.has(Number(s.row.id))).map((s) => s.row),
  };
}

/** The UPDATE of a step row's `fields`, by their list (a handful of texts in all). */
const sqliteStepUpdates = new Map<string, string>();
function sqliteStepUpdate(fields: readonly string[]): string {
  const key = fields.join(',');
  let text = sqliteStepUpdates.get(key);
  if (text === undefined) {
    text = `update workflow_steps set ${fields.map((f) => `${f} = ?`).join(', ')} where id = ? and status = ?`;
    sqliteStepUpdates.set(key, text);
  }
  return text;
}

async function writeSqlite(trx: Db, w: AdvanceWrites): Promise<WriteOutcome> {
  // An attempt with a reservation is inserted claimed when its task has a version to run; every
  // other attempt is queued. A reserved one left queued makes the engine write again guarded.
  const claimed = new Map<number, ClaimedJob>();
  for (const { stepId, input, claim } of w.jobs) {
    const job = claim && (await insertClaimedSqlite(trx, input, claim));
    if (job) claimed.set(stepId, job);
  }
  const queued = w.jobs.filter((j) => !claimed.has(j.stepId));
  const inserted =
    queued.length > 0
      ? await insertJobs(
          trx,
          queued.map((j) => j.input),
        )
      : [];
  const jobIds = new Map<number, number>([
    ...[...claimed].map(([stepId, c]) => [stepId, c.job.id] as const),
    ...queued.map((j, i) => [j.stepId, inserted[i]!.job.id] as const),
  ]);
  const unmoved: StepRow[] = [];
  for (const { row, expected } of w.steps) {
    // A column the advance never read (undefined) is left as stored.
    const fields = STEP_FIELDS.filter((f) => row[f] !== undefined);
    const values = fields.map((f) => (f === 'job_id' ? (jobIds.get(Number(row.id)) ?? row.job_id) : row[f]));
    const res = await trx.executeQuery(
      CompiledQuery.raw(sqliteStepUpdate(fields), [...values, row.id, expected]),
    );
    if (res.numAffectedRows !== 1n) unmoved.push(row);
  }
  if (w.run) await sql`update workflow_runs set ${runSets(w.run)} where id = ${w.runId}`.execute(trx);
  for (let at = 0; at < w.transitions.length; at += 500) {
    await trx
      .insertInto('workflow_transitions')
      .values(w.transitions.slice(at, at + 500))
      .execute();
  }
  return { jobIds, claimed, unmoved };
}
