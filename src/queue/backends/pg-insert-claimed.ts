// Direct dispatch on PostgreSQL (queue/direct-dispatch.ts says when it is offered): the job is
// inserted already claimed by the reserving worker, with its execution row, in one statement.
import { sql, type Selectable } from 'kysely';
import { toJson, toJsonOrNull, type Db } from '../../store/codec.ts';
import type { JobsTable } from '../../store/schema.ts';
import {
  JOB_PRIORITY,
  ON_KEY_CONFLICT,
  runInputOf,
  toJob,
  type InsertJobInput,
} from '../../store/repos/jobs.ts';
import type { ClaimedJob } from '../claim-jobs.ts';
import { claimDirectly, type DirectClaim } from '../direct-dispatch.ts';
import type { RunPrepared } from './pg-prepared.ts';
import { orderedUuid } from '../../store/ordered-uuid.ts';

type Row = Selectable<JobsTable> & {
  execution_id: string | number;
  execution_uuid: string;
  version_id: string | number;
};

/**
 * Inserts a due job as PROCESSING for the reservation's worker with its first execution, running
 * the task's latest version unless one is pinned, and settles the reservation (the worker starts
 * the job). Undefined when nothing was inserted: the idempotency key was already used, or the
 * insert failed (e.g. the task lost its last enabled version meanwhile); the caller then takes the
 * normal path, which decides.
 */
export async function insertClaimedJob(
  db: Db,
  run: RunPrepared,
  input: InsertJobInput,
  claim: DirectClaim,
): Promise<ClaimedJob | undefined> {
  return claimDirectly(claim, async () => {
    const [row] = await run('ratchet_insert_claimed_v1', insertClaimedQuery(input, claim).compile(db));
    if (!row) return undefined;
    return {
      job: toJob(row),
      runInput: runInputOf(row),
      executionId: Number(row.execution_id),
      executionUuid: row.execution_uuid,
      taskVersionId: Number(row.version_id),
    };
  });
}

function insertClaimedQuery(input: InsertJobInput, claim: Pick<DirectClaim, 'workerId' | 'leaseMs'>) {
  const now = Date.now();
  const version = input.taskVersionId ?? null;
  return sql<Row>`
    with version as (
      select coalesce(${version}::bigint, latest_version_id) as id from tasks where id = ${input.taskId}
    ), inserted as (
      insert into jobs (uuid, task_id, task_version_id, input, secret_input, status, priority, run_at, attempts,
        max_retries, timeout_ms, idempotency_key, output_destinations, schedule_id, cancel_requested,
        lease_owner, lease_expires_at, started_at, created_at, updated_at)
      values (${orderedUuid(now)}, ${input.taskId}, ${version}, ${toJson(input.input ?? {})},
        ${input.secretInput === undefined ? null : toJson(input.secretInput)}, 'PROCESSING',
        ${input.priority ?? JOB_PRIORITY.NORMAL}, ${now}, 1, ${input.maxRetries ?? 3}, ${input.timeoutMs ?? null},
        ${input.idempotencyKey ?? null}, ${toJsonOrNull(input.outputDestinations)}, ${input.scheduleId ?? null},
        false, ${claim.workerId}, ${now + claim.leaseMs}, ${now}, ${now}, ${now})
      ${sql.raw(ON_KEY_CONFLICT)}
      returning *
    ), execution as (
      insert into executions (uuid, job_id, task_id, task_version_id, attempt, status, input, worker_id,
        started_at, created_at)
      select ${orderedUuid(now)}, inserted.id, inserted.task_id, version.id, 1, 'RUNNING', inserted.input,
        ${claim.workerId}, ${now}, ${now}
      from inserted, version
      returning id, uuid, task_version_id
    )
    select inserted.*, execution.id as execution_id, execution.uuid as execution_uuid,
      execution.task_version_id as version_id
    from inserted, execution`;
}
