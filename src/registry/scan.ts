// Finding task folders inside a source: any folder holding a metadata.json, searched recursively.
// A task folder is not searched further (its tests/ and helpers are part of the task). Workflow
// folders (holding workflow.yaml, .yml or .json) are found the same way, outside task folders.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { WORKFLOW_FILES } from '../workflows/source.ts';

/** Deep enough for `category/sub/task`, shallow enough that a mistaken root (/, ~) stays cheap. */
export const MAX_SCAN_DEPTH = 6;

const SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn']);

export class SourceUnreadableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceUnreadableError';
  }
}

/** Absolute paths of the task folders under root, sorted; throws when root is not a readable folder. */
export function findTaskFolders(root: string, maxDepth = MAX_SCAN_DEPTH): Promise<string[]> {
  return findFolders(root, maxDepth, ['metadata.json']);
}

/** Absolute paths of the workflow folders under root (never inside a task folder), sorted. */
export function findWorkflowFolders(root: string, maxDepth = MAX_SCAN_DEPTH): Promise<string[]> {
  return findFolders(root, maxDepth, WORKFLOW_FILES);
}

async function findFolders(root: string, maxDepth: number, markers: readonly string[]): Promise<string[]> {
  let info;
  try {
    info = await stat(root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SourceUnreadableError(
      code === 'ENOENT' ? `folder ${root} does not exist` : `cannot read ${root}: ${(err as Error).message}`,
    );
  }
  if (!info.isDirectory()) throw new SourceUnreadableError(`${root} is not a folder`);
  const found: string[] = [];
  await walk(root, 0, maxDepth, markers, found);
  return found.sort();
}

async function walk(
  dir: string,
  depth: number,
  maxDepth: number,
  markers: readonly string[],
  found: string[],
): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  const has = (name: string) => entries.some((e) => e.name === name && e.isFile());
  if (markers.some(has)) {
    found.push(dir);
    return;
  }
  // A task folder holds no workflows (nor other tasks).
  if (has('metadata.json') || depth >= maxDepth) return;
  for (const e of entries) {
    if (!e.isDirectory() || SKIPPED.has(e.name) || e.name.startsWith('.')) continue;
    await walk(join(dir, e.name), depth + 1, maxDepth, markers, found);
  }
}

/** `tasks/addition` for a folder under root, `.` for root itself; always with forward slashes. */
export function relativeTaskPath(root: string, folder: string): string {
  const rel = relative(root, folder);
  return rel === '' ? '.' : rel.split(sep).join('/');
}

/** True when a path should never trigger a reload (VCS internals, dependencies, hidden files). */
export function isIgnoredPath(root: string, path: string): boolean {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..')) return false;
  return rel.split(sep).some((part) => SKIPPED.has(part) || part.startsWith('.'));
}
