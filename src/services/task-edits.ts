// Editing a stored task file by file, as an agent does: read the files of a version, change some,
// save the result as a NEW version (stored versions never change). Every save goes through
// loadTaskFromFiles, so an edit that would not load is refused before anything is stored.
import semver from 'semver';
import type { Ratchet } from './context.ts';
import { ConflictError, NotFoundError } from '../store/codec.ts';
import { listTaskVersions } from '../store/repos/tasks.ts';
import type { TaskRecord, TaskVersionRecord } from '../store/repos/tasks.ts';
import { loadTaskFromFiles } from '../tasks/load.ts';
import { TaskLoadError, formatProblem } from '../tasks/types.ts';
import { isTaskFile } from '../tasks/zip.ts';
import { ValidationError } from './errors.ts';
import type { Author } from './tasks.ts';
import { getTaskDetail } from './tasks.ts';
import { filesOfVersion, savePackage } from '../tasks/stored-versions.ts';

export interface TaskFiles {
  task: TaskRecord;
  version: TaskVersionRecord;
  /** Path → text, as a task folder holds them (tests under `tests/`). */
  files: Record<string, string>;
}

/** The files of a stored version (default: the latest enabled one). */
export async function readTaskFiles(
  app: Ratchet,
  ref: string | number,
  version?: string,
): Promise<TaskFiles> {
  const detail = await getTaskDetail(app, ref, version);
  if (!detail.version) throw new NotFoundError(`task "${detail.name}" has no enabled version`);
  const { version: v, ...task } = detail;
  return { task, version: v, files: filesOfVersion(task, v) };
}

/**
 * The version a save gets. Given: it must be a semantic version above every stored one. Omitted:
 * the highest stored version with its patch number bumped.
 */
export async function chooseNextVersion(
  app: Ratchet,
  task: TaskRecord,
  requested?: string,
): Promise<{ version: string; previous: string | null }> {
  const highest = (await listTaskVersions(app.store.db, task.id))[0]?.version ?? null;
  const bumped = highest ? (semver.inc(highest, 'patch') ?? '1.0.0') : '1.0.0';
  if (requested === undefined) return { version: bumped, previous: highest };
  const clean = semver.valid(requested);
  if (clean === null) {
    throw new ValidationError('invalid version', [
      { path: '$.version', message: `"${requested}" is not a semantic version such as ${bumped}` },
    ]);
  }
  if (highest !== null && !semver.gt(clean, highest)) {
    throw new ConflictError(
      `version ${clean} is not higher than ${highest}, the latest version of task "${task.name}"; pass ${bumped} or higher, or omit the version to get ${bumped}`,
    );
  }
  return { version: clean, previous: highest };
}

export interface SavedFiles {
  task: TaskRecord;
  version: TaskVersionRecord;
  /** The version this one was based on. */
  previous: string | null;
  /** Paths added, changed or removed compared with the base version. */
  changed: string[];
}

/** Stores `files` as a new version of `task`; metadata's name, uuid and version are set here. */
export async function saveFilesAsVersion(
  app: Ratchet,
  task: TaskRecord,
  files: Record<string, string>,
  author: Author,
  requested?: string,
  base: Record<string, string> = {},
): Promise<SavedFiles> {
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(files['metadata.json'] ?? '{}') as Record<string, unknown>;
  } catch (err) {
    throw new ValidationError('invalid metadata.json', [
      { path: 'metadata.json', message: `is not JSON: ${(err as Error).message}` },
    ]);
  }
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    throw new ValidationError('invalid metadata.json', [
      { path: 'metadata.json', message: 'must be a JSON object' },
    ]);
  }
  if (meta.name !== undefined && meta.name !== task.name) {
    throw new ValidationError('invalid metadata.json', [
      {
        path: 'metadata.json $.name',
        message: `a task cannot be renamed (it is "${task.name}"); clone it under the new name instead`,
      },
    ]);
  }
  const { version, previous } = await chooseNextVersion(app, task, requested);
  const complete: Record<string, string> = {
    ...files,
    'metadata.json': JSON.stringify({ ...meta, name: task.name, uuid: task.uuid, version }, null, 2),
  };
  let pkg;
  try {
    pkg = loadTaskFromFiles(complete, { kind: 'store', path: `${task.name}@${version}` });
  } catch (err) {
    if (!(err instanceof TaskLoadError)) throw err;
    throw new ValidationError(
      `the edited task "${task.name}" does not load, nothing was saved`,
      err.problems
        .filter((p) => p.severity === 'error')
        .map((p) => ({ path: p.file, message: formatProblem(p) })),
    );
  }
  const saved = await savePackage(app.store.db, pkg, author);
  const paths = new Set([...Object.keys(base), ...Object.keys(complete)]);
  const changed = [...paths]
    .filter((p) => p !== 'metadata.json' || stripVersion(base[p]) !== stripVersion(complete[p]))
    .filter((p) => base[p] !== complete[p])
    .sort();
  return { task: saved.task, version: saved.version, previous, changed };
}

function stripVersion(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const { version: _v, ...rest } = JSON.parse(text) as Record<string, unknown>;
    return JSON.stringify(rest);
  } catch {
    return text;
  }
}

const REQUIRED = new Set(['main.js', 'metadata.json']);

/**
 * Applies file changes (text = write, null = delete) to a version (default latest) and saves the
 * result as a new version. Unknown paths, deleting a required file and no-op edits are refused.
 */
export async function writeTaskFiles(
  app: Ratchet,
  ref: string | number,
  changes: Record<string, string | null>,
  author: Author,
  opts: { version?: string; baseVersion?: string } = {},
): Promise<SavedFiles> {
  const current = await readTaskFiles(app, ref, opts.baseVersion);
  const violations = [];
  for (const [path, text] of Object.entries(changes)) {
    if (!isTaskFile(path)) {
      violations.push({
        path,
        message:
          'is not a task file; use metadata.json, main.js, input.schema.json, output.schema.json or tests/<name>.json',
      });
    } else if (text === null && REQUIRED.has(path)) {
      violations.push({ path, message: 'is required and cannot be deleted' });
    } else if (text === null && current.files[path] === undefined) {
      violations.push({ path, message: `does not exist in version ${current.version.version}` });
    }
  }
  if (violations.length > 0) throw new ValidationError('invalid file change', violations);
  const files = { ...current.files };
  for (const [path, text] of Object.entries(changes)) {
    if (text === null) delete files[path];
    else files[path] = text;
  }
  if (Object.keys(changes).every((p) => current.files[p] === files[p])) {
    throw new ValidationError('nothing to save', [
      { path: '$', message: `the files are identical to version ${current.version.version}` },
    ]);
  }
  let requested = opts.version;
  // A higher version typed into metadata.json is honoured like an explicit one.
  if (requested === undefined && changes['metadata.json']) {
    try {
      const v = (JSON.parse(changes['metadata.json']) as { version?: unknown }).version;
      // Only a version above the one edited counts; an unchanged or stale copy is ignored.
      const clean = typeof v === 'string' ? semver.valid(v) : null;
      if (clean !== null && semver.gt(clean, current.version.version)) requested = clean;
    } catch {
      // Reported by saveFilesAsVersion with the parse error.
    }
  }
  return saveFilesAsVersion(app, current.task, files, author, requested, current.files);
}
