// Backups of a task: a full copy of one version's files, taken on request or before an edit or a
// delete. Restoring never rewrites history: it saves the backup's files as a new version (and
// brings a deleted task back first).
import type { Ratchet } from './context.ts';
import { getTask, restoreTask } from '../store/repos/tasks.ts';
import {
  getTaskBackup,
  insertTaskBackup,
  listTaskBackups,
  type TaskBackupRecord,
} from '../store/repos/results.ts';
import type { Author } from './tasks.ts';
import { readTaskFiles, saveFilesAsVersion, type SavedFiles } from './task-edits.ts';
import { requireTask } from './task-ref.ts';
import { NotFoundError } from '../store/codec.ts';

export type { TaskBackupRecord } from '../store/repos/results.ts';

/** Copies a version (default latest) of a task into the backups table. */
export async function backupTask(
  app: Ratchet,
  ref: string | number,
  author: Author,
  opts: { version?: string; reason?: string } = {},
): Promise<TaskBackupRecord> {
  const { task, version, files } = await readTaskFiles(app, ref, opts.version);
  return insertTaskBackup(app.store.db, {
    taskId: task.id,
    taskName: task.name,
    version: version.version,
    files,
    reason: opts.reason ?? null,
    createdBy: author.changedBy ?? null,
  });
}

/** A task's backups, newest first (deleted tasks included, so their backups can be found). */
export async function listBackupsOfTask(
  app: Ratchet,
  ref: string | number,
  limit = 50,
): Promise<TaskBackupRecord[]> {
  const task = (await getTask(app.store.db, ref, { includeDeleted: true })) ?? (await requireTask(app, ref));
  return listTaskBackups(app.store.db, task.id, limit);
}

export interface RestoredBackup extends SavedFiles {
  backup: TaskBackupRecord;
  /** True when the task had been deleted and was brought back. */
  undeleted: boolean;
}

/** Saves a backup's files as a new version of its task (version: given, or the next patch). */
export async function restoreTaskBackup(
  app: Ratchet,
  backupRef: number | string,
  author: Author,
  opts: { version?: string } = {},
): Promise<RestoredBackup> {
  const backup = await getTaskBackup(app.store.db, backupRef);
  let task = await getTask(app.store.db, backup.taskId, { includeDeleted: true });
  if (!task)
    throw new NotFoundError(`the task of backup ${backup.id} ("${backup.taskName}") no longer exists`);
  const undeleted = task.deletedAt !== null;
  if (undeleted) task = await restoreTask(app.store.db, task.id);
  let base: Record<string, string> = {};
  try {
    base = (await readTaskFiles(app, task.id)).files;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  const saved = await saveFilesAsVersion(app, task, backup.files, author, opts.version, base);
  return { ...saved, backup, undeleted };
}
