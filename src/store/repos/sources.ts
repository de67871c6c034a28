// Task sources: folders and git repositories the registry syncs tasks from.
import type { Selectable, Updateable } from 'kysely';
import type { SourceKind, TaskSourcesTable } from '../schema.ts';
import { ConflictError, NotFoundError, fromJson, isUniqueViolation, iso, toJson, toMs } from '../codec.ts';
import type { Db, TimeInput } from '../codec.ts';

export interface SourceRecord {
  id: number;
  name: string;
  uri: string;
  kind: SourceKind;
  branch: string | null;
  ref: string | null;
  config: Record<string, unknown>;
  lastSyncedAt: string | null;
  lastError: string | null;
  commitSha: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface UpsertSourceInput {
  name: string;
  uri: string;
  kind: SourceKind;
  branch?: string | null;
  ref?: string | null;
  config?: Record<string, unknown>;
}

export interface SyncOutcome {
  syncedAt?: TimeInput;
  /** null clears a previous error. */
  error: string | null;
  commitSha?: string | null;
}

function toSource(row: Selectable<TaskSourcesTable>): SourceRecord {
  return {
    id: Number(row.id),
    name: row.name,
    uri: row.uri,
    kind: row.kind,
    branch: row.branch,
    ref: row.ref,
    config: fromJson<Record<string, unknown>>(row.config),
    lastSyncedAt: iso(row.last_synced_at),
    lastError: row.last_error,
    commitSha: row.commit_sha,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** Creates the source, or updates the one with the same name (configuration is the truth). */
export async function upsertSource(db: Db, input: UpsertSourceInput): Promise<SourceRecord> {
  const now = Date.now();
  const fields = {
    uri: input.uri,
    kind: input.kind,
    branch: input.branch ?? null,
    ref: input.ref ?? null,
    config: toJson(input.config ?? {}),
    updated_at: now,
  };
  const row = await db
    .insertInto('task_sources')
    .values({ name: input.name, created_at: now, ...fields })
    .onConflict((oc) => oc.column('name').doUpdateSet(fields))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSource(row);
}

/** A source by numeric id or name. */
export async function getSource(db: Db, ref: number | string): Promise<SourceRecord | undefined> {
  const qb = db.selectFrom('task_sources').selectAll();
  const row =
    typeof ref === 'number'
      ? await qb.where('id', '=', ref).executeTakeFirst()
      : await qb.where('name', '=', ref).executeTakeFirst();
  return row ? toSource(row) : undefined;
}

export async function listSources(db: Db): Promise<SourceRecord[]> {
  const rows = await db.selectFrom('task_sources').selectAll().orderBy('name').execute();
  return rows.map(toSource);
}

/** Records the outcome of a sync; a failed sync keeps the last good commit. */
export async function recordSourceSync(db: Db, id: number, outcome: SyncOutcome): Promise<SourceRecord> {
  const set: Updateable<TaskSourcesTable> = { last_error: outcome.error, updated_at: Date.now() };
  if (outcome.error === null) set.last_synced_at = toMs(outcome.syncedAt ?? Date.now());
  if (outcome.commitSha !== undefined) set.commit_sha = outcome.commitSha;
  const row = await db
    .updateTable('task_sources')
    .set(set)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`task source ${id} does not exist`);
  return toSource(row);
}

export async function renameSource(db: Db, id: number, name: string): Promise<SourceRecord> {
  try {
    const row = await db
      .updateTable('task_sources')
      .set({ name, updated_at: Date.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`task source ${id} does not exist`);
    return toSource(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(`a task source named "${name}" already exists`);
    throw err;
  }
}

/** Deletes the source; its tasks stay, detached (source_id becomes null). */
export async function deleteSource(db: Db, id: number): Promise<boolean> {
  const res = await db.deleteFrom('task_sources').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}
