// Looking at a folder on the server for task folders without importing anything: what each one
// is (name, version, problems) and how it relates to what the store holds.
import { resolve } from 'node:path';
import semver from 'semver';
import type { Ratchet } from './context.ts';
import { findTaskFolders, SourceUnreadableError } from '../registry/scan.ts';
import { getTask } from '../store/repos/tasks.ts';
import { inspectTask } from '../tasks/load.ts';
import { formatProblem } from '../tasks/types.ts';
import { ValidationError } from './errors.ts';

export interface DiscoveredTask {
  path: string;
  name: string | null;
  version: string | null;
  uuid: string | null;
  valid: boolean;
  errors: string[];
  warnings: number;
  tests: number;
  /** new: not in the store; same/newer/older: its version compared with the stored latest. */
  store: 'new' | 'same_version' | 'newer' | 'older' | 'unknown';
  storedVersion: string | null;
}

export async function discoverTaskFolders(
  app: Ratchet,
  path: string,
  maxDepth?: number,
): Promise<{ root: string; tasks: DiscoveredTask[] }> {
  const root = resolve(path);
  let folders: string[];
  try {
    folders = await findTaskFolders(root, maxDepth);
  } catch (err) {
    if (err instanceof SourceUnreadableError) {
      throw new ValidationError('cannot scan', [{ path: '$.path', message: err.message }]);
    }
    throw err;
  }
  const tasks: DiscoveredTask[] = [];
  for (const folder of folders) {
    const ins = await inspectTask(folder);
    const meta = ins.metadata;
    const stored = meta
      ? ((await getTask(app.store.db, meta.uuid)) ?? (await getTask(app.store.db, meta.name)))
      : undefined;
    const storedVersion = stored?.latestVersion ?? null;
    let store: DiscoveredTask['store'] = 'unknown';
    if (meta && semver.valid(meta.version)) {
      if (!stored || storedVersion === null) store = 'new';
      else if (semver.eq(meta.version, storedVersion)) store = 'same_version';
      else store = semver.gt(meta.version, storedVersion) ? 'newer' : 'older';
    }
    tasks.push({
      path: folder,
      name: meta?.name ?? null,
      version: meta?.version ?? null,
      uuid: meta?.uuid ?? null,
      valid: ins.pkg !== undefined,
      errors: ins.problems.filter((p) => p.severity === 'error').map(formatProblem),
      warnings: ins.problems.filter((p) => p.severity === 'warning').length,
      tests: ins.tests.length,
      store,
      storedVersion,
    });
  }
  return { root, tasks };
}
