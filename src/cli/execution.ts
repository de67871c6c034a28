// `ratchet execution list|show|logs`: attempts as stored, against the configured store.
import type { Command } from 'commander';
import { findExecutions, getExecutionRecord } from '../services/executions.ts';
import { taskNames } from '../services/task-ref.ts';
import type { LogEntry } from '../runtime/types.ts';
import { withApp } from './with-app.ts';
import { parseNonNegativeInt } from './duration.ts';
import { addListOptions, listOptions, printTable, type ListFlags } from './list-output.ts';
import { handleServiceError } from './service-errors.ts';

export function registerExecution(program: Command): void {
  const ex = program.command('execution').description('inspect executions (one per job attempt or run)');
  addListOptions(ex.command('list').description('list executions, newest first'))
    .option('--job <id>', 'only attempts of this job (numeric id)')
    .action((flags: ListFlags & { job?: string }, cmd: Command) =>
      withApp(cmd, (app) =>
        handleServiceError(async () => {
          const rows = await findExecutions(app, {
            ...listOptions(flags),
            job: flags.job === undefined ? undefined : parseNonNegativeInt(flags.job, '--job'),
          });
          if (flags.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          else {
            // The table names the task, as `job list` does; --json keeps the stored taskId.
            const names = await taskNames(
              app,
              rows.map((e) => e.taskId),
            );
            printTable(
              rows.map((e) => ({
                ...e,
                task: names.get(e.taskId) ?? e.taskId,
                error: e.error ? e.error.type : null,
              })),
              ['id', 'status', 'jobId', 'task', 'attempt', 'durationMs', 'workerId', 'error'],
            );
          }
        }),
      ),
    );
  ex.command('show <id>')
    .description('show an execution (numeric id or UUID) with output, error, logs and HTTP calls, as JSON')
    .action((id: string, _f: unknown, cmd: Command) =>
      withApp(cmd, (app) =>
        handleServiceError(async () => {
          process.stdout.write(`${JSON.stringify(await getExecutionRecord(app, id), null, 2)}\n`);
        }),
      ),
    );
  ex.command('logs <id>')
    .description("print an execution's console output, one line per entry")
    .option('--json', 'print the entries as a JSON array')
    .action((id: string, flags: { json?: boolean }, cmd: Command) =>
      withApp(cmd, (app) =>
        handleServiceError(async () => {
          const logs = ((await getExecutionRecord(app, id)).logs ?? []) as LogEntry[];
          if (flags.json) process.stdout.write(`${JSON.stringify(logs, null, 2)}\n`);
          else
            for (const l of logs)
              process.stdout.write(`${l.timestamp} ${l.level.toUpperCase().padEnd(5)} ${l.message}\n`);
        }),
      ),
    );
}
