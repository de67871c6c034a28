// The transactional claim both backends share: up to `limit` due jobs for one worker, highest
// priority first, concurrency limits applied, an execution row opened for each attempt, all in one
// transaction. What differs by engine comes in a ClaimDialect: PostgreSQL locks the candidates with
// FOR UPDATE SKIP LOCKED (concurrent workers take disjoint sets without waiting) and serialises
// limited tasks with an advisory lock; SQLite names its partial index and relies on BEGIN
// IMMEDIATE's write lock. (PostgreSQL claims in one statement when no limit can apply:
// backends/pg-claim.ts.)
import { orderedUuid } from '../store/ordered-uuid.ts';
import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { JobsTable } from '../store/schema.ts';
import { inTransaction, toJson, type Db } from '../store/codec.ts';
import { runInputOf, toJob, type JobRecord } from '../store/repos/jobs.ts';
import { effectiveLimit, taskConcurrencyLimit } from './task-limits.ts';
import type { QueueCaches } from './caches.ts';
import type { FinishHooks } from './finish-hooks.ts';

/** The engine-specific parts of the transactional claim. */
export interface ClaimDialect {
  /** After FROM: an index hint (SQLite's planner needs one without fresh statistics). */
  claimIndex: RawBuilder<unknown>;
  /** At the end of the candidate SELECT: the row lock that keeps concurrent claims apart. */
  lockCandidates: RawBuilder<unknown>;
  /** Before counting a limited task's running jobs: serialise claims of that task. */
  lockTask(trx: Db, taskId: number): Promise<void>;
  /** First statement of the claim's transaction. */
  begin(trx: Db): Promise<void>;
  /**
   * A table function over a JSON array parameter with one column `value` per element (SQLite
   * json_each, PostgreSQL json_array_elements): the claim's rows travel as one parameter, so its
   * statements keep one text whatever the batch size and nothing per-row is built or compiled.
   */
  jsonRows(json: string): RawBuilder<unknown>;
  /** After the claim UPDATE's table: look the claimed rows up by id only (SQLite's NOT INDEXED). */
  byIdOnly: RawBuilder<unknown>;
}

export interface ClaimOptions {
  workerId: string;
  limit: number;
  leaseMs: number;
  now: number;
  /** server.job_queue.task_concurrency: task name → most jobs of it running at once. */
  taskLimits?: Readonly<Record<string, number>>;
  /** The application's queue caches; without them every claim re-reads the metadata-limit flag. */
  caches?: QueueCaches;
}

export interface ClaimedJob {
  job: JobRecord;
  executionId: number;
  executionUuid: string;
  /** The version this attempt runs (the pinned one, else the task's latest at claim time). */
  taskVersionId: number;
  /** The input to run: `job.input` shows writeOnly fields masked, this has the real values. */
  runInput: unknown;
}

interface Candidate {
  id: number;
  task_id: number;
  task_name: string;
  version_id: number | null;
}

async function selectCandidates(trx: Db, dialect: ClaimDialect, opts: ClaimOptions): Promise<Candidate[]> {
  // The literal IN list (not a parameter) lets SQLite use the partial claim index.
  const { claimIndex: index, lockCandidates: lock } = dialect;
  const { rows } = await sql<Candidate>`
    select jobs.id, jobs.task_id, tasks.name as task_name, coalesce(jobs.task_version_id, tasks.latest_version_id) as version_id
    from jobs ${index} join tasks on tasks.id = jobs.task_id
    where jobs.status in ('QUEUED', 'RETRYING') and jobs.run_at <= ${opts.now}
    order by jobs.priority desc, jobs.run_at, jobs.id
    limit ${opts.limit}
    ${lock}`.execute(trx);
  return rows.map((r) => ({
    id: Number(r.id),
    task_id: Number(r.task_id),
    task_name: r.task_name,
    version_id: r.version_id === null ? null : Number(r.version_id),
  }));
}

/** Drops candidates beyond their task's concurrency limit (counting jobs running anywhere). */
async function applyConcurrencyLimits(
  trx: Db,
  dialect: ClaimDialect,
  candidates: Candidate[],
  configured: Readonly<Record<string, number>>,
): Promise<Candidate[]> {
  const limits = new Map<number, number>();
  for (const c of candidates) {
    if (c.version_id === null || limits.has(c.task_id)) continue;
    const fromConfig = Object.hasOwn(configured, c.task_name) ? configured[c.task_name] : undefined;
    const limit = effectiveLimit(await taskConcurrencyLimit(trx, c.version_id), fromConfig);
    if (limit !== undefined) limits.set(c.task_id, limit);
  }
  if (limits.size === 0) return candidates;
  const free = new Map<number, number>();
  for (const [taskId, limit] of limits) {
    // Two workers must not both see the same free slot.
    await dialect.lockTask(trx, taskId);
    const running = await trx
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('task_id', '=', taskId)
      .where('status', '=', 'PROCESSING')
      .executeTakeFirstOrThrow();
    free.set(taskId, limit - Number(running.n));
  }
  return candidates.filter((c) => {
    const left = free.get(c.task_id);
    if (left === undefined) return true;
    free.set(c.task_id, left - 1);
    return left > 0;
  });
}

