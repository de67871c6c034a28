// Executions: one attempt at running a task version, with everything it produced.
import type { Insertable, Selectable } from 'kysely';
import type { ExecutionStatus, ExecutionsTable } from '../schema.ts';
import { NotFoundError, fromJson, iso, toJson, toJsonOrNull, toMs } from '../codec.ts';
import type { Db, TimeInput } from '../codec.ts';
import { runListQuery } from '../list-query.ts';
import type { ListQuery, ListResult, ListSpec } from '../list-query.ts';
import { orderedUuid } from '../ordered-uuid.ts';

export interface ExecutionError {
  type: string;
  message: string;
  stack?: string;
  /** Where in the task it happened, e.g. `{ file: "main.js", line: 3, column: 9 }`. */
  location?: unknown;
}

export interface ExecutionRecord {
  id: number;
  uuid: string;
  jobId: number | null;
  taskId: number;
  taskVersionId: number;
  attempt: number;
  status: ExecutionStatus;
  input: unknown;
  output: unknown;
  error: ExecutionError | null;
  logs: unknown[] | null;
  /** Recorded HTTP exchanges. */
  http: unknown[] | null;
  progress: unknown;
  workerId: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  createdAt: string;
}

/** What list pages return: everything but the potentially large logs and HTTP exchanges. */
export type ExecutionSummary = Omit<ExecutionRecord, 'logs' | 'http'>;

export interface InsertExecutionInput {
  /** Default: a new random UUID. */
  uuid?: string;
  jobId?: number | null;
  taskId: number;
  taskVersionId: number;
  attempt?: number;
  /** Default RUNNING when startedAt is given, else PENDING. */
  status?: ExecutionStatus;
  input: unknown;
  workerId?: string | null;
  startedAt?: TimeInput | null;
  /** Defaults to now; settable for imports and benchmarks. */
  createdAt?: TimeInput;
}

export interface FinishExecutionInput {
  status: Extract<ExecutionStatus, 'COMPLETED' | 'FAILED' | 'CANCELLED'>;
  output?: unknown;
  error?: ExecutionError | null;
  logs?: unknown[] | null;
  http?: unknown[] | null;
  progress?: unknown;
  finishedAt?: TimeInput;
}

function toSummary(row: Omit<Selectable<ExecutionsTable>, 'logs' | 'http'>): ExecutionSummary {
  return {
    id: Number(row.id),
    uuid: row.uuid,
    jobId: row.job_id === null ? null : Number(row.job_id),
    taskId: Number(row.task_id),
    taskVersionId: Number(row.task_version_id),
    attempt: row.attempt,
    status: row.status,
    input: fromJson(row.input),
    output: fromJson(row.output),
    error: fromJson<ExecutionError>(row.error),
    progress: fromJson(row.progress),
    workerId: row.worker_id,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    durationMs: row.duration_ms,
    createdAt: iso(row.created_at),
  };
}

export function toExecution(row: Selectable<ExecutionsTable>): ExecutionRecord {
  return { ...toSummary(row), logs: fromJson<unknown[]>(row.logs), http: fromJson<unknown[]>(row.http) };
}

function toRow(input: InsertExecutionInput, now: number): Insertable<ExecutionsTable> {
  const startedAt = input.startedAt == null ? null : toMs(input.startedAt, 'execution startedAt');
  return {
    uuid: input.uuid ?? orderedUuid(now),
    job_id: input.jobId ?? null,
    task_id: input.taskId,
    task_version_id: input.taskVersionId,
    attempt: input.attempt ?? 1,
    status: input.status ?? (startedAt === null ? 'PENDING' : 'RUNNING'),
    input: toJson(input.input),
    worker_id: input.workerId ?? null,
    started_at: startedAt,
    created_at: input.createdAt === undefined ? now : toMs(input.createdAt, 'execution createdAt'),
  };
}

export async function insertExecution(db: Db, input: InsertExecutionInput): Promise<ExecutionRecord> {
  const row = await db
    .insertInto('executions')
    .values(toRow(input, Date.now()))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toExecution(row);
}

/** A run that already finished, recorded with one INSERT (no RUNNING row before it). */
export type InsertFinishedExecutionInput = Omit<InsertExecutionInput, 'status'> &
  FinishExecutionInput & { startedAt: TimeInput; finishedAt: TimeInput };

/**
 * Records a finished execution in one statement: what insertExecution followed by finishExecution
 * store, without the intermediate RUNNING row (synchronous runs too short for anyone to watch).
 */
