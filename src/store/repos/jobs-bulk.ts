// Many jobs in one transaction: the workflow engine's attempts, SQLite's batches and PostgreSQL's
// batches that carry idempotency keys (a PostgreSQL queue batch without keys is COPYed instead,
// queue/backends/pg-copy-jobs.ts: COPY has no ON CONFLICT). A 500-row multi-row INSERT through the
// query builder spent most of a 5,000-job batch compiling and binding 8,500 parameters a statement. Now, on
// PostgreSQL the rows travel as one JSON text parameter that json_populate_recordset unpacks (one
// round trip per chunk); on SQLite, in-process, one cached prepared single-row INSERT runs per row,
// which measured twice as fast as json_each (whose `->>` re-parses the row for every column).
// Idempotency keys are honoured across the database and within the batch (a key seen twice returns the first job); results come in the order of inputs.
import { sql } from 'kysely';
import { isPostgres, type Db } from '../codec.ts';
import { sqliteRunOf, type SqliteRun } from '../dialect/node-sqlite.ts';
import { newJobRow, ON_KEY_CONFLICT, toJob, type InsertJobInput, type JobRecord } from './jobs.ts';

/** A statement carries at most this much JSON (or one row, when a single row is larger). */
const BYTES_PER_INSERT = 8 * 1024 * 1024;

type NewRow = ReturnType<typeof newJobRow>;
/** Every column newJobRow fills: a Record, so a column added there and not here fails to compile. */
const COLUMN_SET: Record<keyof NewRow, true> = {
  uuid: true,
  task_id: true,
  task_version_id: true,
  input: true,
  secret_input: true,
  status: true,
  priority: true,
  run_at: true,
  attempts: true,
  max_retries: true,
  timeout_ms: true,
  idempotency_key: true,
  output_destinations: true,
  schedule_id: true,
  cancel_requested: true,
  created_at: true,
  updated_at: true,
  workflow_step_id: true,
};
/** The columns a new job's row fills (the workflow engine's step jobs and COPY use them too). */
export const COLUMNS = Object.keys(COLUMN_SET) as (keyof NewRow)[];

const columnList = sql.raw(COLUMNS.join(', '));

/** PostgreSQL: INSERT … SELECT from the JSON array `rows` (json_populate_recordset casts each field). */
function insertFromJson(rows: string) {
  return sql<{ id: number | string; uuid: string }>`
    insert into jobs (${columnList})
    select ${columnList} from json_populate_recordset(null::jobs, ${rows}::json)
    ${sql.raw(ON_KEY_CONFLICT)}
    returning id, uuid`;
}

const SQLITE_INSERT = `insert into jobs (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')}) ${ON_KEY_CONFLICT}`;

/**
 * SQLite: one row, run at once on the connection the caller's transaction holds (sqliteRunOf); its
 * id, or undefined when its idempotency key already had a job.
 */
function insertOneSqlite(run: SqliteRun, row: NewRow): number | undefined {
  const result = run(
    SQLITE_INSERT,
    COLUMNS.map((c) => row[c]),
  );
  return Number(result.changes) === 0 ? undefined : Number(result.lastInsertRowid);
}

/** The record of a row inserted just now: what the database would return for it. */
export function insertedJob(row: NewRow, id: number | string): JobRecord {
  return toJob({
    ...row,
    id: Number(id),
    lease_owner: null,
    lease_expires_at: null,
    last_error: null,
    started_at: null,
    finished_at: null,
  });
}

/** The pending rows cut into statements of at most BYTES_PER_INSERT of JSON each. */
function* chunksOf<T extends { row: NewRow }>(
  pending: readonly T[],
): Generator<{ chunk: T[]; json: string }> {
  let chunk: T[] = [];
  let texts: string[] = [];
  let bytes = 0;
  for (const item of pending) {
    const text = JSON.stringify(item.row);
    if (chunk.length > 0 && bytes + text.length > BYTES_PER_INSERT) {
      yield { chunk, json: `[${texts.join(',')}]` };
      chunk = [];
      texts = [];
      bytes = 0;
    }
    chunk.push(item);
    texts.push(text);
    bytes += text.length + 1;
  }
  if (chunk.length > 0) yield { chunk, json: `[${texts.join(',')}]` };
}

/**
 * Inserts the jobs inside `trx` (the caller's transaction: all or nothing). On SQLite the rows'
 * statements run synchronously on the connection the transaction holds (sqliteRunOf), not through
 * Kysely one by one.
 */
export async function insertJobs(
  trx: Db,
  inputs: readonly InsertJobInput[],
): Promise<{ job: JobRecord; created: boolean }[]> {
  // The engine decides the statement shape; callers (the queue backends, the workflow engine) need not say it.
  const postgres = isPostgres(trx);
  const now = Date.now();
  const results: ({ job: JobRecord; created: boolean } | undefined)[] = new Array(inputs.length);
  // Within the batch, the first item with a key inserts; later ones with that key reuse its job.
  const firstWithKey = new Map<string, number>();
  const pending: { index: number; row: NewRow }[] = [];
  const repeats: { index: number; first: number }[] = [];
  for (const [index, input] of inputs.entries()) {
    const key = input.idempotencyKey;
    if (key != null) {
      const first = firstWithKey.get(key);
      if (first !== undefined) {
        repeats.push({ index, first });
        continue;
      }
      firstWithKey.set(key, index);
    }
    pending.push({ index, row: newJobRow(input, now) });
  }
  const conflicted: { index: number; key: string }[] = [];
  const settle = (index: number, row: NewRow, id: number | string | undefined): void => {
    if (id !== undefined) results[index] = { job: insertedJob(row, id), created: true };
    else conflicted.push({ index, key: row.idempotency_key! });
  };
  if (!postgres) {
    const run = sqliteRunOf(trx);
    // Every caller inserts inside its transaction (all or nothing), which the runner needs too.
    if (!run) throw new Error('insertJobs: on SQLite the jobs are inserted inside a transaction');
    for (const { index, row } of pending) settle(index, row, insertOneSqlite(run, row));
  } else {
    for (const { chunk, json } of chunksOf(pending)) {
      const { rows } = await insertFromJson(json).execute(trx);
      // RETURNING's order is not promised: match rows by the UUIDs generated here.
      const idOf = new Map(rows.map((r) => [r.uuid, r.id]));
      for (const { index, row } of chunk) settle(index, row, idOf.get(row.uuid));
    }
  }
  // Keys that already had a job before this batch.
  for (let at = 0; at < conflicted.length; at += 500) {
    const chunk = conflicted.slice(at, at + 500);
    const rows = await trx
      .selectFrom('jobs')
      .selectAll()
      .where(
        'idempotency_key',
        'in',
        chunk.map((c) => c.key),
      )
      .execute();
    const byKey = new Map(rows.map((r) => [r.idempotency_key, r]));
    for (const { index, key } of chunk) results[index] = { job: toJob(byKey.get(key)!), created: false };
  }
  for (const { index, first } of repeats) results[index] = { job: results[first]!.job, created: false };
  return results as { job: JobRecord; created: boolean }[];
}
