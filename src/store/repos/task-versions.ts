// Task versions: every save of a task is a new row; "latest" is the highest enabled version by
// semver precedence, cached in tasks.latest_version_id and recomputed on every change here.
import type { Selectable } from 'kysely';
import type { ChangeSource, TaskVersionsTable } from '../schema.ts';
import {
  ConflictError,
  NotFoundError,
  bool,
  fromJson,
  inTransaction,
  iso,
  toJson,
  toJsonOrNull,
} from '../codec.ts';
import type { Db } from '../codec.ts';
import { versionParts } from '../semver-key.ts';
import { bumpingTaskGeneration } from './task-generation.ts';

export interface TaskTest {
  name: string;
  text: string;
}

export interface TaskVersionRecord {
  id: number;
  taskId: number;
  version: string;
  description: string | null;
  code: string;
  inputSchema: unknown;
  outputSchema: unknown;
  metadata: Record<string, unknown>;
  tests: TaskTest[];
  checksum: string;
  enabled: boolean;
  changeSource: ChangeSource;
  changedBy: string | null;
  createdAt: string;
}

export interface SaveTaskVersionInput {
  taskId: number;
  version: string;
  code: string;
  description?: string | null;
  inputSchema?: unknown;
  outputSchema?: unknown;
  metadata?: Record<string, unknown>;
  tests?: TaskTest[];
  checksum: string;
  enabled?: boolean;
  changeSource: ChangeSource;
  changedBy?: string | null;
}

export function toTaskVersion(row: Selectable<TaskVersionsTable>): TaskVersionRecord {
  return {
    id: Number(row.id),
    taskId: Number(row.task_id),
    version: row.version,
    description: row.description,
    code: row.code,
    inputSchema: fromJson(row.input_schema),
    outputSchema: fromJson(row.output_schema),
    metadata: fromJson<Record<string, unknown>>(row.metadata),
    tests: fromJson<TaskTest[]>(row.tests),
    checksum: row.checksum,
    enabled: bool(row.enabled),
    changeSource: row.change_source,
    changedBy: row.changed_by,
    createdAt: iso(row.created_at),
  };
}

/** The task_versions row for a save: semver sort columns from `parts`, JSON columns as text. */
function versionRow(input: SaveTaskVersionInput, parts: ReturnType<typeof versionParts>, now: number) {
  return {
    task_id: input.taskId,
    version: parts.version,
    major: parts.major,
    minor: parts.minor,
    patch: parts.patch,
    prerelease: parts.prerelease,
    prerelease_key: parts.prereleaseKey,
    description: input.description ?? null,
    code: input.code,
    input_schema: toJsonOrNull(input.inputSchema),
    output_schema: toJsonOrNull(input.outputSchema),
    metadata: toJson(input.metadata ?? {}),
    tests: toJson(input.tests ?? []),
    checksum: input.checksum,
    enabled: input.enabled ?? true,
    change_source: input.changeSource,
    changed_by: input.changedBy ?? null,
    created_at: now,
  };
}

/** Versions of a task ordered by semver precedence, highest first. */
function byPrecedence(db: Db, taskId: number) {
  return db
    .selectFrom('task_versions')
    .where('task_id', '=', taskId)
    .orderBy('major', 'desc')
    .orderBy('minor', 'desc')
    .orderBy('patch', 'desc')
    .orderBy('prerelease_key', 'desc')
    .orderBy('id', 'desc');
}

/** Points tasks.latest_version_id at the highest enabled version (or null); returns it. */
export async function refreshLatestVersion(db: Db, taskId: number): Promise<number | null> {
  const top = await byPrecedence(db, taskId).where('enabled', '=', true).select('id').executeTakeFirst();
  const latest = top ? Number(top.id) : null;
  await db.updateTable('tasks').set({ latest_version_id: latest }).where('id', '=', taskId).execute();
  return latest;
}

/**
 * Stores a new version. The same version with the same checksum is a no-op returning the existing
 * row (`created: false`); the same version with other content is a ConflictError. A version lower
 * than the highest is stored but does not become latest.
 */
