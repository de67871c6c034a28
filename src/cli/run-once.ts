// `ratchet run-once <dir>`: load a task folder (or zip), run it once in the sandbox, print the
// output as JSON on stdout and the task's logs on stderr. Exit 0 success, 1 task failed, 2 usage
// or loading error.
import type { Command } from 'commander';
import { createSyncFetcher } from '../http/sync-fetch.ts';
import { runTask, type TaskRunResult } from '../runtime/run-task.ts';
import { writeSession } from '../services/recording.ts';
import { httpOptionsFromConfig, runtimeLimitsFromConfig } from '../runtime/settings.ts';
import { addAllowHostOption, withAllowedHosts } from './allow-host.ts';
import { loadTaskOrExit } from './load-task.ts';
import { loadCliConfig } from './load-config.ts';
import { CliExit } from './errors.ts';
import { readTaskInput } from './task-input.ts';
import { parsePositiveInt, taskPathFrom } from './task-path.ts';
import { formatLogLine, formatTaskError, logFilter } from './task-report.ts';

interface RunOnceOptions {
  fromFs?: string;
  inputJson?: string;
  inputFile?: string;
  timeout?: string;
  json?: boolean;
  logLevel?: string;
  record?: string;
  allowHost?: string[];
}

export function registerRunOnce(program: Command): void {
  const command = program
    .command('run-once')
    .description('run a task folder (or .zip) once and print its output')
    .argument('[dir]', 'task folder or .zip')
    .option('--from-fs <dir>', 'task folder (alias of the positional argument)')
    .option('--input-json <json>', 'input as JSON text')
    .option('--input-file <file>', 'input from a JSON file')
    .option('--timeout <ms>', 'time limit in milliseconds (overrides metadata.json timeout)')
    .option('--json', 'print one machine-readable result object')
    .option('--record <dir>', 'write a replayable session (input, output, logs, requests.har) under DIR');
  addAllowHostOption(command).action(async (dir: string | undefined, opts: RunOnceOptions, cmd: Command) => {
    const globals = cmd.optsWithGlobals<RunOnceOptions>();
    const path = taskPathFrom(dir, opts.fromFs, 'run-once');
    const timeoutMs = opts.timeout !== undefined ? parsePositiveInt(opts.timeout, '--timeout') : undefined;
    const config = await loadCliConfig(cmd);
    const input = await readTaskInput(opts, config);
    const pkg = await loadTaskOrExit(path, Boolean(opts.json));
    const show = logFilter(globals.logLevel ?? config.logging.level);
    const fetcher = createSyncFetcher(withAllowedHosts(httpOptionsFromConfig(config), opts.allowHost));
    let result: TaskRunResult;
    try {
      result = await runTask(pkg, {
        input,
        fetch: fetcher.fetch,
        limits: runtimeLimitsFromConfig(config),
        timeoutMs,
        // The main thread has no owner that could terminate it: V8's own watchdog ends a run
        // stuck where the sandbox cannot interrupt it (runtime/watchdog.ts).
        hardDeadline: true,
        onLog: opts.json ? undefined : (e) => show(e) && process.stderr.write(`${formatLogLine(e)}\n`),
      });
    } finally {
      fetcher.close();
    }
    if (opts.record !== undefined) {
      const at = await writeSession({
        outDir: opts.record,
        metadata: pkg.metadata,
        input,
        inputSchema: pkg.inputSchema,
        result,
        userAgent: config.http.user_agent,
      });
      process.stderr.write(`recorded session: ${at}\n`);
    }
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(jsonResult(pkg.metadata, result), null, 2)}\n`);
    } else if (result.status === 'COMPLETED') {
      process.stdout.write(`${JSON.stringify(result.output, null, 2)}\n`);
    } else {
      process.stderr.write(`${formatTaskError(result.error!, pkg.code)}\n`);
    }
    if (result.status !== 'COMPLETED') throw new CliExit(1);
  });
}

function jsonResult(meta: { name: string; version: string; uuid: string }, r: TaskRunResult): object {
  return {
    status: r.status,
    task: { name: meta.name, version: meta.version, uuid: meta.uuid },
    executionId: r.executionId,
    ...(r.status === 'COMPLETED' ? { output: r.output } : { error: r.error }),
    logs: r.logs,
    progress: r.progress,
    http: r.http.map((x) => ({
      method: x.request.method,
      url: x.request.url,
      status: x.response?.status,
      error: x.error,
      durationMs: x.durationMs,
    })),
    durationMs: Math.round(r.durationMs * 1000) / 1000,
  };
}
