// Jobs: requests to run a task version with an input. This module stores and reads them; the
// queue issue adds claim/complete/fail next to it, served by the indexes made in 001_initial.
import { sql, type Selectable } from 'kysely';
import type { JobStatus, JobsTable } from '../schema.ts';
import { bool, fromJson, iso, toJson, toJsonOrNull, toMs } from '../codec.ts';
import type { Db, TimeInput } from '../codec.ts';
import { runListQuery } from '../list-query.ts';
import type { ListQuery, ListResult, ListSpec } from '../list-query.ts';
import { orderedUuid } from '../ordered-uuid.ts';

/** Priorities are numbers, higher = more urgent; the API's names map onto them. */
export const JOB_PRIORITY = { LOW: 0, NORMAL: 5, HIGH: 10, CRITICAL: 20 } as const;
export type PriorityName = keyof typeof JOB_PRIORITY;

/** The name for a stored priority: the highest named level not above it. */
export function priorityName(priority: number): PriorityName {
  if (priority >= JOB_PRIORITY.CRITICAL) return 'CRITICAL';
  if (priority >= JOB_PRIORITY.HIGH) return 'HIGH';
  if (priority >= JOB_PRIORITY.NORMAL) return 'NORMAL';
  return 'LOW';
}

export interface JobRecord {
  id: number;
  uuid: string;
  taskId: number;
  /** Null: whatever version is latest when the job runs. */
  taskVersionId: number | null;
  input: unknown;
  status: JobStatus;
  priority: number;
  runAt: string;
  attempts: number;
  maxRetries: number;
  timeoutMs: number | null;
  idempotencyKey: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  lastError: unknown;
  outputDestinations: unknown[] | null;
  scheduleId: number | null;
  cancelRequested: boolean;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The workflow step this job is an attempt of; null for ordinary jobs. */
  workflowStepId: number | null;
}

export interface InsertJobInput {
  taskId: number;
  taskVersionId?: number | null;
  input?: unknown;
  priority?: number;
  /** Not before this time; default now. */
  runAt?: TimeInput;
  maxRetries?: number;
  timeoutMs?: number | null;
  /** A second insert with the same key returns the first job instead of adding one. */
  idempotencyKey?: string | null;
  outputDestinations?: unknown[] | null;
  scheduleId?: number | null;
  /** The real input when `input` has writeOnly fields masked; only the worker ever reads it. */
  secretInput?: unknown;
  /** Set by the workflow engine: the step this job is an attempt of. */
  workflowStepId?: number | null;
}

/** The input a worker runs: the real one when writeOnly fields were masked in `input`. */
export function runInputOf(row: Pick<Selectable<JobsTable>, 'input' | 'secret_input'>): unknown {
  return fromJson(row.secret_input ?? row.input);
}

export function toJob(row: Selectable<JobsTable>): JobRecord {
  return {
    id: Number(row.id),
    uuid: row.uuid,
    taskId: Number(row.task_id),
    taskVersionId: row.task_version_id === null ? null : Number(row.task_version_id),
    input: fromJson(row.input),
    status: row.status,
    priority: row.priority,
    runAt: iso(row.run_at),
    attempts: row.attempts,
    maxRetries: row.max_retries,
    timeoutMs: row.timeout_ms,
    idempotencyKey: row.idempotency_key,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: iso(row.lease_expires_at),
    lastError: fromJson(row.last_error),
    outputDestinations: fromJson<unknown[]>(row.output_destinations),
    scheduleId: row.schedule_id === null ? null : Number(row.schedule_id),
    cancelRequested: bool(row.cancel_requested),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    workflowStepId: row.workflow_step_id == null ? null : Number(row.workflow_step_id),
  };
}

/**
 * The conflict clause of every job INSERT. On PostgreSQL the key's unique index is partial (only
 * rows with a key: migration 013), and ON CONFLICT must name its predicate to infer it; SQLite's
 * full UNIQUE constraint satisfies the same clause.
 */
export const ON_KEY_CONFLICT = 'on conflict (idempotency_key) where idempotency_key is not null do nothing';

/** The row a new job is stored as (QUEUED, no attempts yet). */
export function newJobRow(input: InsertJobInput, now: number) {
  const priority = input.priority ?? JOB_PRIORITY.NORMAL;
  if (!Number.isInteger(priority)) throw new RangeError(`job priority ${priority} must be an integer`);
  return {
    uuid: orderedUuid(now),
    task_id: input.taskId,
    task_version_id: input.taskVersionId ?? null,
    input: toJson(input.input ?? {}),
    secret_input: input.secretInput === undefined ? null : toJson(input.secretInput),
    status: 'QUEUED' as const,
    priority,
    run_at: input.runAt === undefined ? now : toMs(input.runAt, 'job runAt'),
    attempts: 0,
    max_retries: input.maxRetries ?? 3,
    timeout_ms: input.timeoutMs ?? null,
    idempotency_key: input.idempotencyKey ?? null,
    output_destinations: toJsonOrNull(input.outputDestinations),
    schedule_id: input.scheduleId ?? null,
    cancel_requested: false,
    workflow_step_id: input.workflowStepId ?? null,
    created_at: now,
    updated_at: now,
  };
}

/**
 * The row of a due job inserted already claimed (direct dispatch, queue/direct-dispatch.ts): as a
 * claim leaves it, PROCESSING in its first attempt under the worker's lease.
 */
