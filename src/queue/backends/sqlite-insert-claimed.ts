// Direct dispatch on SQLite (queue/direct-dispatch.ts says when it is offered): the job is inserted
// already claimed by the reserving worker, with its execution row, in the caller's transaction. In
// process a statement costs microseconds, but a transaction does not: its commit writes every page
// the job's row and its indexes touched to the WAL, ~0.1 ms, and a claim is a transaction of its own
// (BEGIN IMMEDIATE, the candidates, the UPDATE, the execution, COMMIT: ~0.2 ms of the ~0.35 from
// enqueue to start). Inserted claimed, the job is written once.
import type { Db } from '../../store/codec.ts';
import { claimedJobRow, runInputOf, toJob, type InsertJobInput } from '../../store/repos/jobs.ts';
import { orderedUuid } from '../../store/ordered-uuid.ts';
import type { ClaimedJob } from '../claim-jobs.ts';
import type { DirectClaim } from '../direct-dispatch.ts';

/**
 * In `trx` (a transaction): the job, PROCESSING for the reservation's worker, and its first
 * execution, running the pinned version or else the task's latest. Undefined, with nothing
 * inserted, when the task has no version to run or the idempotency key was used already: the
 * caller then takes the normal path, which decides.
 */
export async function insertClaimedSqlite(
  trx: Db,
  input: InsertJobInput,
  claim: Pick<DirectClaim, 'workerId' | 'leaseMs'>,
  now = Date.now(),
): Promise<ClaimedJob | undefined> {
  const versionId = input.taskVersionId ?? (await latestVersionOf(trx, input.taskId));
  if (versionId === null) return undefined;
  const row = await trx
    .insertInto('jobs')
    .values(claimedJobRow(input, claim, now))
    .onConflict((oc) => oc.column('idempotency_key').where('idempotency_key', 'is not', null).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) return undefined;
  const execution = await trx
    .insertInto('executions')
    .values({
      uuid: orderedUuid(now),
      job_id: row.id,
      task_id: row.task_id,
      task_version_id: versionId,
      attempt: 1,
      status: 'RUNNING',
      input: row.input,
      worker_id: claim.workerId,
      started_at: now,
      created_at: now,
    })
    .returning(['id', 'uuid'])
    .executeTakeFirstOrThrow();
  return {
    job: toJob(row),
    runInput: runInputOf(row),
    executionId: Number(execution.id),
    executionUuid: execution.uuid,
    taskVersionId: Number(versionId),
  };
}

/** The version a job of the task runs when none is pinned (null: none enabled, or no such task). */
async function latestVersionOf(trx: Db, taskId: number): Promise<number | null> {
  const task = await trx
    .selectFrom('tasks')
    .select('latest_version_id')
    .where('id', '=', taskId)
    .executeTakeFirst();
  return task?.latest_version_id ?? null;
}
