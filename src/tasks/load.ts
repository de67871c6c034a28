// Loading a task package from a folder, a .zip of one, or an in-memory file map. Folder and zip
// readers only gather files; every rule lives in inspectTaskFiles so all sources agree.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Problem, TaskPackage } from './types.ts';
import { readTextFile } from './json-file.ts';
import { inspectTaskFiles, packageOrThrow, TESTS_DIR } from './inspect.ts';
import type { TaskInspection } from './inspect.ts';
import { readTaskZip } from './zip.ts';

export interface TaskSource {
  files: Record<string, string>;
  origin: TaskPackage['origin'];
  /** Problems found while reading (missing folder, unreadable files, unsafe zip entries). */
  problems: Problem[];
  /** Nothing could be read (no folder, unsafe archive): file-level checks would only add noise. */
  fatal?: boolean;
}

const PACKAGE_FILES = ['metadata.json', 'main.js', 'input.schema.json', 'output.schema.json'];

/** Same checks as loadTask, from a file map keyed by relative path (`tests/test-001.json`). */
export function loadTaskFromFiles(files: Record<string, string>, origin: TaskPackage['origin']): TaskPackage {
  return packageOrThrow(inspectTaskFiles(files, origin));
}

/** Loads a task folder or a .zip of one; throws one TaskLoadError listing every problem. */
export async function loadTask(path: string): Promise<TaskPackage> {
  return packageOrThrow(await inspectTask(path));
}

export async function inspectTask(path: string): Promise<TaskInspection> {
  const source = await readTaskSource(path);
  if (source.fatal)
    return { origin: source.origin, problems: source.problems, fatal: true, uuidDerived: false, tests: [] };
  return inspectTaskFiles(source.files, source.origin, source.problems);
}

export async function readTaskSource(path: string): Promise<TaskSource> {
  const abs = resolve(path);
  let info;
  try {
    info = await stat(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' ? `task folder not found: ${abs}` : `cannot read ${abs}: ${(e as Error).message}`;
    return failed(path, abs, message);
  }
  if (info.isDirectory()) return readTaskFolder(abs);
  if (info.isFile()) {
    const data = await readFile(abs);
    if (abs.toLowerCase().endsWith('.zip') || isZipData(data)) {
      const read = await readTaskZip(data, basename(abs));
      return {
        origin: { kind: 'zip', path: abs },
        ...read,
        fatal: read.problems.some((p) => p.file === basename(abs)),
      };
    }
    return failed(path, abs, `not a task folder or .zip file: ${abs} is a regular file`);
  }
  return failed(path, abs, `not a task folder or .zip file: ${abs}`);
}

function failed(display: string, abs: string, message: string): TaskSource {
  const problems: Problem[] = [{ severity: 'error', file: display, message }];
  return { files: {}, origin: { kind: 'dir', path: abs }, problems, fatal: true };
}

/** Local file header signature "PK\x03\x04" (or an empty archive's "PK\x05\x06"). */
function isZipData(data: Uint8Array): boolean {
  return data[0] === 0x50 && data[1] === 0x4b && (data[2] === 3 || data[2] === 5);
}

async function readTaskFolder(dir: string): Promise<TaskSource> {
  const files: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const name of PACKAGE_FILES) {
    const read = await readTextFile(join(dir, name), name);
    // A missing file is judged by inspectTaskFiles (required or optional); other failures are reported here.
    if (read.ok) files[name] = read.text;
    else if (!read.missing) problems.push(read.problem);
  }
  const testsDir = join(dir, 'tests');
  let entries: string[] = [];
  try {
    const info = await stat(testsDir);
    if (info.isDirectory()) {
      entries = await readdir(testsDir);
    } else {
      problems.push({
        severity: 'error',
        file: 'tests',
        message: `not a folder: ${testsDir} (test cases go in tests/*.json)`,
      });
    }
  } catch (e) {
    // No tests/ folder is fine: tests are optional. Anything else (permissions) is worth saying.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      problems.push({
        severity: 'error',
        file: 'tests',
        message: `cannot read ${testsDir}: ${(e as Error).message}`,
      });
    }
  }
  for (const entry of entries.filter((e) => e.endsWith('.json'))) {
    const rel = `${TESTS_DIR}${entry}`;
    const read = await readTextFile(join(testsDir, entry), rel);
    if (read.ok) files[rel] = read.text;
    else problems.push(read.problem);
  }
  return { files, origin: { kind: 'dir', path: dir }, problems };
}
