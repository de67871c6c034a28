// Tasks as every adapter (REST, MCP, console) sees them: list, look up, create and update from
// code + schemas (each save is a new immutable version), soft delete, enable/disable, versions.
// Bodies are built into the same file map a task folder holds and loaded through
// loadTaskFromFiles, so a task saved over the API obeys exactly the rules of one on disk.
import semver from 'semver';
import type { Ratchet } from './context.ts';
import { ConflictError, NotFoundError } from '../store/codec.ts';
import type { ListQuery, ListResult } from '../store/list-query.ts';
import type { ChangeSource } from '../store/schema.ts';
import {
  getTask,
  getTaskVersion,
  getLatestTaskVersion,
  listTaskVersions,
  listTasks,
  setTaskEnabled,
  softDeleteTask,
} from '../store/repos/tasks.ts';
import type { TaskRecord, TaskVersionRecord } from '../store/repos/tasks.ts';
import { getVersionLabels } from '../store/repos/task-versions.ts';
import { loadTaskFromFiles } from '../tasks/load.ts';
import { TaskLoadError, formatProblem, type Problem } from '../tasks/types.ts';
import { ValidationError, type Violation } from './errors.ts';
import { savePackage } from '../tasks/stored-versions.ts';
import { requireTask } from './task-ref.ts';

export type { TaskRecord, TaskVersionRecord } from '../store/repos/tasks.ts';

export interface TaskTestBody {
  /** File name inside tests/ (".json" is added when missing). */
  name: string;
  /** The test case: JSON text, or the object itself. */
  content: unknown;
}

export interface TaskBody {
  name?: string;
  version?: string;
  description?: string | null;
  code?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  /** Further metadata.json keys (timeout, memory_limit, tags, …); name/version/uuid are ours. */
  metadata?: Record<string, unknown>;
  tests?: TaskTestBody[];
}

export interface Author {
  changeSource: ChangeSource;
  changedBy?: string | null;
}

export interface TaskDetail extends TaskRecord {
  /** The version asked for (default: latest), with its code, schemas and tests. */
  version: TaskVersionRecord | null;
}

export function listTaskPage(app: Ratchet, q: ListQuery): Promise<ListResult<TaskRecord>> {
  return listTasks(app.store.db, q);
}

/** A version of a task by its text, or the latest when none is given. */
async function versionOf(
  app: Ratchet,
  task: TaskRecord,
  version?: string,
): Promise<TaskVersionRecord | null> {
  if (version === undefined || version === 'latest')
    return (await getLatestTaskVersion(app.store.db, task.id)) ?? null;
  if (semver.valid(semver.clean(version) ?? version) === null) {
    throw new ValidationError('invalid version', [
      { path: '$.version', message: `"${version}" is not a semantic version` },
    ]);
  }
  const v = await getTaskVersion(app.store.db, task.id, version);
  if (!v) throw new NotFoundError(`task "${task.name}" has no version ${version}`);
  return v;
}

export async function getTaskDetail(
  app: Ratchet,
  ref: string | number,
  version?: string,
): Promise<TaskDetail> {
  const task = await requireTask(app, ref);
  return { ...task, version: await versionOf(app, task, version) };
}

/** Labels (metadata.json `label`) of task versions by id, read in one query (list views). */
export function versionLabels(app: Ratchet, versionIds: readonly number[]): Promise<Map<number, string>> {
  return getVersionLabels(app.store.db, versionIds);
}

export async function listVersions(app: Ratchet, ref: string | number): Promise<TaskVersionRecord[]> {
  const task = await requireTask(app, ref);
  return listTaskVersions(app.store.db, task.id);
}

const BODY_FIELD: Record<string, string> = {
  'metadata.json': '$.metadata',
  'main.js': '$.code',
  'input.schema.json': '$.inputSchema',
  'output.schema.json': '$.outputSchema',
};

/** A loading problem as a field violation: the body field it came from, file:line:column kept. */
function violationOf(p: Problem, testNames: string[]): Violation {
  let path = BODY_FIELD[p.file];
  if (path === undefined && p.file.startsWith('tests/')) {
    const i = testNames.indexOf(p.file.slice('tests/'.length));
    path = i >= 0 ? `$.tests[${i}].content` : '$.tests';
  }
  return { path: path ?? '$', message: formatProblem(p) };
}

function testFileName(name: string, i: number, v: Violation[]): string {
  const file = name.endsWith('.json') ? name : `${name}.json`;
  if (!/^[A-Za-z0-9][\w.-]{0,127}$/.test(file)) {
    v.push({ path: `$.tests[${i}].name`, message: 'must be 1–128 letters, digits, ".", "_" or "-"' });
  }
  return file;
}

