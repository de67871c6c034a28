// Named result blobs (what an agent keeps for later analysis) and task backups (a full copy of one
// version's files). Both are append-only: storing again under a name adds a newer entry.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { ResultsTable, TaskBackupsTable } from '../schema.ts';
import { NotFoundError, fromJson, isPostgres, iso, toJson } from '../codec.ts';
import type { Db } from '../codec.ts';

export interface ResultRecord {
  id: number;
  uuid: string;
  name: string;
  taskId: number | null;
  executionId: number | null;
  data: unknown;
  tags: string[];
  sizeBytes: number;
  createdBy: string | null;
  createdAt: string;
}

export interface InsertResultInput {
  name: string;
  data: unknown;
  taskId?: number | null;
  executionId?: number | null;
  tags?: string[];
  createdBy?: string | null;
}

function toResult(row: Selectable<ResultsTable>): ResultRecord {
  return {
    id: Number(row.id),
    uuid: row.uuid,
    name: row.name,
    taskId: row.task_id === null ? null : Number(row.task_id),
    executionId: row.execution_id === null ? null : Number(row.execution_id),
    data: fromJson(row.data),
    tags: fromJson<string[]>(row.tags),
    sizeBytes: Number(row.size_bytes),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
  };
}

export async function insertResult(db: Db, input: InsertResultInput): Promise<ResultRecord> {
  const data = toJson(input.data);
  const row = await db
    .insertInto('results')
    .values({
      uuid: randomUUID(),
      name: input.name,
      task_id: input.taskId ?? null,
      execution_id: input.executionId ?? null,
      data,
      tags: toJson(input.tags ?? []),
      size_bytes: Buffer.byteLength(data),
      created_by: input.createdBy ?? null,
      created_at: Date.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toResult(row);
}

export interface ResultQuery {
  name?: string;
  /** Names starting with this text. */
  namePrefix?: string;
  taskId?: number;
  executionId?: number;
  /** Entries carrying this tag. */
  tag?: string;
  limit?: number;
  offset?: number;
}

/** Matching results, newest first, with the total before paging. */
export async function listResults(
  db: Db,
  q: ResultQuery = {},
): Promise<{ rows: ResultRecord[]; total: number }> {
  let base = db.selectFrom('results');
  if (q.name !== undefined) base = base.where('name', '=', q.name);
  if (q.namePrefix !== undefined) {
    // substr comparison instead of LIKE: no escaping of % and _, and byte-exact on both dialects.
    base = base.where((eb) =>
      eb(eb.fn('substr', ['name', eb.lit(1), eb.lit(q.namePrefix!.length)]), '=', q.namePrefix!),
    );
  }
  if (q.taskId !== undefined) base = base.where('task_id', '=', q.taskId);
  if (q.executionId !== undefined) base = base.where('execution_id', '=', q.executionId);
  if (q.tag !== undefined) {
    // Tags are a JSON array of strings: the quoted tag found in the text is an exact element match
    // (a quote inside a tag is escaped, so a match cannot span two elements).
    const needle = JSON.stringify(q.tag);
    const postgres = isPostgres(db);
    base = base.where(
      postgres ? sql<number>`strpos(tags, ${needle})` : sql<number>`instr(tags, ${needle})`,
      '>',
      0,
    );
  }
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('id', 'desc')
      .limit(q.limit ?? 20)
      .offset(q.offset ?? 0)
      .execute(),
    base.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(toResult), total: Number(count.n) };
}

export async function getResult(db: Db, ref: number | string): Promise<ResultRecord> {
  const row = await db
    .selectFrom('results')
    .selectAll()
    .where(typeof ref === 'number' ? 'id' : 'uuid', '=', ref)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`no stored result ${ref}`);
  return toResult(row);
}

export interface TaskBackupRecord {
  id: number;
  uuid: string;
  taskId: number;
  taskName: string;
  version: string;
  files: Record<string, string>;
  reason: string | null;
  createdBy: string | null;
  createdAt: string;
}

export interface InsertBackupInput {
  taskId: number;
  taskName: string;
  version: string;
  files: Record<string, string>;
  reason?: string | null;
  createdBy?: string | null;
}

function toBackup(row: Selectable<TaskBackupsTable>): TaskBackupRecord {
  return {
    id: Number(row.id),
    uuid: row.uuid,
    taskId: Number(row.task_id),
    taskName: row.task_name,
    version: row.version,
    files: fromJson<Record<string, string>>(row.files),
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
  };
}

export async function insertTaskBackup(db: Db, input: InsertBackupInput): Promise<TaskBackupRecord> {
  const row = await db
    .insertInto('task_backups')
    .values({
      uuid: randomUUID(),
      task_id: input.taskId,
      task_name: input.taskName,
      version: input.version,
      files: toJson(input.files),
      reason: input.reason ?? null,
      created_by: input.createdBy ?? null,
      created_at: Date.now(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toBackup(row);
}

/** Backups by numeric id or UUID. */
export async function getTaskBackup(db: Db, ref: number | string): Promise<TaskBackupRecord> {
  const row = await db
    .selectFrom('task_backups')
    .selectAll()
    .where(typeof ref === 'number' ? 'id' : 'uuid', '=', ref)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`no task backup ${ref} (give the backup's numeric id or UUID)`);
  return toBackup(row);
}

/** A task's backups, newest first. */
export async function listTaskBackups(db: Db, taskId: number, limit = 50): Promise<TaskBackupRecord[]> {
  const rows = await db
    .selectFrom('task_backups')
    .selectAll()
    .where('task_id', '=', taskId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toBackup);
}
