// Syncing a source's folder tree into the store. Rules (docs/registry.md explains them to users):
// - a new task is created; a new version number of a known task becomes a new version row;
// - the same version with the same checksum is unchanged;
// - the same version with a different checksum is refused (stored versions are immutable: jobs,
//   executions and pins refer to them), recorded as a failure, and the last good version stays;
// - a task of this source whose folder is gone is marked unavailable (history kept); it becomes
//   available again when the folder returns;
// - a folder that fails to load is reported and its task (when it can be identified) keeps its
//   last good version and stays available.
import { ConflictError } from '../store/codec.ts';
import type { Db } from '../store/codec.ts';
import type { ChangeSource } from '../store/schema.ts';
import { getSource } from '../store/repos/sources.ts';
import type { SourceRecord } from '../store/repos/sources.ts';
import {
  getTask,
  getTaskVersion,
  listTasksBySource,
  markUnavailable,
  setTaskAvailable,
} from '../store/repos/tasks.ts';
import type { TaskRecord } from '../store/repos/tasks.ts';
import { savePackage } from '../tasks/stored-versions.ts';
import { inspectTask } from '../tasks/load.ts';
import type { TaskInspection } from '../tasks/inspect.ts';
import { formatProblem } from '../tasks/types.ts';
import { findTaskFolders, relativeTaskPath } from './scan.ts';
import { syncWorkflowFolders, type SyncedWorkflow } from './sync-workflows.ts';

export interface SyncFailure {
  /** The task folder relative to the source root (`.` for the root itself). */
  path: string;
  problems: string[];
}

export interface SyncedTask {
  path: string;
  taskId: number;
  uuid: string;
  name: string;
  version: string;
}

export interface SyncReport {
  source: string;
  /** `name@version` of tasks created by this sync (`workflow name@version` for workflows). */
  added: string[];
  /** `name@version` of new versions of known tasks (and workflows). */
  updated: string[];
  unchanged: number;
  /** Names of tasks marked unavailable because their folder is gone. */
  removed: string[];
  /** Names of unavailable tasks whose folder came back. */
  restored: string[];
  failed: SyncFailure[];
  /** Every folder that is in the store after this sync, with its task. */
  tasks: SyncedTask[];
  /** Every workflow folder that is in the store after this sync. */
  workflows: SyncedWorkflow[];
  /** Git sources: the commit synced. */
  commit?: string;
}

export type FolderOutcome =
  | {
      kind: 'added' | 'updated' | 'unchanged';
      path: string;
      task: TaskRecord;
      version: string;
      restored: boolean;
    }
  | { kind: 'failed'; path: string; problems: string[]; taskId?: number };

/** Which folder claimed a task identity (`uuid:…` / `name:…`) in this source. */
export type Claims = Map<string, string>;

function identityKeys(uuid: string, name: string): string[] {
  return [`uuid:${uuid}`, `name:${name}`];
}

async function ownTask(db: Db, source: SourceRecord, uuid: string, name: string) {
  const t =
    (await getTask(db, uuid, { includeDeleted: true })) ??
    (await getTask(db, name, { includeDeleted: true }));
  return t && t.sourceId === source.id ? t : undefined;
}

async function ownerText(db: Db, task: TaskRecord): Promise<string> {
  if (task.sourceId === null) return 'created outside any source (API, MCP or CLI)';
  const other = await getSource(db, task.sourceId);
  return `from source "${other?.name ?? task.sourceId}"`;
}

