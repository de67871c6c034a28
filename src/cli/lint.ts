// `ratchet lint <dir>`: the lint of a task's main.js (tasks/lint.ts, the rules ratchet_lint_task_code
// applies): the mistakes the task guide warns about, each with its line, column and fix. Exit 0
// with no errors (warnings are printed, not fatal), 1 with errors, 2 when there is no main.js.
// --fix first rewrites main.js with the fixes that are mechanical (tasks/lint.ts fixTaskCode).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { fixTaskCode, lintTaskCode, type LintFinding, type LintReport } from '../tasks/lint.ts';
import { CliExit, UsageError } from './errors.ts';
import { taskPathFrom } from './task-path.ts';

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description(
      "check a task's main.js for sandbox pitfalls: modules, Node APIs, unchecked fetch responses…",
    )
    .argument('[dir]', 'task folder')
    .option('--from-fs <dir>', 'task folder (alias of the positional argument)')
    .option('--json', 'print the report as JSON')
    .option(
      '--fix',
      'rewrite main.js with the mechanical fixes (await fetch, response.json(), thrown strings, global), then lint it',
    )
    .action(async (dir: string | undefined, opts: { fromFs?: string; json?: boolean; fix?: boolean }) => {
      const path = taskPathFrom(dir, opts.fromFs, 'lint');
      const file = join(path, 'main.js');
      let code: string;
      try {
        code = await readFile(file, 'utf8');
      } catch (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (err as Error).message;
        throw new UsageError(`lint: cannot read ${file}: ${why}`);
      }
      let fixed: LintFinding[] | undefined;
      if (opts.fix) {
        const result = fixTaskCode(code);
        fixed = result.fixed;
        if (result.code !== code) {
          await writeFile(file, result.code);
          code = result.code;
        }
      }
      const report = await lintTaskCode(code);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ file, ...(fixed ? { fixed } : {}), ...report }, null, 2)}\n`,
        );
      } else {
        for (const f of fixed ?? []) {
          process.stdout.write(`${file}:${f.line}:${f.column}  fixed  ${f.rule}  ${f.message}\n`);
        }
        process.stdout.write(formatLint(file, report));
      }
      if (report.errors > 0) throw new CliExit(1);
    });
}

export function formatLint(file: string, r: LintReport): string {
  if (r.findings.length === 0) return `${file}: no problems\n`;
  const lines = r.findings.flatMap((f) => [
    `${file}:${f.line}:${f.column}  ${f.severity.padEnd(7)}  ${f.rule}  ${f.message}`,
    `    fix: ${f.fix}`,
  ]);
  lines.push(`${r.errors} error(s), ${r.warnings} warning(s)`);
  return `${lines.join('\n')}\n`;
}