export const NO_VERSION = toJson({ type: 'TaskNotFound', message: 'the task has no enabled version to run' });

/**
 * Fails jobs whose task has no enabled version: they can never run, and a claim must not spin on
 * them. The finish hooks run in the same transaction, so a workflow step failed here moves its run
 * on like any other failed step.
 */
export async function failVersionless(
  trx: Db,
  ids: readonly number[],
  now: number,
  hooks?: FinishHooks,
): Promise<void> {
  const rows = await trx
    .updateTable('jobs')
    .set({ status: 'FAILED', finished_at: now, updated_at: now, last_error: NO_VERSION })
    .where('id', 'in', ids)
    .where('status', 'in', ['QUEUED', 'RETRYING'])
    .returningAll()
    .execute();
  if (hooks && rows.length > 0) {
    await hooks.run(
      trx,
      rows.map((r) => ({ job: toJob(r), execution: undefined, jobStatus: 'FAILED' as const })),
    );
  }
}

/** The transactional claim (with the engine's fragments); `hooks` hear of jobs failed for want of a version. */
export async function claimInTransaction(
  db: Db,
  dialect: ClaimDialect,
  opts: ClaimOptions,
  hooks?: FinishHooks,
): Promise<ClaimedJob[]> {
  if (opts.limit <= 0) return [];
  const configured = opts.taskLimits ?? {};
  return inTransaction(db, async (trx) => {
    await dialect.begin(trx);
    const candidates = await applyConcurrencyLimits(
      trx,
      dialect,
      await selectCandidates(trx, dialect, opts),
      configured,
    );
    if (candidates.length === 0) return [];
    const orphans = candidates.filter((c) => c.version_id === null).map((c) => c.id);
    if (orphans.length > 0) await failVersionless(trx, orphans, opts.now, hooks);
    const runnable = candidates.filter((c) => c.version_id !== null);
    if (runnable.length === 0) return [];
    const versionOf = new Map(runnable.map((c) => [c.id, c.version_id!]));
    const { rows } = await sql<Selectable<JobsTable>>`
      update jobs ${dialect.byIdOnly} set status = 'PROCESSING', attempts = attempts + 1, lease_owner = ${opts.workerId},
        lease_expires_at = ${opts.now + opts.leaseMs}, started_at = coalesce(started_at, ${opts.now}),
        updated_at = ${opts.now}
      where id in (select cast(value ->> 0 as bigint)
        from ${dialect.jsonRows(JSON.stringify(runnable.map((c) => [c.id])))})
        and status in ('QUEUED', 'RETRYING')
      returning *`.execute(trx);
    if (rows.length === 0) return [];
    // One element per execution: uuid, job id, task id, version id, attempt, input (JSON text).
    const opened = JSON.stringify(
      rows.map((r) => [
        orderedUuid(opts.now),
        r.id,
        r.task_id,
        versionOf.get(Number(r.id))!,
        r.attempts,
        r.input,
      ]),
    );
    const { rows: executions } = await sql<{ id: number; job_id: number; uuid: string }>`
      insert into executions
        (uuid, job_id, task_id, task_version_id, attempt, status, input, worker_id, started_at, created_at)
      select value ->> 0, cast(value ->> 1 as bigint), cast(value ->> 2 as bigint), cast(value ->> 3 as bigint),
        cast(value ->> 4 as integer), 'RUNNING', value ->> 5, cast(${opts.workerId} as text),
        cast(${opts.now} as bigint), cast(${opts.now} as bigint)
      from ${dialect.jsonRows(opened)}
      returning id, job_id, uuid`.execute(trx);
    const executionOf = new Map(executions.map((e) => [Number(e.job_id), e]));
    // Keep the claim order (priority, run_at, id); RETURNING order is not guaranteed.
    const order = new Map(runnable.map((c, i) => [c.id, i]));
    return rows
      .map((r) => {
        const job = toJob(r);
        const e = executionOf.get(job.id)!;
        return {
          job,
          runInput: runInputOf(r),
          executionId: Number(e.id),
          executionUuid: e.uuid,
          taskVersionId: versionOf.get(job.id)!,
        };
      })
      .sort((a, b) => order.get(a.job.id)! - order.get(b.job.id)!);
  });
}
