// Tasks: the named, addressable thing; its code lives in versions (task-versions.ts). A task is
// found by numeric id, UUID or name; deleting is soft, so versions and history stay.
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, bool, isUniqueViolation, iso } from '../codec.ts';
import type { Db } from '../codec.ts';
import { runListQuery } from '../list-query.ts';
import type { ListQuery, ListResult, ListSpec } from '../list-query.ts';
import { getLatestTaskVersion, getTaskVersion } from './task-versions.ts';
import { bumpTaskGeneration, bumpingTaskGeneration } from './task-generation.ts';
import type { TaskVersionRecord } from './task-versions.ts';

export * from './task-versions.ts';

export interface TaskRecord {
  id: number;
  uuid: string;
  name: string;
  enabled: boolean;
  available: boolean;
  sourceId: number | null;
  latestVersionId: number | null;
  /** Text of the latest (highest enabled) version, or null when none is enabled. */
  latestVersion: string | null;
  /** Description of the latest version. */
  description: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface CreateTaskInput {
  name: string;
  uuid?: string;
  enabled?: boolean;
  sourceId?: number | null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function baseQuery(db: Db) {
  return db.selectFrom('tasks').leftJoin('task_versions as lv', 'lv.id', 'tasks.latest_version_id');
}

function selectTask(qb: ReturnType<typeof baseQuery>) {
  return qb
    .selectAll('tasks')
    .select(['lv.version as latest_version', 'lv.description as latest_description']);
}

type TaskRow = Awaited<ReturnType<ReturnType<typeof selectTask>['executeTakeFirstOrThrow']>>;

function toTask(row: TaskRow): TaskRecord {
  return {
    id: Number(row.id),
    uuid: row.uuid,
    name: row.name,
    enabled: bool(row.enabled),
    available: bool(row.available),
    sourceId: row.source_id === null ? null : Number(row.source_id),
    latestVersionId: row.latest_version_id === null ? null : Number(row.latest_version_id),
    latestVersion: row.latest_version ?? null,
    description: row.latest_description ?? null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    deletedAt: iso(row.deleted_at),
  };
}

export async function createTask(db: Db, input: CreateTaskInput): Promise<TaskRecord> {
  const now = Date.now();
  const uuid = input.uuid ?? randomUUID();
  if (!UUID_RE.test(uuid)) throw new RangeError(`task uuid "${uuid}" is not a UUID`);
  try {
    const { id } = await db
      .insertInto('tasks')
      .values({
        uuid: uuid.toLowerCase(),
        name: input.name,
        enabled: input.enabled ?? true,
        available: true,
        source_id: input.sourceId ?? null,
        latest_version_id: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    bumpTaskGeneration();
    return (await getTask(db, Number(id)))!;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const clash = await db
      .selectFrom('tasks')
      .select(['name', 'uuid', 'deleted_at'])
      .where((eb) => eb.or([eb('name', '=', input.name), eb('uuid', '=', uuid.toLowerCase())]))
      .executeTakeFirst();
    const what = clash?.name === input.name ? `name "${input.name}"` : `uuid ${uuid}`;
    const deleted = clash?.deleted_at != null ? ' (by a deleted task; restore it instead)' : '';
    throw new ConflictError(`a task with ${what} already exists${deleted}`);
  }
}

export interface GetTaskOptions {
  includeDeleted?: boolean;
}

/**
 * A task by numeric id, UUID or name. A string of digits is tried as an id first, then as a name.
 * Soft-deleted tasks are skipped unless includeDeleted.
 */
export async function getTask(
  db: Db,
  ref: string | number,
  opts: GetTaskOptions = {},
): Promise<TaskRecord | undefined> {
  const lookups: { column: 'tasks.id' | 'tasks.uuid' | 'tasks.name'; value: string | number }[] = [];
  if (typeof ref === 'number') lookups.push({ column: 'tasks.id', value: ref });
  else if (UUID_RE.test(ref)) lookups.push({ column: 'tasks.uuid', value: ref.toLowerCase() });
  else {
    if (/^[0-9]{1,15}$/.test(ref)) lookups.push({ column: 'tasks.id', value: Number(ref) });
    lookups.push({ column: 'tasks.name', value: ref });
  }
  for (const { column, value } of lookups) {
    let qb = selectTask(baseQuery(db)).where(column, '=', value);
    if (!opts.includeDeleted) qb = qb.where('tasks.deleted_at', 'is', null);
    const row = await qb.executeTakeFirst();
    if (row) return toTask(row);
  }
  return undefined;
}

/**
 * A task and one of its versions: the given version (returned even when disabled, so callers can
 * say so), or with no version / "latest" the highest enabled one. Undefined when either is missing.
 */
export async function findTask(
  db: Db,
  ref: string | number,
  version?: string,
): Promise<{ task: TaskRecord; version: TaskVersionRecord } | undefined> {
  const task = await getTask(db, ref);
  if (!task) return undefined;
  const found =
    version === undefined || version === 'latest'
      ? await getLatestTaskVersion(db, task.id)
      : await getTaskVersion(db, task.id, version);
  return found ? { task, version: found } : undefined;
}

const TASK_LIST: ListSpec = {
  fields: {
    id: { column: 'tasks.id', kind: 'number' },
    uuid: { column: 'tasks.uuid', kind: 'string' },
    name: { column: 'tasks.name', kind: 'string' },
    enabled: { column: 'tasks.enabled', kind: 'boolean' },
    available: { column: 'tasks.available', kind: 'boolean' },
    sourceId: { column: 'tasks.source_id', kind: 'number' },
    latestVersion: { column: 'lv.version', kind: 'string' },
    description: { column: 'lv.description', kind: 'string' },
    createdAt: { column: 'tasks.created_at', kind: 'time' },
    updatedAt: { column: 'tasks.updated_at', kind: 'time' },
  },
  defaultSort: { field: 'name', order: 'asc' },
  idColumn: 'tasks.id',
};

export async function listTasks(
  db: Db,
  q: ListQuery = {},
  opts: GetTaskOptions = {},
): Promise<ListResult<TaskRecord>> {
  let base = baseQuery(db);
  if (!opts.includeDeleted) base = base.where('tasks.deleted_at', 'is', null);
  const res = await runListQuery<TaskRow>(base, TASK_LIST, q, (qb) => selectTask(qb as typeof base));
  return { rows: res.rows.map(toTask), total: res.total };
}

async function updateTask(
  db: Db,
  id: number,
  set: { enabled?: boolean; available?: boolean; deleted_at?: number | null },
) {
  const res = await bumpingTaskGeneration(
    db
      .updateTable('tasks')
      .set({ ...set, updated_at: Date.now() })
      .where('id', '=', id)
      .executeTakeFirst(),
  );
  if (Number(res.numUpdatedRows) === 0) throw new NotFoundError(`task ${id} does not exist`);
  return (await getTask(db, id, { includeDeleted: true }))!;
}

export function setTaskEnabled(db: Db, id: number, enabled: boolean): Promise<TaskRecord> {
  return updateTask(db, id, { enabled });
}

/** Marks a task as gone from (false) or back in (true) its source; its versions stay. */
export function setTaskAvailable(db: Db, id: number, available: boolean): Promise<TaskRecord> {
  return updateTask(db, id, { available });
}

export function markUnavailable(db: Db, id: number): Promise<TaskRecord> {
  return setTaskAvailable(db, id, false);
}

/** Hides the task from lookups and lists; versions, executions and jobs stay for history. */
export function softDeleteTask(db: Db, id: number): Promise<TaskRecord> {
  return updateTask(db, id, { deleted_at: Date.now() });
}

export function restoreTask(db: Db, id: number): Promise<TaskRecord> {
  return updateTask(db, id, { deleted_at: null });
}

/** Tasks that came from a source, by name, for the registry's sync (deleted ones included). */
export async function listTasksBySource(db: Db, sourceId: number): Promise<TaskRecord[]> {
  const rows = await selectTask(baseQuery(db))
    .where('tasks.source_id', '=', sourceId)
    .orderBy('tasks.name')
    .execute();
  return rows.map(toTask);
}
