// What `ratchet workflow run` needs to run a workflow folder with no setup: the task folders
// beside it imported into the (throwaway) store, and waiting for a run to end while reporting each
// change of its steps.
import { basename, dirname, resolve } from 'node:path';
import type { Ratchet } from '../context.ts';
import { findTaskFolders } from '../../registry/scan.ts';
import { loadTask } from '../../tasks/load.ts';
import { savePackage } from '../../tasks/stored-versions.ts';
import { itemCounts, runStatus, type RunStatus } from './runs.ts';
import { storeCatalog, type TaskCatalog } from '../../workflows/source.ts';
import type { TaskSchemas } from '../../workflows/compat.ts';
import { runEnded } from '../../workflows/states.ts';

/**
 * Where tasks beside a workflow live: the folder holding the workflow's folder and, when that is
 * a `workflows/` folder, its parent too (a project with tasks/ and workflows/ side by side).
 */
export function taskRootsBeside(workflowPath: string, isFolder: boolean): string[] {
  const folder = resolve(isFolder ? workflowPath : dirname(workflowPath));
  const holder = dirname(folder);
  return basename(holder) === 'workflows' ? [holder, dirname(holder)] : [holder];
}

/** Imports every task folder under the roots; returns the task names. */
export async function importTaskFolders(app: Ratchet, roots: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const root of roots) {
    for (const folder of await findTaskFolders(root).catch(() => [])) {
      if (seen.has(folder)) continue;
      seen.add(folder);
      const pkg = await loadTask(folder);
      await savePackage(app.store.db, pkg, { changeSource: 'cli' });
      names.push(pkg.metadata.name);
    }
  }
  return names;
}

/**
 * Waits until the run ends (FAILED counts: nothing runs any more) or `signal` aborts, calling
 * onChange on each change; returns the last status read.
 */
export async function waitForRun(
  app: Ratchet,
  ref: string | number,
  opts: { onChange?: (s: RunStatus) => void; pollMs?: number; signal?: AbortSignal } = {},
): Promise<RunStatus> {
  let last = '';
  for (;;) {
    const s = await runStatus(app, ref);
    const key = JSON.stringify([
      s.run.status,
      s.steps.map((x) => [x.status, x.attempts, x.items && itemCounts(x.items).completed]),
    ]);
    if (key !== last) {
      last = key;
      opts.onChange?.(s);
    }
    if (runEnded(s.run.status) || opts.signal?.aborted) return s;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 20));
  }
}

/**
 * A catalog that accepts tasks in the store and tasks in the folders beside the workflow (what
 * `workflow run` would import), so a folder of tasks and workflows validates with no setup; a
 * folder's schemas come before the store's.
 */
export async function taskCheckWithFolders(app: Ratchet, roots: readonly string[]): Promise<TaskCatalog> {
  const beside = new Map<string, Map<string, TaskSchemas>>();
  for (const root of roots) {
    for (const folder of await findTaskFolders(root).catch(() => [])) {
      const pkg = await loadTask(folder).catch(() => undefined);
      if (!pkg) continue;
      const versions = beside.get(pkg.metadata.name) ?? new Map<string, TaskSchemas>();
      versions.set(pkg.metadata.version, { input: pkg.inputSchema, output: pkg.outputSchema });
      beside.set(pkg.metadata.name, versions);
    }
  }
  const store = storeCatalog(app.store.db);
  const local = (task: string, version: string | undefined) => {
    const versions = beside.get(task);
    if (!versions) return undefined;
    return version === undefined ? [...versions.values()].at(-1) : versions.get(version);
  };
  return {
    checkTask: async (task, version) => (local(task, version) ? undefined : store.checkTask(task, version)),
    taskSchemas: async (task, version) => local(task, version) ?? store.taskSchemas!(task, version),
  };
}
