// A task named by a path (`sample/js-tasks/addition`, `weather-api/`, `./build/task.zip`) instead
// of a registry id, UUID or name, as the agent guide's MCP examples do. The folder (or zip) is read
// fresh on every call, so an agent's edit is seen at once without a registry sync. Runs, test
// results and executions refer to stored versions, so the folder's content is recorded as one:
// - its metadata version when that version is not stored yet (as an import would store it);
// - the stored row itself when the content is the same (same checksum);
// - otherwise `<version>-local-<checksum>`, stored disabled, so an edited folder never replaces the
//   task's latest version for callers that name it by id or name, and the same edit is stored once.
// Local callers (stdio) may name any folder; remote callers (HTTP) only folders under
// mcp.allowed_roots, checked on the real path so a symlink cannot lead outside.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Ratchet } from './context.ts';
import { ValidationError } from './errors.ts';
import { loadTask } from '../tasks/load.ts';
import { savePackage } from '../tasks/stored-versions.ts';
import type { TaskPackage } from '../tasks/types.ts';
import { getTask, type TaskRecord } from '../store/repos/tasks.ts';
import { getTaskVersion, type TaskVersionRecord } from '../store/repos/task-versions.ts';

/** Task names never hold `/`, `\` or a leading `.`; a reference that does is a path. */
export function looksLikeTaskPath(ref: string): boolean {
  return /[/\\]/.test(ref) || ref.startsWith('.') || ref.startsWith('~') || /\.zip$/i.test(ref);
}

export interface PathCaller {
  /** True over HTTP: only folders under mcp.allowed_roots. */
  remote: boolean;
  /** False for callers without write access: a folder whose content is not stored yet is refused. */
  mayStore?: boolean;
  /** The argument the caller named the task with (error paths use it). */
  field?: string;
}

function refused(field: string, message: string): ValidationError {
  return new ValidationError(message, [{ path: `$.${field}`, message }]);
}

export function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The absolute, real path of a task folder or zip the caller may read; ValidationError otherwise. */
export async function locateTaskPath(app: Ratchet, ref: string, caller: PathCaller): Promise<string> {
  return locateAllowedPath(app, ref, caller, {
    what: 'task folders',
    noun: 'task folder or zip',
    byName: 'name the task by id, UUID or name, or ',
  });
}

export interface PathKind {
  /** What the server reads, plural ("task folders"). */
  what: string;
  /** What was not found ("task folder or zip"). */
  noun: string;
  /** The alternative offered when no roots are configured, ending in ", or " (or empty). */
  byName: string;
}

/**
 * The real path of `ref` for this caller: locally anything (relative to the working directory);
 * over HTTP only under mcp.allowed_roots (relative to the first root holding it), checked on the
 * real path so a symlink cannot lead outside. Used for task folders and .runcept.toml projects.
 */
export async function locateAllowedPath(
  app: Ratchet,
  ref: string,
  caller: PathCaller,
  kind: PathKind,
): Promise<string> {
  const field = caller.field ?? 'task_id_or_path';
  const roots = app.config.mcp.allowed_roots.map((r) => resolve(r));
  if (caller.remote && roots.length === 0) {
    throw refused(
      field,
      `"${ref}" is a path, and this server reads ${kind.what} for HTTP clients only under mcp.allowed_roots, which is empty; ${kind.byName}ask the operator to set mcp.allowed_roots`,
    );
  }
  // Relative paths: the working directory locally; over HTTP the first root that holds them.
  const bases = caller.remote ? roots : [process.cwd()];
  let target = resolve(bases[0]!, ref);
  for (const base of bases) {
    const candidate = resolve(base, ref);
    if (await exists(candidate)) {
      target = candidate;
      break;
    }
  }
  if (!(await exists(target))) {
    throw refused(field, `no ${kind.noun} at ${caller.remote ? ref : target}`);
  }
  const real = await realpath(target);
  if (caller.remote) {
    const realRoots = await allowedRealRoots(app);
    if (!realRoots.some((r) => inside(r, real))) {
      throw refused(field, `"${ref}" is outside mcp.allowed_roots (${roots.join(', ')})`);
    }
  }
  return real;
}

/** mcp.allowed_roots as real paths (a root that does not exist stays as written). */
export async function allowedRealRoots(app: Ratchet): Promise<string[]> {
  return Promise.all(app.config.mcp.allowed_roots.map((r) => realpath(resolve(r)).catch(() => resolve(r))));
}

/** The task package at a path the caller may read, loaded now (TaskLoadError lists its problems). */
export async function loadTaskAtPath(app: Ratchet, ref: string, caller: PathCaller): Promise<TaskPackage> {
  return loadTask(await locateTaskPath(app, ref, caller));
}

export interface StoredPathTask {
  task: TaskRecord;
  version: TaskVersionRecord;
  /** The folder or zip read. */
  path: string;
}

function localVersion(pkg: TaskPackage): string {
  const v = pkg.metadata.version;
  const mark = `local-${pkg.checksum.replace(/[^0-9a-z]/gi, '').slice(0, 12)}`;
  return v.includes('-') ? `${v}.${mark}` : `${v}-${mark}`;
}

/** Reads the folder now and returns the stored task and version holding exactly its content. */
export async function storeTaskAtPath(
  app: Ratchet,
  ref: string,
  caller: PathCaller,
  changedBy: string,
): Promise<StoredPathTask> {
  const path = await locateTaskPath(app, ref, caller);
  const pkg = await loadTask(path);
  const { db } = app.store;
  const known = (await getTask(db, pkg.metadata.uuid)) ?? (await getTask(db, pkg.metadata.name));
  const stored = known ? await getTaskVersion(db, known.id, pkg.metadata.version) : undefined;
  if (known && stored && stored.checksum === pkg.checksum) return { task: known, version: stored, path };
  const local = known && stored ? await getTaskVersion(db, known.id, localVersion(pkg)) : undefined;
  if (known && local) return { task: known, version: local, path };
  if (caller.mayStore === false) {
    throw refused(
      caller.field ?? 'task_id_or_path',
      `the content of ${ref} is not stored yet, and storing it as a version needs write access (developer role or higher); name a stored task instead`,
    );
  }
  if (!stored) {
    const saved = await savePackage(db, pkg, { changeSource: 'mcp', changedBy });
    return { task: saved.task, version: saved.version, path };
  }
  // The folder was edited without a version bump: its own disabled version, stored once.
  const edited = { ...pkg, metadata: { ...pkg.metadata, version: localVersion(pkg) } };
  const saved = await savePackage(db, edited, { changeSource: 'mcp', changedBy, enabled: false });
  return { task: saved.task, version: saved.version, path };
}
