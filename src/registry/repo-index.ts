// A task repository on disk: task folders plus an index file (`ratchet-repo.yaml`, or `.json`)
// listing them, for people and tools browsing the repository. Sync never trusts the index (it
// scans the folders); `ratchet repo refresh-metadata` is the only writer, `repo verify` checks it.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import YAML from 'yaml';
import { generateTask } from '../tasks/scaffold/generate.ts';
import { inspectTask } from '../tasks/load.ts';
import { formatProblem } from '../tasks/types.ts';
import { findTaskFolders, relativeTaskPath } from './scan.ts';
import type { SyncFailure } from './sync.ts';

export const INDEX_FILES = ['ratchet-repo.yaml', 'ratchet-repo.json'] as const;

export interface IndexEntry {
  path: string;
  name: string;
  uuid: string;
  version: string;
  description?: string;
}

export interface RepoIndex {
  format: 1;
  name: string;
  description?: string;
  tasks: IndexEntry[];
}

export interface LoadedTree {
  entries: IndexEntry[];
  failed: SyncFailure[];
}

/** Loads every task folder under root (read-only): what would sync, and what would fail. */
export async function loadTree(root: string): Promise<LoadedTree> {
  const entries: IndexEntry[] = [];
  const failed: SyncFailure[] = [];
  const seen = new Map<string, string>();
  for (const folder of await findTaskFolders(root)) {
    const path = relativeTaskPath(root, folder);
    const inspection = await inspectTask(folder);
    const pkg = inspection.pkg;
    if (!pkg) {
      const problems = inspection.problems.filter((p) => p.severity === 'error').map(formatProblem);
      failed.push({ path, problems });
      continue;
    }
    const { name, uuid, version, description } = pkg.metadata;
    const clash = seen.get(`name:${name}`) ?? seen.get(`uuid:${uuid}`);
    if (clash !== undefined) {
      failed.push({
        path,
        problems: [`task "${name}" is also in ${clash}; each task must live in one folder`],
      });
      continue;
    }
    seen.set(`name:${name}`, path).set(`uuid:${uuid}`, path);
    entries.push({ path, name, uuid, version, ...(description ? { description } : {}) });
  }
  return { entries, failed };
}

/** The index file present in dir, if any. */
export function indexFileOf(dir: string): string | undefined {
  return INDEX_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
}

export async function readIndex(file: string): Promise<RepoIndex> {
  const text = await readFile(file, 'utf8');
  let value: unknown;
  try {
    value = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new Error(
      `${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const v = value as Partial<RepoIndex> | null;
  if (!v || typeof v !== 'object' || !Array.isArray(v.tasks)) {
    throw new Error(`${file} is not a Ratchet repository index (expected a "tasks" list)`);
  }
  return {
    format: 1,
    name: String(v.name ?? basename(resolve(file, '..'))),
    ...v,
    tasks: v.tasks,
  };
}

export function renderIndex(index: RepoIndex, file: string): string {
  if (file.endsWith('.json')) return `${JSON.stringify(index, null, 2)}\n`;
  return `# Ratchet task repository index, written by \`ratchet repo refresh-metadata\`.\n${YAML.stringify(index)}`;
}

/** Same tasks (path, name, uuid, version) in both lists. */
export function sameTasks(a: IndexEntry[], b: IndexEntry[]): boolean {
  const key = (e: IndexEntry) => `${e.path}\0${e.name}\0${e.uuid}\0${e.version}`;
  const ka = a.map(key).sort();
  const kb = b.map(key).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
}

export interface RefreshResult {
  file: string;
  index: RepoIndex;
  failed: SyncFailure[];
  /** False when a task failed to load: the index is never written from a broken tree. */
  written: boolean;
}

/**
 * Rewrites the index from the task folders found (keeping its name and description). A new index
 * is named `name`, or after the folder.
 */
export async function refreshIndex(dir: string, opts: { name?: string } = {}): Promise<RefreshResult> {
  const root = resolve(dir);
  const file = indexFileOf(root) ?? join(root, INDEX_FILES[0]);
  const previous = existsSync(file) ? await readIndex(file) : undefined;
  const { entries, failed } = await loadTree(root);
  const index: RepoIndex = {
    format: 1,
    name: previous?.name ?? opts.name ?? basename(root),
    ...(previous?.description ? { description: previous.description } : {}),
    tasks: entries,
  };
  if (failed.length > 0) return { file, index, failed, written: false };
  await writeFile(file, renderIndex(index, file));
  return { file, index, failed, written: true };
}

export class RepoInitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RepoInitError';
  }
}

/**
 * Creates a repository skeleton: README, an example task under tasks/, and the index. `name`
 * (default: the folder's name) titles the README and names the index.
 */
export async function initRepository(
  dir: string,
  opts: { name?: string } = {},
): Promise<{ dir: string; name: string; files: string[] }> {
  const root = resolve(dir);
  if (existsSync(root)) {
    const entries = await readdir(root).catch((err: Error) => {
      throw new RepoInitError(`cannot use ${root}: ${err.message}`);
    });
    if (entries.length > 0) {
      throw new RepoInitError(`${root} is not empty (${entries.length} entries); give a new or empty folder`);
    }
  }
  const name = opts.name ?? basename(root);
  if (name.trim() === '') throw new RepoInitError('the repository name is empty');
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'README.md'), readme(name, basename(root)));
  const example = await generateTask({
    path: join(root, 'tasks', 'hello-world'),
    label: 'Hello World',
    description: 'Greets whoever is named in the input',
  });
  const refreshed = await refreshIndex(root, { name });
  if (!refreshed.written) {
    throw new RepoInitError(`the example task does not load: ${JSON.stringify(refreshed.failed)}`);
  }
  const files = ['README.md', ...example.files.map((f) => `tasks/hello-world/${f}`), INDEX_FILES[0]];
  return { dir: root, name, files };
}

function readme(name: string, folder: string): string {
  return `# ${name}

A Ratchet task repository. Each folder holding a \`metadata.json\` is a task (see the Ratchet docs,
docs/tasks.md); \`tasks/hello-world\` is an example.

- Check every task loads: \`ratchet repo verify\` (with this folder configured as a source).
- After adding, removing or re-versioning tasks, rewrite the index: \`ratchet repo refresh-metadata\`.
- Changing a task's code means raising its \`version\` in metadata.json: a stored version never changes.

Use it from Ratchet by listing it under \`registry.sources\`, as a folder (\`uri: file://./${folder}\`)
or, once pushed, as a git repository (\`uri: https://…\`, optional \`branch\` or \`ref\`).
`;
}
