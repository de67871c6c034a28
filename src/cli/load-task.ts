// Loading a task for a command: a task that cannot be loaded is a usage-level failure (exit 2)
// with every problem listed as file:line:column, or as JSON with --json.
import { loadTask } from '../tasks/load.ts';
import { formatProblem, TaskLoadError, type TaskPackage } from '../tasks/types.ts';
import { CliExit } from './errors.ts';

export async function loadTaskOrExit(path: string, json: boolean): Promise<TaskPackage> {
  try {
    const pkg = await loadTask(path);
    // Said on stderr in either mode: a misspelt metadata key is otherwise ignored in silence.
    for (const w of pkg.warnings ?? []) process.stderr.write(`warning: ${formatProblem(w)}\n`);
    return pkg;
  } catch (err) {
    if (!(err instanceof TaskLoadError)) throw err;
    if (json) {
      process.stdout.write(`${JSON.stringify({ status: 'LOAD_ERROR', problems: err.problems }, null, 2)}\n`);
    } else {
      process.stderr.write(`cannot load task ${path}:\n`);
      for (const p of err.problems) process.stderr.write(`  ${p.severity}: ${formatProblem(p)}\n`);
    }
    throw new CliExit(2);
  }
}
