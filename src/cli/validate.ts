// `ratchet validate <dir>`: every loading check, schema and test-file checks, and whether main.js
// really yields a task function (evaluated in the sandbox). `--fix` creates missing optional
// files; `--verbose` adds what the task will run with (limits, test cases) and the lint of main.js
// (advice: it never makes a task invalid); `--json` prints the report as one object. Exit 0
// valid, 1 invalid, 2 usage error.
import type { Command } from 'commander';
import { quickjsEngine } from '../runtime/sandbox.ts';
import { formatReport, validateTask, type ValidationReport } from '../tasks/validate.ts';
import { loadTask } from '../tasks/load.ts';
import { lintTaskCode, type LintReport } from '../tasks/lint.ts';
import { CliExit } from './errors.ts';
import { taskPathFrom } from './task-path.ts';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a task folder: metadata, code, schemas and test files')
    .argument('[dir]', 'task folder or .zip')
    .option('--from-fs <dir>', 'task folder (alias of the positional argument)')
    .option('--fix', 'create missing optional files (schemas, tests) without overwriting anything')
    .option('--verbose', 'also show the limits and test cases the task runs with, and the lint of main.js')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        dir: string | undefined,
        opts: { fromFs?: string; fix?: boolean; json?: boolean; verbose?: boolean },
      ) => {
        const path = taskPathFrom(dir, opts.fromFs, 'validate');
        const report = await validateTask(path, { fix: opts.fix });
        if (report.ok) await addEntryCheck(path, report);
        const details = opts.verbose && report.ok ? await verboseDetails(path) : undefined;
        if (opts.json)
          process.stdout.write(`${JSON.stringify(details ? { ...report, details } : report, null, 2)}\n`);
        else
          process.stdout.write(
            `${[formatReport(report), ...(details ? formatDetails(details) : [])].join('\n')}\n`,
          );
        if (!report.ok) throw new CliExit(1);
      },
    );
}

/** Loading only parses main.js; this evaluates it to prove a function comes out. */
async function addEntryCheck(path: string, report: ValidationReport): Promise<void> {
  const pkg = await loadTask(path);
  const error = await quickjsEngine.probe(pkg.code);
  if (error === null) {
    report.checks.push({ name: 'entry function', ok: true, detail: 'main.js yields a task function' });
    return;
  }
  report.ok = false;
  report.checks.push({ name: 'entry function', ok: false, detail: `${error.type}: ${error.message}` });
  report.problems.push({
    severity: 'error',
    file: 'main.js',
    message: `${error.type}: ${error.message}`,
    line: error.location?.line,
    column: error.location?.column,
  });
}

interface VerboseDetails {
  limits: { timeoutMs: number | null; memoryLimitBytes: number | null; maxRetries: number | null };
  tests: string[];
  lint: LintReport;
}

/** What `--verbose` adds: the limits metadata.json sets (null: the server's default), the cases, the lint. */
async function verboseDetails(path: string): Promise<VerboseDetails> {
  const pkg = await loadTask(path);
  const m = pkg.metadata;
  return {
    limits: {
      timeoutMs: m.timeoutMs ?? null,
      memoryLimitBytes: m.memoryLimitBytes ?? null,
      maxRetries: m.maxRetries ?? null,
    },
    tests: pkg.tests.map((t) => t.name),
    lint: await lintTaskCode(pkg.code),
  };
}

function formatDetails(d: VerboseDetails): string[] {
  const limit = (v: number | null, unit: string) => (v === null ? 'server default' : `${v}${unit}`);
  const lines = [
    `Limits: timeout ${limit(d.limits.timeoutMs, ' ms')}, memory ${limit(d.limits.memoryLimitBytes, ' bytes')}, retries ${limit(d.limits.maxRetries, '')}`,
    `Test cases (${d.tests.length}): ${d.tests.length > 0 ? d.tests.join(', ') : 'none'}`,
    `Lint (advice, see ratchet lint): ${d.lint.errors} error(s), ${d.lint.warnings} warning(s)`,
  ];
  for (const f of d.lint.findings)
    lines.push(`  ${f.severity} main.js:${f.line}:${f.column} ${f.rule}: ${f.message}`);
  return lines;
}
