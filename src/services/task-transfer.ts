// Moving tasks in and out as packages: file maps (path → text) or one zip holding several task
// folders. Imports go through loadTaskFromFiles and savePackage, so they obey the same rules as a
// folder synced from disk (same version + same content = unchanged; same version + other content =
// refused). Archive entry names and sizes are checked before anything is decompressed.
import { unzipSync, zipSync, strToU8 } from 'fflate';
import type { Ratchet } from './context.ts';
import { getTask, getTaskVersion, listTasks } from '../store/repos/tasks.ts';
import { loadTaskFromFiles } from '../tasks/load.ts';
import { TaskLoadError, formatProblem, type TaskPackage } from '../tasks/types.ts';
import { ZIP_MAX_BYTES, ZIP_MAX_FILES, isTaskFile } from '../tasks/zip.ts';
import { unzipOffThread } from '../tasks/unzip-thread.ts';
import { ValidationError } from './errors.ts';
import { readTaskFiles } from './task-edits.ts';
import { savePackage } from '../tasks/stored-versions.ts';
import type { Author } from './tasks.ts';

export interface ImportOutcome {
  /** Where the package came from: `packages[2]` or `archive:folder/`. */
  source: string;
  status: 'created' | 'new_version' | 'unchanged' | 'failed';
  name?: string;
  version?: string;
  taskId?: number;
  errors?: string[];
}

export interface PackageInput {
  source: string;
  files: Record<string, string>;
}

/** Imports each package independently; one failing package does not stop the others. */
export async function importTaskPackages(
  app: Ratchet,
  packages: PackageInput[],
  author: Author,
): Promise<ImportOutcome[]> {
  const out: ImportOutcome[] = [];
  for (const p of packages) {
    try {
      const pkg = loadTaskFromFiles(p.files, { kind: 'store', path: p.source });
      const existed =
        (await getTask(app.store.db, pkg.metadata.uuid)) ?? (await getTask(app.store.db, pkg.metadata.name));
      if (existed && (await sameAsStored(app, existed.id, pkg))) {
        out.push({
          source: p.source,
          status: 'unchanged',
          name: existed.name,
          version: pkg.metadata.version,
          taskId: existed.id,
        });
        continue;
      }
      const saved = await savePackage(app.store.db, pkg, author);
      out.push({
        source: p.source,
        status: !saved.created ? 'unchanged' : existed ? 'new_version' : 'created',
        name: saved.task.name,
        version: saved.version.version,
        taskId: saved.task.id,
      });
    } catch (err) {
      const errors =
        err instanceof TaskLoadError
          ? err.problems.filter((pr) => pr.severity === 'error').map(formatProblem)
          : [(err as Error).message];
      out.push({ source: p.source, status: 'failed', errors });
    }
  }
  return out;
}

const IDENTITY = ['name', 'uuid', 'version'];

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

const withoutIdentity = (m: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(m).filter(([k]) => !IDENTITY.includes(k)));

/**
 * True when the task already holds this version with the same content. Exported files are
 * re-serialised (key order, name/uuid written out), so the text checksum alone would call a
 * round-tripped package different; compare the parsed content instead.
 */
async function sameAsStored(app: Ratchet, taskId: number, pkg: TaskPackage): Promise<boolean> {
  const stored = await getTaskVersion(app.store.db, taskId, pkg.metadata.version);
  if (!stored) return false;
  const tests = (t: { name: string; text: string }[]) =>
    canonical([...t].sort((a, b) => (a.name < b.name ? -1 : 1)).map((x) => [x.name, x.text]));
  return (
    stored.code === pkg.code &&
    canonical(stored.inputSchema) === canonical(pkg.inputSchema) &&
    canonical(stored.outputSchema) === canonical(pkg.outputSchema) &&
    canonical(withoutIdentity(stored.metadata)) === canonical(withoutIdentity(pkg.metadata.raw)) &&
    tests(stored.tests) === tests(pkg.tests)
  );
}

function unsafe(name: string): boolean {
  return /^([/\\]|[A-Za-z]:)/.test(name) || name.split(/[/\\]/).includes('..');
}

/**
 * The task packages inside a zip: every folder holding metadata.json (or the archive root) is one
 * package with its task files. Throws ValidationError for an unsafe or oversized archive.
 */
