// `ratchet validate <dir>`: every loading check, schema and test-file checks, and whether main.js
// really yields a task function (evaluated in the sandbox). `--fix` creates missing optional
// files; `--json` prints the report as one object. Exit 0 valid, 1 invalid, 2 usage error.
import type { Command } from 'commander';
import { quickjsEngine } from '../runtime/sandbox.ts';
import { formatReport, validateTask, type ValidationReport } from '../tasks/validate.ts';
import { loadTask } from '../tasks/load.ts';
import { CliExit } from './errors.ts';
import { taskPathFrom } from './task-path.ts';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a task folder: metadata, code, schemas and test files')
    .argument('[dir]', 'task folder or .zip')
    .option('--from-fs <dir>', 'task folder (alias of the positional argument)')
    .option('--fix', 'create missing optional files (schemas, tests) without overwriting anything')
    .option('--json', 'print the report as JSON')
    .action(async (dir: string | undefined, opts: { fromFs?: string; fix?: boolean; json?: boolean }) => {
      const path = taskPathFrom(dir, opts.fromFs, 'validate');
      const report = await validateTask(path, { fix: opts.fix });
      if (report.ok) await addEntryCheck(path, report);
      process.stdout.write(`${opts.json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
      if (!report.ok) throw new CliExit(1);
    });
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