export async function saveTaskVersion(
  db: Db,
  input: SaveTaskVersionInput,
): Promise<{ version: TaskVersionRecord; created: boolean }> {
  const parts = versionParts(input.version);
  return bumpingTaskGeneration(
    inTransaction(db, async (trx) => {
      const task = await trx
        .selectFrom('tasks')
        .select(['id', 'name'])
        .where('id', '=', input.taskId)
        .executeTakeFirst();
      if (!task) throw new NotFoundError(`task ${input.taskId} does not exist`);
      const existing = await trx
        .selectFrom('task_versions')
        .selectAll()
        .where('task_id', '=', input.taskId)
        .where('version', '=', parts.version)
        .executeTakeFirst();
      if (existing) {
        if (existing.checksum === input.checksum) return { version: toTaskVersion(existing), created: false };
        throw new ConflictError(
          `task "${task.name}" version ${parts.version} already exists with different content; save it under a new version`,
        );
      }
      const now = Date.now();
      const row = await trx
        .insertInto('task_versions')
        .values(versionRow(input, parts, now))
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx.updateTable('tasks').set({ updated_at: now }).where('id', '=', input.taskId).execute();
      await refreshLatestVersion(trx, input.taskId);
      return { version: toTaskVersion(row), created: true };
    }),
  );
}

/**
 * Inserts many versions in multi-row statements (imports, benchmarks), then refreshes "latest" of
 * each task touched. Unlike saveTaskVersion an existing (task, version) pair is an error here.
 */
export async function insertTaskVersions(
  db: Db,
  inputs: SaveTaskVersionInput[],
  batchSize = 200,
): Promise<number> {
  const now = Date.now();
  return bumpingTaskGeneration(
    inTransaction(db, async (trx) => {
      for (let i = 0; i < inputs.length; i += batchSize) {
        const rows = inputs
          .slice(i, i + batchSize)
          .map((input) => versionRow(input, versionParts(input.version), now));
        await trx.insertInto('task_versions').values(rows).execute();
      }
      for (const taskId of new Set(inputs.map((v) => v.taskId))) await refreshLatestVersion(trx, taskId);
      return inputs.length;
    }),
  );
}

/** All versions of a task, highest semver first. */
export async function listTaskVersions(db: Db, taskId: number): Promise<TaskVersionRecord[]> {
  const rows = await byPrecedence(db, taskId).selectAll().execute();
  return rows.map(toTaskVersion);
}

export async function getTaskVersionById(db: Db, id: number): Promise<TaskVersionRecord | undefined> {
  const row = await db.selectFrom('task_versions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toTaskVersion(row) : undefined;
}

/** The label (metadata.json `label`) of each version id given; versions without one are left out. */
export async function getVersionLabels(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('task_versions')
    .select(['id', 'metadata'])
    .where('id', 'in', [...ids])
    .execute();
  for (const row of rows) {
    const label = fromJson<Record<string, unknown>>(row.metadata)?.label;
    if (typeof label === 'string') out.set(Number(row.id), label);
  }
  return out;
}

/** One version by its text (normalised as semver, so "v1.2.0" finds "1.2.0"). */
export async function getTaskVersion(
  db: Db,
  taskId: number,
  version: string,
): Promise<TaskVersionRecord | undefined> {
  const { version: normalised } = versionParts(version);
  const row = await db
    .selectFrom('task_versions')
    .selectAll()
    .where('task_id', '=', taskId)
    .where('version', '=', normalised)
    .executeTakeFirst();
  return row ? toTaskVersion(row) : undefined;
}

/** The highest enabled version, or undefined when none is enabled. */
export async function getLatestTaskVersion(db: Db, taskId: number): Promise<TaskVersionRecord | undefined> {
  const row = await byPrecedence(db, taskId).where('enabled', '=', true).selectAll().executeTakeFirst();
  return row ? toTaskVersion(row) : undefined;
}

/** Enables or disables one version; "latest" moves accordingly. */
export async function setTaskVersionEnabled(
  db: Db,
  versionId: number,
  enabled: boolean,
): Promise<TaskVersionRecord> {
  return bumpingTaskGeneration(
    inTransaction(db, async (trx) => {
      const row = await trx
        .updateTable('task_versions')
        .set({ enabled })
        .where('id', '=', versionId)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new NotFoundError(`task version ${versionId} does not exist`);
      await refreshLatestVersion(trx, Number(row.task_id));
      return toTaskVersion(row);
    }),
  );
}
