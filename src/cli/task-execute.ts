// `ratchet task execute REF`: run a stored task now, in this process, without a server or a worker.
// The same service as REST's POST /tasks/:id/execute (services/direct-execution.ts): the input is
// checked against the task's input schema, the run happens on an executor thread, and the
// execution is recorded in the store (no job), so `ratchet execution show ID` finds it afterwards.
import type { Command } from 'commander';
import { executeNow } from '../services/direct-execution.ts';
import type { LogEntry, TaskErrorInfo } from '../runtime/types.ts';
import { CliExit } from './errors.ts';
import { withApp } from './with-app.ts';
import { loadCliConfig } from './load-config.ts';
import { readTaskInput } from './task-input.ts';
import { parseDuration } from './duration.ts';
import { formatLogLine, formatTaskError, logFilter } from './task-report.ts';

interface ExecuteFlags {
  version?: string;
  inputJson?: string;
  inputFile?: string;
  timeout?: string;
  json?: boolean;
}

export function addTaskExecute(task: Command): void {
  task
    .command('execute')
    .description('run a stored task now, in this process (no server or worker), and record the execution')
    .argument('<ref>', 'numeric id, UUID or name')
    .option('--input-json <json>', 'the input as JSON text (default {})')
    .option('--input-file <file>', 'read the input from a JSON file')
    .option('--version <semver>', 'run this version (default the latest enabled one)')
    .option('--timeout <duration>', 'time limit such as 30s (default metadata.json timeout)')
    .option('--json', 'print the execution as JSON (id, status, output or error, logs, duration)')
    .action(async (ref: string, flags: ExecuteFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<{ logLevel?: string }>();
      const config = await loadCliConfig(cmd);
      const input = await readTaskInput(flags, config);
      const timeoutMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout');
      const execution = await withApp(cmd, (app) =>
        executeNow(app, { task: ref, version: flags.version, input, timeoutMs }),
      );
      const ok = execution.status === 'COMPLETED';
      if (flags.json) {
        const { id, uuid, status, output, error, logs, durationMs, taskId, taskVersionId } = execution;
        const view = { executionId: id, uuid, status, taskId, taskVersionId, durationMs, logs: logs ?? [] };
        process.stdout.write(`${JSON.stringify({ ...view, ...(ok ? { output } : { error }) }, null, 2)}\n`);
      } else {
        const show = logFilter(globals.logLevel ?? config.logging.level);
        for (const entry of (execution.logs ?? []) as LogEntry[]) {
          if (show(entry)) process.stderr.write(`${formatLogLine(entry)}\n`);
        }
        if (ok) process.stdout.write(`${JSON.stringify(execution.output, null, 2)}\n`);
        else process.stderr.write(`${formatTaskError(execution.error as TaskErrorInfo)}\n`);
        process.stderr.write(
          `execution ${execution.id} ${execution.status} in ${execution.durationMs ?? 0} ms (ratchet execution show ${execution.id})\n`,
        );
      }
      if (!ok) throw new CliExit(1);
    });
}
