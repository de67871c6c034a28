// Development checks on a stored task that need no new version: validate a value against its input
// or output schema, and run one test case (stored, or a draft given inline) without saving it.
import type { Ratchet } from './context.ts';
import { NotFoundError } from '../store/codec.ts';
import { compileSchema, type SchemaViolation } from '../tasks/schema.ts';
import { parseTestCase, TestCaseError } from '../testing/test-case.ts';
import type { TaskTestReport } from '../testing/runner.ts';
import type { JsonSchema } from '../tasks/types.ts';
import { ValidationError } from './errors.ts';
import { testTaskFiles } from './task-checks.ts';
import { readTaskFiles, writeTaskFiles, type SavedFiles } from './task-edits.ts';
import type { Author } from './tasks.ts';

export interface SchemaCheck {
  task: string;
  version: string;
  /** False when the task has no such schema: any value is accepted. */
  hasSchema: boolean;
  valid: boolean;
  violations: readonly SchemaViolation[];
}

/** Checks `value` against the input or output schema of a version (default latest). */
export async function checkValueAgainstSchema(
  app: Ratchet,
  ref: string | number,
  which: 'input' | 'output',
  value: unknown,
  version?: string,
): Promise<SchemaCheck> {
  const { task, version: v } = await readTaskFiles(app, ref, version);
  const schema = which === 'input' ? v.inputSchema : v.outputSchema;
  if (schema === null || schema === undefined) {
    return { task: task.name, version: v.version, hasSchema: false, valid: true, violations: [] };
  }
  const violations = compileSchema(schema as JsonSchema, `${which}.schema.json`).validate(value);
  return { task: task.name, version: v.version, hasSchema: true, valid: violations.length === 0, violations };
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A runner filter (`/regex/`) matching exactly the given case names or file names. */
export function exactCaseFilter(names: readonly string[]): string {
  const alternatives = names.map((n) => escapeRegex(n.replace(/\.json$/, ''))).join('|');
  return `/^(?:${alternatives})(?:\\.json)?$/`;
}

/** Test file name for a case name: `tests/<name>.json`, refusing names that cannot be files. */
export function testFileName(name: string): string {
  const file = name.endsWith('.json') ? name : `${name}.json`;
  if (!/^[A-Za-z0-9][\w.-]{0,127}$/.test(file)) {
    throw new ValidationError('invalid test name', [
      { path: '$.test_name', message: `"${name}" must be 1–128 letters, digits, ".", "_" or "-"` },
    ]);
  }
  return file;
}

/** Refuses a test case whose shape the runner would reject, listing each problem. */
export function checkTestCase(file: string, content: unknown): string {
  const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
  try {
    parseTestCase({ name: file, text });
  } catch (err) {
    if (!(err instanceof TestCaseError)) throw err;
    throw new ValidationError(
      `test case ${file} is not valid`,
      err.problems.map((p) => ({ path: p.path ?? `tests/${file}`, message: p.message })),
    );
  }
  return text;
}

const DRAFT = '__draft__.json';

/**
 * Runs one case against a version (default latest): a stored case by name, or `draft` (a test case
 * object) without storing it.
 */
export async function runOneTest(
  app: Ratchet,
  ref: string | number,
  which: { name: string } | { draft: unknown },
  version?: string,
): Promise<TaskTestReport> {
  const { task, version: v, files } = await readTaskFiles(app, ref, version);
  const label = `${task.name}@${v.version}`;
  if ('draft' in which) {
    const text = checkTestCase(DRAFT, which.draft);
    const only = Object.fromEntries(Object.entries(files).filter(([p]) => !p.startsWith('tests/')));
    return testTaskFiles(app, { ...only, [`tests/${DRAFT}`]: text }, label);
  }
  const report = await testTaskFiles(app, files, label, { filter: exactCaseFilter([which.name]) });
  if (report.cases.length === 0) {
    const names = v.tests.map((t) => t.name).join(', ') || 'none';
    throw new NotFoundError(
      `task "${task.name}" ${v.version} has no test "${which.name}" (its tests: ${names})`,
    );
  }
  return report;
}

/** Adds (or replaces) tests/<name>.json and saves a new version; the case is checked first. */
export async function addTestCase(
  app: Ratchet,
  ref: string | number,
  name: string,
  content: unknown,
  author: Author,
  version?: string,
): Promise<SavedFiles & { file: string }> {
  const file = testFileName(name);
  const text = checkTestCase(file, content);
  const saved = await writeTaskFiles(app, ref, { [`tests/${file}`]: text }, author, { version });
  return { ...saved, file: `tests/${file}` };
}
