// `ratchet run-once <dir>`: load a task folder (or zip), run it once in the sandbox, print the
// output as JSON on stdout and the task's logs on stderr. Exit 0 success, 1 task failed, 2 usage
// or loading error. --profile and --trace time the run (quality/profile.ts); --mock-endpoints answers
// its fetches from a file of test-case mocks, optionally after --simulate-network-delay.
import type { Command } from 'commander';
import { createSyncFetcher } from '../http/sync-fetch.ts';
import { runTask, type RunTaskOptions, type TaskRunResult } from '../runtime/run-task.ts';
import type { SyncFetch } from '../http/types.ts';
import { formatProfile, profileTask, type ProfiledRun } from '../quality/profile.ts';
import { formatRunTrace } from '../quality/run-trace.ts';
import { withNetworkDelay } from '../quality/network-delay.ts';
import { createMockFetch, type MockFetch } from '../testing/mocks.ts';
import { readMockFile } from '../testing/mock-file.ts';
import { TaskLoadError, formatProblem } from '../tasks/types.ts';
import { UsageError } from './errors.ts';
import { parseDuration } from './duration.ts';
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
  profile?: boolean;
  trace?: boolean;
  mockEndpoints?: string;
  simulateNetworkDelay?: string;
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
    .option('--record <dir>', 'write a replayable session (input, output, logs, requests.har) under DIR')
    .option(
      '--profile',
      'time each phase, fetch and validation and sample peak guest memory (stderr; `profile` with --json)',
    )
    .option(
      '--trace',
      'print the time-ordered events of the run: phases, logs, fetches, progress (stderr; `trace` with --json)',
    )
    .option(
      '--mock-endpoints <file>',
      'answer fetches from the mocks in FILE (test-case format: mock_http.requests[]); others fail',
    )
    .option(
      '--simulate-network-delay <duration>',
      'hold each mocked answer back this long (e.g. 200ms, 1s; needs --mock-endpoints)',
    );
  addAllowHostOption(command).action(async (dir: string | undefined, opts: RunOnceOptions, cmd: Command) => {
    const globals = cmd.optsWithGlobals<RunOnceOptions>();
    const path = taskPathFrom(dir, opts.fromFs, 'run-once');
    const timeoutMs = opts.timeout !== undefined ? parsePositiveInt(opts.timeout, '--timeout') : undefined;
    const delayMs =
      opts.simulateNetworkDelay !== undefined
        ? parseDuration(opts.simulateNetworkDelay, '--simulate-network-delay')
        : undefined;
    if (delayMs !== undefined && opts.mockEndpoints === undefined) {
      throw new UsageError('--simulate-network-delay delays mocked answers: give --mock-endpoints FILE too');
    }
    const mocks = opts.mockEndpoints !== undefined ? await readMocks(opts.mockEndpoints) : undefined;
    const config = await loadCliConfig(cmd);
    const input = await readTaskInput(opts, config);
    const pkg = await loadTaskOrExit(path, Boolean(opts.json));
    const show = logFilter(globals.logLevel ?? config.logging.level);
    const fetcher = mocks
      ? undefined
      : createSyncFetcher(withAllowedHosts(httpOptionsFromConfig(config), opts.allowHost));
    const mockFetch: MockFetch | undefined = mocks ? createMockFetch(mocks) : undefined;
    let fetch: SyncFetch = mockFetch?.fetch ?? fetcher!.fetch;
    if (delayMs !== undefined) fetch = withNetworkDelay(fetch, delayMs);
    let result: TaskRunResult;
    let profiled: ProfiledRun | undefined;
    try {
      const runOpts: RunTaskOptions = {
        input,
        fetch,
        limits: runtimeLimitsFromConfig(config),
        timeoutMs,
        // The main thread has no owner that could terminate it: V8's own watchdog ends a run
        // stuck where the sandbox cannot interrupt it (runtime/watchdog.ts).
        hardDeadline: true,
        onLog: opts.json ? undefined : (e) => show(e) && process.stderr.write(`${formatLogLine(e)}\n`),
      };
      if (opts.profile || opts.trace) {
        profiled = await profileTask(pkg, runOpts);
        result = profiled.result;
      } else {
        result = await runTask(pkg, runOpts);
      }
    } finally {
      fetcher?.close();
    }
    const unmatched = mockFetch?.unmatched() ?? [];
    if (!opts.json) {
      for (const line of unmatched) process.stderr.write(`mock-endpoints: ${line}\n`);
      if (opts.trace && profiled) process.stderr.write(`trace:\n${formatRunTrace(profiled.trace)}\n`);
      if (opts.profile && profiled) process.stderr.write(`${formatProfile(profiled.profile)}\n`);
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
      const extra = {
        ...(opts.profile && profiled ? { profile: profiled.profile } : {}),
        ...(opts.trace && profiled ? { trace: profiled.trace } : {}),
        ...(mockFetch ? { unmatchedRequests: unmatched } : {}),
      };
      process.stdout.write(`${JSON.stringify({ ...jsonResult(pkg.metadata, result), ...extra }, null, 2)}\n`);
    } else if (result.status === 'COMPLETED') {
      process.stdout.write(`${JSON.stringify(result.output, null, 2)}\n`);
    } else {
      process.stderr.write(`${formatTaskError(result.error!, pkg.code)}\n`);
    }
    if (result.status !== 'COMPLETED') throw new CliExit(1);
  });
}

async function readMocks(file: string) {
  try {
    return await readMockFile(file);
  } catch (err) {
    if (err instanceof TaskLoadError) {
      throw new UsageError(`--mock-endpoints: ${err.problems.map(formatProblem).join('\n')}`);
    }
    throw err;
  }
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
