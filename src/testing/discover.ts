// Which task folders a `ratchet test` argument names: a task folder (metadata.json inside) or a
// .zip is itself; any other folder is a parent whose immediate subfolders with metadata.json are
// the tasks, so `ratchet test sample/tasks` runs them all.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export class DiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Task paths in order: arguments as given, a parent folder's tasks by name. */
export async function discoverTaskPaths(args: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const arg of args) {
    let info;
    try {
      info = await stat(arg);
    } catch {
      throw new DiscoveryError(`no such task folder: ${arg} (${resolve(arg)})`);
    }
    if (info.isFile()) {
      found.push(arg);
      continue;
    }
    if (!info.isDirectory()) throw new DiscoveryError(`not a task folder or .zip: ${arg}`);
    if (await isFile(join(arg, 'metadata.json'))) {
      found.push(arg);
      continue;
    }
    const children = (await readdir(arg, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    const tasks: string[] = [];
    for (const child of children) {
      if (await isFile(join(arg, child, 'metadata.json'))) tasks.push(join(arg, child));
    }
    if (tasks.length === 0) {
      throw new DiscoveryError(
        `${arg} is not a task folder (no metadata.json) and none of its subfolders is one`,
      );
    }
    found.push(...tasks);
  }
  return found;
}