export async function packagesFromZip(data: Uint8Array): Promise<PackageInput[]> {
  const fail = (message: string): never => {
    throw new ValidationError('unusable archive', [{ path: '$.zip_base64', message }]);
  };
  if (data.byteLength > ZIP_MAX_BYTES)
    fail(`archive is ${data.byteLength} bytes; the limit is ${ZIP_MAX_BYTES}`);
  const entries: { name: string; raw: string; size: number }[] = [];
  try {
    unzipSync(data, {
      filter: (f) => {
        entries.push({ name: f.name.replace(/\\/g, '/'), raw: f.name, size: f.originalSize });
        return false;
      },
    });
  } catch (err) {
    fail(`not a readable zip archive: ${(err as Error).message}`);
  }
  const bad = entries.filter((e) => unsafe(e.name));
  if (bad.length > 0)
    fail(`unsafe entries ${bad.map((e) => `"${e.name}"`).join(', ')}; nothing was extracted`);
  const files = entries.filter((e) => !e.name.endsWith('/') && !e.name.startsWith('__MACOSX/'));
  if (files.length > ZIP_MAX_FILES)
    fail(`archive holds ${files.length} files; the limit is ${ZIP_MAX_FILES}`);
  const total = files.reduce((s, e) => s + e.size, 0);
  if (total > ZIP_MAX_BYTES) fail(`archive expands to ${total} bytes; the limit is ${ZIP_MAX_BYTES}`);
  const roots = files
    .filter((e) => e.name === 'metadata.json' || e.name.endsWith('/metadata.json'))
    .map((e) => e.name.slice(0, e.name.length - 'metadata.json'.length))
    .sort();
  if (roots.length === 0) fail('no task folder (a folder with metadata.json) in the archive');
  const rootOf = (name: string): string | undefined =>
    roots
      .filter((r) => name.startsWith(r) && isTaskFile(name.slice(r.length)))
      .sort((a, b) => b.length - a.length)[0];
  let raw: Record<string, Uint8Array> = {};
  try {
    // Inflated in a worker thread: the event loop keeps answering (/health) meanwhile.
    raw = await unzipOffThread(
      data,
      entries.filter((e) => rootOf(e.name) !== undefined).map((e) => e.raw),
    );
  } catch (err) {
    fail(`cannot extract archive: ${(err as Error).message}`);
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const byRoot = new Map<string, Record<string, string>>(roots.map((r) => [r, {}]));
  for (const [name, bytes] of Object.entries(raw)) {
    const normal = name.replace(/\\/g, '/');
    const root = rootOf(normal)!;
    try {
      byRoot.get(root)![normal.slice(root.length)] = decoder.decode(bytes);
    } catch {
      fail(`${normal} is not UTF-8 text`);
    }
  }
  return [...byRoot].map(([root, f]) => ({ source: `archive:${root || '/'}`, files: f }));
}

export interface ExportedTask {
  name: string;
  version: string;
  files: Record<string, string>;
}

/** Tasks by reference (all tasks, up to 500, when none are named), each as its file map. */
export async function exportTaskPackages(
  app: Ratchet,
  refs: (string | number)[],
  version?: string,
): Promise<ExportedTask[]> {
  if (version !== undefined && refs.length !== 1) {
    throw new ValidationError('invalid export', [
      { path: '$.version', message: 'a version can only be given when exporting exactly one task' },
    ]);
  }
  const names =
    refs.length > 0 ? refs : (await listTasks(app.store.db, { limit: 500 })).rows.map((t) => t.id);
  const out: ExportedTask[] = [];
  for (const ref of names) {
    const { task, version: v, files } = await readTaskFiles(app, ref, version);
    out.push({ name: task.name, version: v.version, files });
  }
  return out;
}

/** One zip with a folder per task (`<name>/main.js`, …), as base64. */
export function zipExport(tasks: ExportedTask[]): string {
  const entries: Record<string, Uint8Array> = {};
  for (const t of tasks)
    for (const [p, text] of Object.entries(t.files)) entries[`${t.name}/${p}`] = strToU8(text);
  return Buffer.from(zipSync(entries, { level: 6 })).toString('base64');
}
