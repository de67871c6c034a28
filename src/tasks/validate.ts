// What `ratchet validate` reports: every loading check, plus the advice loading does not need
// (test shapes, missing tests or schemas, module use), and `--fix` for the missing optional files.
import { formatProblem } from './types.ts';
import type { Problem } from './types.ts';
import { inspectTask } from './load.ts';
import { inspectTaskFiles } from './inspect.ts';
import type { TaskInspection } from './inspect.ts';
import { moduleUseWarnings } from './code-check.ts';
import { checkTestShape } from './test-shape.ts';
import { applyFixes } from './fix.ts';

export interface ValidationCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ValidationReport {
  ok: boolean;
  task?: { name: string; version: string; uuid: string };
  problems: Problem[];
  checks: ValidationCheck[];
  /** Files created by `fix`, relative to the task folder. */
  fixed: string[];
}

export async function validateTask(path: string, opts: { fix?: boolean } = {}): Promise<ValidationReport> {
  let inspection = await inspectTask(path);
  const fixed: string[] = [];
  const notes: Problem[] = [];
  if (opts.fix) {
    const { origin } = inspection;
    if (inspection.fatal) {
      // Nothing to fix into: the problems already say why.
    } else if (origin.kind !== 'dir' || origin.path === undefined) {
      notes.push({
        severity: 'warning',
        file: path,
        message: '--fix only works on a task folder, not a .zip',
      });
    } else {
      fixed.push(...(await applyFixes(origin.path, inspection)));
      if (fixed.length > 0) inspection = await inspectTask(path);
    }
  }
  return buildReport(inspection, fixed, notes);
}

/** The same report for an in-memory file map (a stored version, an API upload); nothing to fix. */
export function validateTaskFiles(
  files: Record<string, string>,
  origin: TaskInspection['origin'],
): ValidationReport {
  return buildReport(inspectTaskFiles(files, origin), [], []);
}

function buildReport(inspection: TaskInspection, fixed: string[], notes: Problem[]): ValidationReport {
  const problems = [...inspection.problems, ...notes];
  const allFiles = new Set(problems.map((p) => p.file));
  if (inspection.fatal) {
    return {
      ok: false,
      problems,
      checks: [{ name: 'task', ok: false, detail: problems[0]?.message ?? 'unreadable' }],
      fixed,
    };
  }

  for (const kind of ['input', 'output'] as const) {
    const file = `${kind}.schema.json`;
    if (!inspection[kind] && !allFiles.has(file)) {
      problems.push({
        severity: 'warning',
        file,
        message: `not present: ${kind} is not validated ${kind === 'input' ? 'before' : 'after'} the run`,
      });
    }
  }
  if (inspection.tests.length === 0) {
    problems.push({
      severity: 'warning',
      file: 'tests',
      message: 'no test cases (add tests/*.json; `ratchet validate --fix` writes a skeleton)',
    });
  }
  for (const test of inspection.tests) {
    problems.push(
      ...checkTestShape(
        test,
        inspection.input?.validator,
        inspection.output?.validator,
        inspection.metadata?.testMatch,
      ),
    );
  }
  if (inspection.code !== undefined) problems.push(...moduleUseWarnings(inspection.code));

  const errorsIn = (file: string | ((f: string) => boolean)): number =>
    problems.filter(
      (p) => p.severity === 'error' && (typeof file === 'string' ? p.file === file : file(p.file)),
    ).length;
  const checks: ValidationCheck[] = [];
  const m = inspection.metadata;
  const metaErrors = errorsIn('metadata.json');
  checks.push({
    name: 'metadata.json',
    ok: metaErrors === 0,
    detail:
      metaErrors > 0
        ? plural(metaErrors, 'error')
        : `${m?.name} ${m?.version}${inspection.uuidDerived ? ' (uuid derived from name)' : ''}`,
  });
  const codeErrors = errorsIn('main.js');
  checks.push({
    name: 'main.js',
    ok: codeErrors === 0,
    detail:
      codeErrors > 0
        ? plural(codeErrors, 'error')
        : inspection.codeShape === 'wrapped'
          ? 'compiles (bare function expression, wrapped in parentheses)'
          : 'compiles',
  });
  for (const kind of ['input', 'output'] as const) {
    const file = `${kind}.schema.json`;
    const errors = errorsIn(file);
    const validator = inspection[kind]?.validator;
    checks.push({
      name: file,
      ok: errors === 0,
      detail:
        errors > 0
          ? plural(errors, 'error')
          : validator
            ? `valid ${validator.dialect} schema`
            : 'not present',
    });
  }
  const testErrors = errorsIn((f) => f.startsWith('tests'));
  checks.push({
    name: 'tests',
    ok: testErrors === 0,
    detail: testErrors > 0 ? plural(testErrors, 'error') : plural(inspection.tests.length, 'test file'),
  });

  const report: ValidationReport = {
    ok: !problems.some((p) => p.severity === 'error'),
    problems,
    checks,
    fixed,
  };
  if (m && metaErrors === 0) report.task = { name: m.name, version: m.version, uuid: m.uuid };
  return report;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatReport(report: ValidationReport): string {
  const lines: string[] = [];
  if (report.task) lines.push(`Task ${report.task.name} ${report.task.version} (uuid ${report.task.uuid})`);
  for (const c of report.checks) lines.push(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`);
  if (report.fixed.length > 0) lines.push(`Created: ${report.fixed.join(', ')}`);
  if (report.problems.length > 0) {
    lines.push('Problems:');
    for (const p of report.problems)
      lines.push(`  ${p.severity === 'error' ? 'error  ' : 'warning'} ${formatProblem(p)}`);
  }
  const errors = report.problems.filter((p) => p.severity === 'error').length;
  const warnings = report.problems.length - errors;
  lines.push(
    `${report.ok ? 'Valid' : 'Invalid'}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
  );
  return lines.join('\n');
}