/** body (complete: name, version, code) → the files of a task folder → a loaded package. */
function buildPackage(body: Required<Pick<TaskBody, 'name' | 'version' | 'code'>> & TaskBody, uuid?: string) {
  const v: Violation[] = [];
  const metadata: Record<string, unknown> = {
    ...(body.metadata ?? {}),
    name: body.name,
    version: body.version,
  };
  if (uuid !== undefined) metadata.uuid = uuid;
  if (body.description !== undefined && body.description !== null) metadata.description = body.description;
  else if (body.description === null) delete metadata.description;
  const files: Record<string, string> = {
    'metadata.json': JSON.stringify(metadata, null, 2),
    'main.js': body.code,
  };
  if (body.inputSchema !== undefined && body.inputSchema !== null)
    files['input.schema.json'] = JSON.stringify(body.inputSchema, null, 2);
  if (body.outputSchema !== undefined && body.outputSchema !== null)
    files['output.schema.json'] = JSON.stringify(body.outputSchema, null, 2);
  const names: string[] = [];
  (body.tests ?? []).forEach((t, i) => {
    const file = testFileName(t.name, i, v);
    if (names.includes(file))
      v.push({ path: `$.tests[${i}].name`, message: `duplicate test name "${file}"` });
    names.push(file);
    files[`tests/${file}`] = typeof t.content === 'string' ? t.content : JSON.stringify(t.content, null, 2);
  });
  if (v.length > 0) throw new ValidationError('invalid task', v);
  try {
    return loadTaskFromFiles(files, { kind: 'store', path: `${body.name}@${body.version}` });
  } catch (err) {
    if (!(err instanceof TaskLoadError)) throw err;
    const errors = err.problems.filter((p) => p.severity === 'error');
    throw new ValidationError(
      `task "${body.name}" ${body.version} does not load`,
      errors.map((p) => violationOf(p, names)),
    );
  }
}

function requireFields(body: TaskBody, fields: ('name' | 'code')[]): void {
  const v: Violation[] = [];
  for (const f of fields) {
    if (typeof body[f] !== 'string' || body[f].trim() === '')
      v.push({ path: `$.${f}`, message: 'is required' });
  }
  if (v.length > 0) throw new ValidationError('invalid task', v);
}

/** A new task with its first version (default 1.0.0); ConflictError when the name is taken. */
export async function createTaskFromBody(app: Ratchet, body: TaskBody, author: Author): Promise<TaskDetail> {
  requireFields(body, ['name', 'code']);
  const name = body.name!;
  if (/^[0-9]+$/.test(name)) {
    throw new ValidationError('invalid task', [
      { path: '$.name', message: 'must not be all digits (it would read as an id)' },
    ]);
  }
  if (await getTask(app.store.db, name))
    throw new ConflictError(`a task named "${name}" already exists; update it instead`);
  const pkg = buildPackage({ ...body, name, code: body.code!, version: body.version ?? '1.0.0' });
  const saved = await savePackage(app.store.db, pkg, author);
  return { ...saved.task, version: saved.version };
}

/**
 * Saves a new version of an existing task. Omitted fields are taken from the latest version.
 * `version`, when given, must be higher than every stored version; when omitted, the patch number
 * of the highest stored version is bumped. The task's name and UUID never change here.
 */
export async function updateTaskFromBody(
  app: Ratchet,
  ref: string | number,
  body: TaskBody,
  author: Author,
): Promise<TaskDetail> {
  const task = await requireTask(app, ref);
  if (body.name !== undefined && body.name !== task.name) {
    throw new ValidationError('invalid task update', [
      {
        path: '$.name',
        message: `a task cannot be renamed (it is "${task.name}"); create a new task instead`,
      },
    ]);
  }
  const versions = await listTaskVersions(app.store.db, task.id);
  const highest = versions[0];
  const base = (await getLatestTaskVersion(app.store.db, task.id)) ?? highest;
  let version: string;
  if (body.version !== undefined) {
    const clean = semver.valid(body.version);
    if (clean === null) {
      throw new ValidationError('invalid task update', [
        { path: '$.version', message: `"${body.version}" is not a semantic version such as 1.2.3` },
      ]);
    }
    if (highest && !semver.gt(clean, highest.version)) {
      throw new ConflictError(
        `version ${clean} is not higher than ${highest.version}, the highest version of task "${task.name}"; give a higher version or omit it to bump the patch`,
      );
    }
    version = clean;
  } else {
    version = highest ? (semver.inc(highest.version, 'patch') ?? '1.0.0') : '1.0.0';
  }
  const meta = { ...(base?.metadata ?? {}) };
  delete meta.name;
  delete meta.version;
  delete meta.uuid;
  const tests = base?.tests.map((t) => ({ name: t.name, content: t.text }));
  const pkg = buildPackage(
    {
      name: task.name,
      version,
      code: body.code ?? base?.code ?? '',
      description: body.description !== undefined ? body.description : (base?.description ?? undefined),
      inputSchema: body.inputSchema !== undefined ? body.inputSchema : (base?.inputSchema ?? undefined),
      outputSchema: body.outputSchema !== undefined ? body.outputSchema : (base?.outputSchema ?? undefined),
      metadata: body.metadata ?? meta,
      tests: body.tests ?? tests,
    },
    task.uuid,
  );
  const saved = await savePackage(app.store.db, pkg, author);
  return { ...saved.task, version: saved.version };
}

/** Soft delete: hidden from lookups and lists; versions, jobs and executions stay as history. */
export async function deleteTask(app: Ratchet, ref: string | number): Promise<TaskRecord> {
  const task = await requireTask(app, ref);
  return softDeleteTask(app.store.db, task.id);
}

export async function setTaskEnabledState(
  app: Ratchet,
  ref: string | number,
  enabled: boolean,
): Promise<TaskRecord> {
  const task = await requireTask(app, ref);
  return setTaskEnabled(app.store.db, task.id, enabled);
}
