// The bridge between task packages (what the sandbox runs) and stored task versions (what the
// database keeps). A stored version is turned back into a package through the same loading rules
// as a folder, so a task behaves identically whether it came from disk, git, the API or MCP.
import type { ChangeSource } from '../store/schema.ts';
import type { Db } from '../store/codec.ts';
import { NotFoundError } from '../store/codec.ts';
import { createTask, findTask, getTask, saveTaskVersion } from '../store/repos/tasks.ts';
import type { TaskRecord, TaskVersionRecord } from '../store/repos/tasks.ts';
import { loadTaskFromFiles } from './load.ts';
import type { TaskPackage } from './types.ts';

/** The files of a package as a folder would hold them (tests under `tests/`). */
export function filesOfPackage(pkg: TaskPackage): Record<string, string> {
  const files: Record<string, string> = {
    'metadata.json': JSON.stringify(pkg.metadata.raw, null, 2),
    'main.js': pkg.code,
  };
  if (pkg.inputSchema !== undefined) files['input.schema.json'] = JSON.stringify(pkg.inputSchema, null, 2);
  if (pkg.outputSchema !== undefined) files['output.schema.json'] = JSON.stringify(pkg.outputSchema, null, 2);
  for (const t of pkg.tests) files[`tests/${t.name}`] = t.text;
  return files;
}

export function filesOfVersion(task: TaskRecord, v: TaskVersionRecord): Record<string, string> {
  const metadata = { ...v.metadata, name: task.name, uuid: task.uuid, version: v.version };
  const files: Record<string, string> = {
    'metadata.json': JSON.stringify(metadata, null, 2),
    'main.js': v.code,
  };
  if (v.inputSchema !== null && v.inputSchema !== undefined) {
    files['input.schema.json'] = JSON.stringify(v.inputSchema, null, 2);
  }
  if (v.outputSchema !== null && v.outputSchema !== undefined) {
    files['output.schema.json'] = JSON.stringify(v.outputSchema, null, 2);
  }
  for (const t of v.tests) files[`tests/${t.name}`] = t.text;
  return files;
}

// Loading re-checks syntax and compiles schemas; stored versions never change, so cache by id. The
// checksum and task UUID must match too: two databases in one process (tests, benchmarks) can hold
// different versions under one id, even of tasks with the same UUID.
const cache = new Map<number, { checksum: string; pkg: TaskPackage }>();
const CACHE_SIZE = 500;

export function packageOfVersion(task: TaskRecord, v: TaskVersionRecord): TaskPackage {
  const hit = cache.get(v.id);
  if (hit && hit.checksum === v.checksum && hit.pkg.metadata.uuid === task.uuid) return hit.pkg;
  const pkg = loadTaskFromFiles(filesOfVersion(task, v), {
    kind: 'store',
    path: `${task.name}@${v.version}`,
  });
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(v.id, { checksum: v.checksum, pkg });
  return pkg;
}

/** A runnable package for a task named by id, UUID or name (and optional version; default latest). */
export async function resolveTaskPackage(
  db: Db,
  ref: string | number,
  version?: string,
): Promise<{ task: TaskRecord; version: TaskVersionRecord; pkg: TaskPackage }> {
  const found = await findTask(db, ref, version);
  if (!found) {
    const task = await getTask(db, ref);
    if (!task) throw new NotFoundError(`no task "${ref}" (give a numeric id, a UUID or a name)`);
    if (version !== undefined && version !== 'latest') {
      throw new NotFoundError(`task "${task.name}" has no version ${version}`);
    }
    throw new NotFoundError(`task "${task.name}" has no enabled version`);
  }
  return { ...found, pkg: packageOfVersion(found.task, found.version) };
}

export interface SavePackageOptions {
  changeSource: ChangeSource;
  changedBy?: string | null;
  sourceId?: number | null;
  /** False stores the version disabled (never the task's latest); default true. */
  enabled?: boolean;
}

/**
 * Stores a package as a version of its task (created on first save, matched by UUID, then name).
 * Saving identical content under an existing version is a no-op (`created: false`).
 */
export async function savePackage(
  db: Db,
  pkg: TaskPackage,
  opts: SavePackageOptions,
): Promise<{ task: TaskRecord; version: TaskVersionRecord; created: boolean }> {
  const existing = (await getTask(db, pkg.metadata.uuid)) ?? (await getTask(db, pkg.metadata.name));
  const task =
    existing ??
    (await createTask(db, {
      name: pkg.metadata.name,
      uuid: pkg.metadata.uuid,
      sourceId: opts.sourceId ?? null,
    }));
  const saved = await saveTaskVersion(db, {
    taskId: task.id,
    version: pkg.metadata.version,
    code: pkg.code,
    description: pkg.metadata.description ?? null,
    inputSchema: pkg.inputSchema,
    outputSchema: pkg.outputSchema,
    metadata: pkg.metadata.raw,
    tests: pkg.tests.map((t) => ({ name: t.name, text: t.text })),
    checksum: pkg.checksum,
    changeSource: opts.changeSource,
    changedBy: opts.changedBy ?? null,
    ...(opts.enabled === false ? { enabled: false } : {}),
  });
  const fresh = (await getTask(db, task.id))!;
  return { task: fresh, version: saved.version, created: saved.created };
}