export function claimedJobRow(
  input: InsertJobInput,
  claim: { workerId: string; leaseMs: number },
  now: number,
) {
  return {
    ...newJobRow(input, now),
    status: 'PROCESSING' as const,
    attempts: 1,
    lease_owner: claim.workerId,
    lease_expires_at: now + claim.leaseMs,
    started_at: now,
  };
}

/**
 * Queues a job. With an idempotency key already used, nothing is inserted and the existing job is
 * returned with `created: false` (ON CONFLICT DO NOTHING, so a caller's transaction survives).
 * `notifyChannel` (PostgreSQL only: the queue's backend passes it): NOTIFY that channel in the same
 * statement when a job was inserted, so enqueue plus wake-up is one round trip; `notifyPayload` is
 * the notification's payload.
 */
export async function insertJob(
  db: Db,
  input: InsertJobInput,
  opts: { notifyChannel?: string; notifyPayload?: string } = {},
): Promise<{ job: JobRecord; created: boolean }> {
  const values = newJobRow(input, Date.now());
  const insert = (qc: Db) =>
    qc
      .insertInto('jobs')
      .values(values)
      .onConflict((oc) => oc.column('idempotency_key').where('idempotency_key', 'is not', null).doNothing())
      .returningAll();
  const channel = opts.notifyChannel;
  const row =
    channel !== undefined
      ? await db
          .with('inserted', () => insert(db))
          .selectFrom('inserted')
          .selectAll()
          .select(sql<string>`pg_notify(${channel}, ${opts.notifyPayload ?? ''})::text`.as('notified'))
          .executeTakeFirst()
      : await insert(db).executeTakeFirst();
  if (row) return { job: toJob(row), created: true };
  const existing = await db
    .selectFrom('jobs')
    .selectAll()
    .where('idempotency_key', '=', input.idempotencyKey!)
    .executeTakeFirstOrThrow();
  return { job: toJob(existing), created: false };
}

/** A job by numeric id or UUID. */
export async function getJob(db: Db, ref: number | string): Promise<JobRecord | undefined> {
  const byId = typeof ref === 'number' || /^[0-9]{1,15}$/.test(ref);
  const row = await db
    .selectFrom('jobs')
    .selectAll()
    .where(byId ? 'id' : 'uuid', '=', byId ? Number(ref) : ref.toLowerCase())
    .executeTakeFirst();
  return row ? toJob(row) : undefined;
}

const JOB_LIST: ListSpec = {
  fields: {
    id: { column: 'id', kind: 'number' },
    uuid: { column: 'uuid', kind: 'string' },
    taskId: { column: 'task_id', kind: 'number' },
    taskVersionId: { column: 'task_version_id', kind: 'number' },
    status: { column: 'status', kind: 'string' },
    priority: { column: 'priority', kind: 'number' },
    runAt: { column: 'run_at', kind: 'time' },
    attempts: { column: 'attempts', kind: 'number' },
    scheduleId: { column: 'schedule_id', kind: 'number' },
    idempotencyKey: { column: 'idempotency_key', kind: 'string' },
    leaseOwner: { column: 'lease_owner', kind: 'string' },
    createdAt: { column: 'created_at', kind: 'time' },
    updatedAt: { column: 'updated_at', kind: 'time' },
    startedAt: { column: 'started_at', kind: 'time' },
    finishedAt: { column: 'finished_at', kind: 'time' },
  },
  defaultSort: { field: 'createdAt', order: 'desc' },
  idColumn: 'id',
};

export async function listJobs(db: Db, q: ListQuery = {}): Promise<ListResult<JobRecord>> {
  const res = await runListQuery<Selectable<JobsTable>>(db.selectFrom('jobs'), JOB_LIST, q, (qb) =>
    qb.selectAll(),
  );
  return { rows: res.rows.map(toJob), total: res.total };
}

/** Counts per status, every status present (0 when none). */
export async function countJobsByStatus(db: Db): Promise<Record<JobStatus, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<JobStatus, number> = {
    QUEUED: 0,
    PROCESSING: 0,
    COMPLETED: 0,
    FAILED: 0,
    CANCELLED: 0,
    RETRYING: 0,
  };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/** Flags a job for cancellation; the queue stops it (or skips it if not yet claimed). */
export async function requestJobCancel(db: Db, id: number): Promise<JobRecord | undefined> {
  const row = await db
    .updateTable('jobs')
    .set({ cancel_requested: true, updated_at: Date.now() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row ? toJob(row) : undefined;
}

/**
 * Changes the priority and/or due time of a job still waiting (QUEUED or RETRYING); undefined when
 * the job does not exist or has started (the caller reads it to say which).
 */
export async function updateWaitingJob(
  db: Db,
  id: number,
  set: { priority?: number; runAt?: TimeInput },
): Promise<JobRecord | undefined> {
  const row = await db
    .updateTable('jobs')
    .set({
      ...(set.priority !== undefined ? { priority: set.priority } : {}),
      ...(set.runAt !== undefined ? { run_at: toMs(set.runAt, 'job runAt') } : {}),
      updated_at: Date.now(),
    })
    .where('id', '=', id)
    .where('status', 'in', ['QUEUED', 'RETRYING'])
    .returningAll()
    .executeTakeFirst();
  return row ? toJob(row) : undefined;
}
