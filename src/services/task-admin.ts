// Task operations an agent performs besides editing files: merge metadata fields into a new
// version, clone a task under a new name, and delete with a check for work still pointing at it.
import type { Ratchet } from './context.ts';
import { ConflictError } from '../store/codec.ts';
import { listSchedules } from '../store/repos/schedules.ts';
import type { TaskRecord } from '../store/repos/tasks.ts';
import { ValidationError } from './errors.ts';
import { backupTask, type TaskBackupRecord } from './task-backups.ts';
import { readTaskFiles, saveFilesAsVersion, type SavedFiles } from './task-edits.ts';
import { createTaskFromBody, deleteTask, type Author, type TaskDetail } from './tasks.ts';
import { requireTask } from './task-ref.ts';
import { taskStats } from './task-checks.ts';

/** Keys of metadata.json that identify the task; never changed through a metadata update. */
const IDENTITY = new Set(['name', 'uuid', 'version']);

/**
 * Saves a new version whose metadata.json is the latest one with `patch` merged in (a null value
 * removes the key). Code, schemas and tests stay as they are.
 */
export async function updateTaskMetadata(
  app: Ratchet,
  ref: string | number,
  patch: Record<string, unknown>,
  author: Author,
  version?: string,
): Promise<SavedFiles> {
  const bad = Object.keys(patch).filter((k) => IDENTITY.has(k));
  if (bad.length > 0) {
    throw new ValidationError(
      'invalid metadata update',
      bad.map((k) => ({
        path: `$.${k}`,
        message:
          k === 'version'
            ? 'is chosen by the save; pass it as the version argument'
            : 'identifies the task and cannot change; clone the task instead',
      })),
    );
  }
  const current = await readTaskFiles(app, ref);
  const meta = JSON.parse(current.files['metadata.json']!) as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete meta[k];
    else meta[k] = v;
  }
  const files = { ...current.files, 'metadata.json': JSON.stringify(meta, null, 2) };
  return saveFilesAsVersion(app, current.task, files, author, version, current.files);
}

export interface CloneOptions {
  /** Version of the clone (default 1.0.0). */
  version?: string;
  description?: string;
  /** Source version (default latest). */
  fromVersion?: string;
  /** Leave the source's test cases out. */
  withoutTests?: boolean;
}

/** A new task (new UUID) with the code, schemas, metadata and tests of another. */
export async function cloneTask(
  app: Ratchet,
  ref: string | number,
  newName: string,
  author: Author,
  opts: CloneOptions = {},
): Promise<{ source: TaskRecord; sourceVersion: string; clone: TaskDetail }> {
  const { task, version } = await readTaskFiles(app, ref, opts.fromVersion);
  const metadata = { ...version.metadata };
  for (const k of IDENTITY) delete metadata[k];
  delete metadata.label;
  const clone = await createTaskFromBody(
    app,
    {
      name: newName,
      version: opts.version ?? '1.0.0',
      code: version.code,
      description: opts.description ?? version.description,
      inputSchema: version.inputSchema ?? undefined,
      outputSchema: version.outputSchema ?? undefined,
      metadata: { ...metadata, cloned_from: `${task.name}@${version.version}` },
      tests: opts.withoutTests ? [] : version.tests.map((t) => ({ name: t.name, content: t.text })),
    },
    author,
  );
  return { source: task, sourceVersion: version.version, clone };
}

export interface DeleteOutcome {
  task: TaskRecord;
  backup: TaskBackupRecord | null;
  /** Enabled schedules and unfinished jobs that still pointed at the task (deleted with force). */
  enabledSchedules: string[];
  activeJobs: number;
}

/**
 * Soft-deletes a task. Without `force`, a task that enabled schedules or unfinished jobs still
 * use is refused (ConflictError naming them). With `backup`, the latest version is copied first.
 */
export async function deleteTaskSafely(
  app: Ratchet,
  ref: string | number,
  author: Author,
  opts: { force?: boolean; backup?: boolean } = {},
): Promise<DeleteOutcome> {
  const task = await requireTask(app, ref);
  const { db } = app.store;
  const schedules = await listSchedules(db, {
    filters: [
      { field: 'taskId', op: 'eq', value: task.id },
      { field: 'enabled', op: 'eq', value: true },
    ],
    limit: 100,
  });
  const jobs = (await taskStats(app, task.id)).jobs.byStatus;
  const activeJobs = (jobs.QUEUED ?? 0) + (jobs.PROCESSING ?? 0) + (jobs.RETRYING ?? 0);
  const enabledSchedules = schedules.rows.map((s) => s.name);
  if (!opts.force && (enabledSchedules.length > 0 || activeJobs > 0)) {
    const what = [
      enabledSchedules.length > 0 ? `enabled schedules ${enabledSchedules.join(', ')}` : '',
      activeJobs > 0 ? `${activeJobs} queued, running or retrying jobs` : '',
    ]
      .filter((s) => s !== '')
      .join(' and ');
    throw new ConflictError(
      `task "${task.name}" is still used by ${what}; disable or delete them first, or pass force: true to delete anyway`,
    );
  }
  const backup =
    opts.backup && task.latestVersionId !== null
      ? await backupTask(app, task.id, author, { reason: 'before delete' })
      : null;
  return { task: await deleteTask(app, task.id), backup, enabledSchedules, activeJobs };
}