/** Stores one inspected folder per the rules above; never throws for task-level problems. */
export async function applyInspection(
  db: Db,
  source: SourceRecord,
  path: string,
  inspection: TaskInspection,
  changeSource: ChangeSource,
  claims: Claims,
): Promise<FolderOutcome> {
  const pkg = inspection.pkg;
  if (!pkg) {
    const problems = inspection.problems.filter((p) => p.severity === 'error').map(formatProblem);
    const meta = inspection.metadata;
    const known = meta?.name ? await ownTask(db, source, meta.uuid, meta.name) : undefined;
    return { kind: 'failed', path, problems, ...(known ? { taskId: known.id } : {}) };
  }
  const { uuid, name, version } = pkg.metadata;
  const fail = (message: string, taskId?: number): FolderOutcome => ({
    kind: 'failed',
    path,
    problems: [message],
    ...(taskId !== undefined ? { taskId } : {}),
  });
  for (const key of identityKeys(uuid, name)) {
    const other = claims.get(key);
    if (other !== undefined && other !== path) {
      return fail(
        `task "${name}" (${key.split(':')[0]} ${key.slice(key.indexOf(':') + 1)}) is also in ${other}; each task must live in one folder`,
      );
    }
  }
  const existing =
    (await getTask(db, uuid, { includeDeleted: true })) ??
    (await getTask(db, name, { includeDeleted: true }));
  if (existing && existing.sourceId !== source.id) {
    return fail(
      `task "${name}" already exists in the store ${await ownerText(db, existing)}; give this one another name and uuid in metadata.json`,
    );
  }
  for (const key of identityKeys(uuid, name)) claims.set(key, path);
  // Deleted through the API or MCP: the user removed it on purpose, so a sync does not bring it back.
  if (existing?.deletedAt) return { kind: 'unchanged', path, task: existing, version, restored: false };
  if (existing) {
    const stored = await getTaskVersion(db, existing.id, version);
    if (stored && stored.checksum !== pkg.checksum) {
      return fail(
        `content changed but version ${version} already exists: bump metadata.json version (version ${version} stays as stored)`,
        existing.id,
      );
    }
  }
  let saved;
  try {
    saved = await savePackage(db, pkg, { changeSource, sourceId: source.id });
  } catch (err) {
    if (err instanceof ConflictError) return fail(err.message, existing?.id);
    throw err;
  }
  let restored = false;
  let task = saved.task;
  if (!task.available) {
    task = await setTaskAvailable(db, task.id, true);
    restored = true;
  }
  const kind = !existing ? 'added' : saved.created ? 'updated' : 'unchanged';
  return { kind, path, task, version: saved.version.version, restored };
}

export function emptyReport(source: string): SyncReport {
  return {
    source,
    added: [],
    updated: [],
    unchanged: 0,
    removed: [],
    restored: [],
    failed: [],
    tasks: [],
    workflows: [],
  };
}

/** Adds one folder's outcome to a report. */
export function record(report: SyncReport, o: FolderOutcome): void {
  if (o.kind === 'failed') {
    report.failed.push({ path: o.path, problems: o.problems });
    return;
  }
  const label = `${o.task.name}@${o.version}`;
  if (o.kind === 'added') report.added.push(label);
  else if (o.kind === 'updated') report.updated.push(label);
  else report.unchanged++;
  if (o.restored && o.kind !== 'added') report.restored.push(o.task.name);
  report.tasks.push({
    path: o.path,
    taskId: o.task.id,
    uuid: o.task.uuid,
    name: o.task.name,
    version: o.version,
  });
}

/**
 * Syncs every task folder under root into the store for this source. Throws (and changes nothing)
 * when root itself cannot be read, so an unmounted disk never marks every task removed.
 */
export async function syncTree(
  db: Db,
  source: SourceRecord,
  root: string,
  changeSource: ChangeSource,
): Promise<SyncReport> {
  const folders = await findTaskFolders(root);
  const report = emptyReport(source.name);
  const claims: Claims = new Map();
  const keep = new Set<number>();
  let unidentified: SyncFailure | undefined;
  for (const folder of folders) {
    const path = relativeTaskPath(root, folder);
    const outcome = await applyInspection(db, source, path, await inspectTask(folder), changeSource, claims);
    record(report, outcome);
    if (outcome.kind !== 'failed') keep.add(outcome.task.id);
    else if (outcome.taskId !== undefined) keep.add(outcome.taskId);
    else unidentified ??= report.failed.at(-1);
  }
  await syncWorkflowFolders(db, root, report);
  if (unidentified) {
    // We cannot tell which task that folder holds, so "missing" tasks may just be unreadable.
    unidentified.problems.push(
      'tasks missing from this source are not marked unavailable until this folder loads',
    );
    return report;
  }
  for (const t of await listTasksBySource(db, source.id)) {
    if (!t.available || t.deletedAt !== null || keep.has(t.id)) continue;
    await markUnavailable(db, t.id);
    report.removed.push(t.name);
  }
  return report;
}

/** One line for `task_sources.last_error`, or null when everything loaded. */
export function summariseFailures(failed: SyncFailure[]): string | null {
  if (failed.length === 0) return null;
  const parts = failed.map((f) => `${f.path}: ${f.problems.join('; ')}`);
  return `${failed.length} folder${failed.length === 1 ? '' : 's'} failed: ${parts.join(' | ')}`;
}