export async function insertFinishedExecution(
  db: Db,
  input: InsertFinishedExecutionInput,
): Promise<ExecutionRecord> {
  const base = toRow(input, Date.now());
  const startedAt = toMs(input.startedAt, 'execution startedAt');
  const finishedAt = toMs(input.finishedAt, 'execution finishedAt');
  const row = {
    ...base,
    attempt: base.attempt ?? 1,
    job_id: base.job_id ?? null,
    worker_id: base.worker_id ?? null,
    status: input.status,
    output: toJsonOrNull(input.output),
    error: toJsonOrNull(input.error),
    logs: toJsonOrNull(input.logs),
    http: toJsonOrNull(input.http),
    progress: toJsonOrNull(input.progress),
    started_at: startedAt,
    finished_at: finishedAt,
    duration_ms: finishedAt - startedAt,
  };
  const { id } = await db.insertInto('executions').values(row).returning('id').executeTakeFirstOrThrow();
  return toExecution({ ...row, id: Number(id) });
}

/** Inserts many executions in multi-row statements (imports, benchmarks); returns how many. */
export async function insertExecutions(
  db: Db,
  inputs: InsertExecutionInput[],
  batchSize = 500,
): Promise<number> {
  const now = Date.now();
  for (let i = 0; i < inputs.length; i += batchSize) {
    await db
      .insertInto('executions')
      .values(inputs.slice(i, i + batchSize).map((e) => toRow(e, now)))
      .execute();
  }
  return inputs.length;
}

/** Marks a PENDING execution RUNNING now (or at `at`). */
export async function startExecution(
  db: Db,
  id: number,
  workerId: string | null,
  at?: TimeInput,
): Promise<void> {
  const res = await db
    .updateTable('executions')
    .set({ status: 'RUNNING', worker_id: workerId, started_at: at === undefined ? Date.now() : toMs(at) })
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw new NotFoundError(`execution ${id} does not exist`);
}

/** Stores the outcome once; duration is finished − started (null if it never started). */
export async function finishExecution(
  db: Db,
  id: number,
  result: FinishExecutionInput,
): Promise<ExecutionRecord> {
  const current = await db
    .selectFrom('executions')
    .select(['started_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!current) throw new NotFoundError(`execution ${id} does not exist`);
  const finishedAt =
    result.finishedAt === undefined ? Date.now() : toMs(result.finishedAt, 'execution finishedAt');
  const set: Partial<Insertable<ExecutionsTable>> = {
    status: result.status,
    output: toJsonOrNull(result.output),
    error: toJsonOrNull(result.error),
    finished_at: finishedAt,
    duration_ms: current.started_at === null ? null : finishedAt - Number(current.started_at),
  };
  if (result.logs !== undefined) set.logs = toJsonOrNull(result.logs);
  if (result.http !== undefined) set.http = toJsonOrNull(result.http);
  if (result.progress !== undefined) set.progress = toJsonOrNull(result.progress);
  const row = await db
    .updateTable('executions')
    .set(set)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toExecution(row);
}

/** Latest progress report of a running execution. */
export async function updateExecutionProgress(db: Db, id: number, progress: unknown): Promise<void> {
  await db
    .updateTable('executions')
    .set({ progress: toJsonOrNull(progress) })
    .where('id', '=', id)
    .execute();
}

/** An execution by numeric id or UUID, with logs and HTTP exchanges. */
export async function getExecution(db: Db, ref: number | string): Promise<ExecutionRecord | undefined> {
  const byId = typeof ref === 'number' || /^[0-9]{1,15}$/.test(ref);
  const row = await db
    .selectFrom('executions')
    .selectAll()
    .where(byId ? 'id' : 'uuid', '=', byId ? Number(ref) : ref.toLowerCase())
    .executeTakeFirst();
  return row ? toExecution(row) : undefined;
}

const SUMMARY_COLUMNS = [
  'id',
  'uuid',
  'job_id',
  'task_id',
  'task_version_id',
  'attempt',
  'status',
  'input',
  'output',
  'error',
  'progress',
  'worker_id',
  'started_at',
  'finished_at',
  'duration_ms',
  'created_at',
] as const;

const EXECUTION_LIST: ListSpec = {
  fields: {
    id: { column: 'id', kind: 'number' },
    uuid: { column: 'uuid', kind: 'string' },
    jobId: { column: 'job_id', kind: 'number' },
    taskId: { column: 'task_id', kind: 'number' },
    taskVersionId: { column: 'task_version_id', kind: 'number' },
    attempt: { column: 'attempt', kind: 'number' },
    status: { column: 'status', kind: 'string' },
    workerId: { column: 'worker_id', kind: 'string' },
    durationMs: { column: 'duration_ms', kind: 'number' },
    createdAt: { column: 'created_at', kind: 'time' },
    startedAt: { column: 'started_at', kind: 'time' },
    finishedAt: { column: 'finished_at', kind: 'time' },
  },
  defaultSort: { field: 'createdAt', order: 'desc' },
  idColumn: 'id',
};

export async function listExecutions(db: Db, q: ListQuery = {}): Promise<ListResult<ExecutionSummary>> {
  type Row = Omit<Selectable<ExecutionsTable>, 'logs' | 'http'>;
  const res = await runListQuery<Row>(db.selectFrom('executions'), EXECUTION_LIST, q, (qb) =>
    qb.select([...SUMMARY_COLUMNS]),
  );
  return { rows: res.rows.map(toSummary), total: res.total };
}
