// The PostgreSQL claim in ONE statement (one round trip, no explicit transaction): pick due jobs
// with FOR UPDATE SKIP LOCKED, fail the ones whose task has no enabled version, move the rest to
// PROCESSING and open their execution rows, all through data-modifying CTEs. Jobs of versions with
// a metadata `max_concurrency` are left where they are: their limit needs a count under a lock,
// which only the transactional claim (claim-jobs.ts) does; the backend uses this path only when no
// limit can apply (a version saved since its last check is caught here).
import { sql, type Selectable } from 'kysely';
import { inTransaction, type Db } from '../../store/codec.ts';
import { orderedUuidSql } from '../../store/ordered-uuid.ts';
import { runInputOf, toJob } from '../../store/repos/jobs.ts';
import type { JobsTable } from '../../store/schema.ts';
import { failVersionless, NO_VERSION, type ClaimedJob, type ClaimOptions } from '../claim-jobs.ts';
import type { FinishHooks } from '../finish-hooks.ts';
import type { RunPrepared } from './pg-prepared.ts';

type Row = Selectable<JobsTable> & {
  claim_version_id: number;
  execution_id: number;
  execution_uuid: string;
  /** A workflow step's job whose task has no version to run: failed afterwards, with the hooks. */
  orphan_step: boolean;
};

/**
 * Runs the claim as one autocommitted statement: one round trip, no BEGIN/COMMIT. Its commit does
 * not wait for the WAL flush: `set_config(..., true)` inside the statement applies to the
 * statement's own implicit transaction (see ASYNC_COMMIT in postgres.ts for why that is safe).
 */
export async function claimInOneStatement(
  db: Db,
  run: RunPrepared,
  opts: ClaimOptions,
  hooks?: FinishHooks,
): Promise<ClaimedJob[]> {
  const all = await run('ratchet_claim_v4', claimQuery(opts).compile(db));
  // A step's job needs its run advanced in the transaction that fails it (claim-jobs.ts): a
  // crash before that leaves it queued for the next claim, never a run waiting forever.
  const orphans = all.filter((r) => r.orphan_step).map((r) => Number(r.id));
  if (orphans.length > 0) await inTransaction(db, (trx) => failVersionless(trx, orphans, opts.now, hooks));
  const rows = all.filter((r) => !r.orphan_step);
  return rows.map((r) => ({
    job: toJob(r),
    runInput: runInputOf(r),
    executionId: Number(r.execution_id),
    executionUuid: r.execution_uuid,
    taskVersionId: Number(r.claim_version_id),
  }));
}

function claimQuery(opts: ClaimOptions) {
  return sql<Row>`
    with cand as (
      -- One table in index order (jobs_claim_idx) under LIMIT, so only the first rows are read;
      -- the task's latest version and the version's metadata are per-row lookups.
      select jobs.id, v.vid, jobs.workflow_step_id is not null as step,
        (select tv.metadata like '%max_concurrency%' from task_versions tv where tv.id = v.vid) as limited
      from jobs
      cross join lateral (
        select coalesce(jobs.task_version_id,
          (select tasks.latest_version_id from tasks where tasks.id = jobs.task_id)) as vid
      ) v
      where jobs.status in ('QUEUED', 'RETRYING') and jobs.run_at <= ${opts.now}
        -- A one-time filter, evaluated before the scan: this transaction commits asynchronously.
        and (select set_config('synchronous_commit', 'off', true)) = 'off'
      order by jobs.priority desc, jobs.run_at, jobs.id
      limit ${opts.limit}
      for update of jobs skip locked
    ), orphans as (
      update jobs set status = 'FAILED', finished_at = ${opts.now}, updated_at = ${opts.now},
        last_error = ${NO_VERSION}
      -- Candidates are found by id through the primary key, here and below: a join with cand is
      -- planned on the rows a generic plan expects (10% of the claimable ones: LIMIT is a
      -- parameter), as a hash join that reads the whole jobs table on every claim.
      where jobs.id = any(array(select id from cand where cand.vid is null and not cand.step))
      returning jobs.id
    ), claimed as (
      update jobs set status = 'PROCESSING', attempts = jobs.attempts + 1,
        lease_owner = ${opts.workerId}, lease_expires_at = ${opts.now + opts.leaseMs},
        started_at = coalesce(jobs.started_at, ${opts.now}), updated_at = ${opts.now}
      where jobs.id = any(array(select id from cand where cand.vid is not null and not cand.limited))
      -- The version again by key (the same snapshot: the same answer as cand's), and the
      -- execution's id and uuid drawn here, so nothing joins two CTEs (planned as a nested loop,
      -- quadratic in the batch).
      returning jobs.*,
        coalesce(jobs.task_version_id,
          (select tasks.latest_version_id from tasks where tasks.id = jobs.task_id)) as claim_version_id,
        nextval('executions_id_seq'::regclass) as execution_id, ${orderedUuidSql(opts.now)} as execution_uuid
    ), execs as (
      insert into executions
        (id, uuid, job_id, task_id, task_version_id, attempt, status, input, worker_id, started_at, created_at)
      select c.execution_id, c.execution_uuid, c.id, c.task_id, c.claim_version_id, c.attempts, 'RUNNING', c.input,
        cast(${opts.workerId} as text), cast(${opts.now} as bigint), cast(${opts.now} as bigint)
      from claimed c
    )
    -- execs runs whether or not it is read (a data-modifying CTE always runs to completion).
    select claimed.*, false as orphan_step from claimed
    union all
    select jobs.*, null::bigint, null::bigint, null::text, true
    from jobs where jobs.id = any(array(select id from cand where cand.vid is null and cand.step))
    order by priority desc, run_at, id`;
}
