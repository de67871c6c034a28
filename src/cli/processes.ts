// Supervised processes from the command line (Runcept's verbs under Ratchet's name): `env`,
// `proc`, `ps` and `supervisor`. Each asks the per-user supervisor over its socket (starting it on
// demand, except `supervisor status|stop`); `proc logs` reads the project's log files directly, so
// it works for finished processes and without a supervisor. Exit codes: 0 ok, 1 the supervisor or
// a process failed, 2 a usage error (unknown environment or process, broken .runcept.toml).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { request, SupervisorRequestError, SupervisorUnavailable } from '../supervisor/client.ts';
import { supervisorPaths } from '../supervisor/paths.ts';
import { listServeProcesses } from '../supervisor/serve-registry.ts';
import { loadProject, PROJECT_FILE } from '../supervisor/project.ts';
import { followLog, logFile, readLastLines, type LogLine } from '../supervisor/logs.ts';
import type { EnvironmentSummary, EnvironmentView } from '../supervisor/handlers.ts';
import type { ProcessView } from '../supervisor/environment.ts';
import { formatTable } from './table.ts';
import { parseDuration, parseNonNegativeInt } from './duration.ts';
import { CliExit, UsageError } from './errors.ts';

type Proc = ProcessView & { environment: string };
interface Json {
  json?: boolean;
}
interface EnvOpt extends Json {
  env?: string;
}

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

async function call(
  method: string,
  params: Record<string, unknown> = {},
  autostart = true,
): Promise<unknown> {
  try {
    return await request(method, params, { autostart });
  } catch (err) {
    if (err instanceof SupervisorRequestError) {
      if (['not_found', 'bad_request', 'ambiguous', 'project_file'].includes(err.code))
        throw new UsageError(err.message);
      process.stderr.write(`error: ${err.message}\n`);
      throw new CliExit(1);
    }
    throw err;
  }
}

/** The environment a command means: --env (folder, file or name), else the nearest .runcept.toml up from here. */
export function resolveEnv(env: string | undefined): string {
  if (env !== undefined) return existsSync(env) ? resolve(env) : env;
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, PROJECT_FILE))) return join(dir, PROJECT_FILE);
    if (dirname(dir) === dir) break;
  }
  throw new UsageError(`no ${PROJECT_FILE} in ${process.cwd()} or any folder above it; pass --env <folder>`);
}

function duration(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${Math.floor(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
}

function mb(bytes: number | null): string {
  return bytes === null ? '-' : `${(bytes / 1048576).toFixed(1)}MB`;
}

function processTable(rows: Proc[], withEnv: boolean): string {
  const headers = [
    ...(withEnv ? ['ENVIRONMENT'] : []),
    'NAME',
    'STATE',
    'PID',
    'UPTIME',
    'RESTARTS',
    'CPU',
    'MEMORY',
    'HEALTH',
  ];
  const body = rows.map((p) => [
    ...(withEnv ? [p.environment] : []),
    p.name,
    p.state,
    p.pid === null ? '-' : String(p.pid),
    duration(p.uptime_seconds),
    String(p.restarts),
    p.cpu_percent === null ? '-' : `${p.cpu_percent}%`,
    mb(p.rss_bytes),
    p.health === null ? '-' : p.health.ok ? 'ok' : p.health.detail,
  ]);
  return formatTable(headers, body);
}

function problems(rows: Proc[]): string {
  return rows
    .filter((p) => p.error !== null)
    .map(
      (p) =>
        `${p.name}: ${p.error}${p.last_lines.length ? `\n  last output:\n${p.last_lines.map((l) => `    ${l}`).join('\n')}` : ''}`,
    )
    .join('\n');
}

function printEnv(view: EnvironmentView, opts: Json): void {
  if (opts.json) return out(JSON.stringify(view, null, 2));
  const idle =
    view.time_left_seconds === null ? '' : `, idle shutdown in ${duration(view.time_left_seconds)}`;
  out(`environment ${view.name} (${view.file}): ${view.active ? 'active' : 'inactive'}${idle}`);
  const rows = view.processes.map((p) => ({ environment: view.name, ...p }));
  out(processTable(rows, false));
  const bad = problems(rows);
  if (bad) out(bad);
}

function printProc(p: Proc, opts: Json): void {
  if (opts.json) return out(JSON.stringify(p, null, 2));
  out(processTable([p], false));
  const bad = problems([p]);
  if (bad) out(bad);
}

const failed = (p: Proc): boolean => p.state === 'FAILED' || p.state === 'CRASHED';

export function registerEnv(program: Command): void {
  const env = program
    .command('env')
    .description('Project environments from .runcept.toml (supervised processes)');
  env
    .command('activate [path]')
    .description(
      'Start every process of a project (default: the .runcept.toml here or above) in dependency order',
    )
    .option('--json', 'print JSON')
    .action(async (path: string | undefined, opts: Json) => {
      const file = path === undefined ? resolveEnv(undefined) : resolve(path);
      const view = (await call('activate', { path: file })) as EnvironmentView;
      printEnv(view, opts);
      if (view.processes.some((p) => p.state === 'FAILED' || (p.error !== null && p.pid === null)))
        throw new CliExit(1);
    });
  env
    .command('deactivate [path]')
    .description('Stop every process of an environment, in reverse dependency order')
    .option('--json', 'print JSON')
    .action(async (path: string | undefined, opts: Json) =>
      printEnv((await call('deactivate', { env: resolveEnv(path) })) as EnvironmentView, opts),
    );
  env
    .command('status [path]')
    .description('An environment and its processes, with the time left before idle shutdown')
    .option('--json', 'print JSON')
    .action(async (path: string | undefined, opts: Json) =>
      printEnv((await call('env_status', { env: resolveEnv(path) })) as EnvironmentView, opts),
    );
  env
    .command('list')
    .description('Every environment the supervisor knows')
    .option('--json', 'print JSON')
    .action(async (opts: Json) => {
      const rows = (await call('list_envs')) as EnvironmentSummary[];
      if (opts.json) return out(JSON.stringify(rows, null, 2));
      out(
        formatTable(
          ['NAME', 'ACTIVE', 'PROCESSES', 'RUNNING', 'IDLE SHUTDOWN IN', 'FILE'],
          rows.map((e) => [
            e.name,
            e.active ? 'yes' : 'no',
            String(e.processes),
            String(e.running),
            duration(e.time_left_seconds),
            e.file,
          ]),
        ),
      );
    });
}

export function registerProc(program: Command): void {
  const proc = program
    .command('proc')
    .description('Processes of the current environment (see `ratchet env`)');
  for (const [verb, what] of [
    ['start', 'Start a process (its dependencies first)'],
    ['stop', 'Stop a process (its dependents first): stop_signal, then SIGKILL after stop_timeout'],
    ['restart', 'Stop and start a process'],
    ['status', 'A process: state, pid, uptime, restarts, CPU, memory, last health check'],
  ] as const) {
    proc
      .command(`${verb} <name>`)
      .description(what)
      .option('--env <path|name>', 'the environment (default: the .runcept.toml here or above)')
      .option('--json', 'print JSON')
      .action(async (name: string, opts: EnvOpt) => {
        const p = (await call(verb === 'status' ? 'proc_status' : verb, {
          env: resolveEnv(opts.env),
          name,
        })) as Proc;
        printProc(p, opts);
        if (verb !== 'stop' && failed(p)) throw new CliExit(1);
      });
  }
  proc
    .command('list')
    .description('The processes of the current environment')
    .option('--env <path|name>', 'the environment (default: the .runcept.toml here or above)')
    .option('--json', 'print JSON')
    .action(async (opts: EnvOpt) => {
      const rows = (await call('list', { env: resolveEnv(opts.env) })) as Proc[];
      if (opts.json) return out(JSON.stringify(rows, null, 2));
      out(processTable(rows, false));
    });
  proc
    .command('logs <name>')
    .description("A process's output (stdout, stderr and the supervisor's notes), from .runcept/logs")
    .option('--env <path>', 'the project folder (default: the .runcept.toml here or above)')
    .option('-n, --lines <n>', 'how many of the last lines', '100')
    .option('--since <duration>', 'only lines from this long ago (e.g. 5m)')
    .option('-f, --follow', 'keep printing new lines until interrupted')
    .option('--json', 'print JSON lines')
    .action(async (name: string, opts: EnvOpt & { lines: string; since?: string; follow?: boolean }) => {
      const file = resolveEnv(opts.env);
      if (!existsSync(file))
        throw new UsageError(`--env ${opts.env}: logs need the project folder, not an environment name`);
      const project = await loadProject(file).catch((err: Error) => {
        throw new UsageError(err.message);
      });
      if (!project.processes.some((p) => p.name === name)) {
        throw new UsageError(
          `no process "${name}" in ${project.file} (processes: ${project.processes.map((p) => p.name).join(', ')})`,
        );
      }
      const show = (l: LogLine): void =>
        out(opts.json ? JSON.stringify(l) : `${l.t} [${l.stream}] ${l.line}`);
      const since = opts.since === undefined ? undefined : Date.now() - parseDuration(opts.since, '--since');
      const path = logFile(project.root, name);
      // Reading logs is activity (it keeps an idle environment up); no supervisor is started for it.
      await request('touch', { env: project.file }, { autostart: false }).catch(() => undefined);
      for (const l of readLastLines(path, parseNonNegativeInt(opts.lines, '--lines'), since)) show(l);
      if (!opts.follow) return;
      const stop = new AbortController();
      for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => stop.abort());
      await followLog(path, show, stop.signal);
    });
  proc
    .command('kill-all')
    .description('Stop every process of every environment (each environment is deactivated)')
    .option('--json', 'print JSON')
    .action(async (opts: Json) => {
      const r = (await call('kill_all')) as { stopped: number };
      out(opts.json ? JSON.stringify(r) : `stopped ${r.stopped} process${r.stopped === 1 ? '' : 'es'}`);
    });
}

export function registerPs(program: Command): void {
  program
    .command('ps')
    .description(
      "Every supervised process of every environment, and each running `ratchet serve`'s worker processes",
    )
    .option('--json', 'print JSON')
    .action(async (opts: Json) => {
      const rows = [...((await call('list_all')) as Proc[]), ...listServeProcesses()];
      if (opts.json) return out(JSON.stringify(rows, null, 2));
      out(processTable(rows, true));
    });
}

export function registerSupervisor(program: Command): void {
  const sup = program
    .command('supervisor')
    .description('The per-user process supervisor (started on demand)');
  sup
    .command('status')
    .description('Whether the supervisor runs: pid, socket, uptime, CPU, memory, environments')
    .option('--json', 'print JSON')
    .action(async (opts: Json) => {
      let status: Record<string, unknown>;
      try {
        status = (await request('status', {}, { autostart: false })) as Record<string, unknown>;
      } catch (err) {
        if (!(err instanceof SupervisorUnavailable)) throw err;
        out(
          opts.json
            ? JSON.stringify({ running: false, socket: supervisorPaths().socket })
            : `the supervisor is not running (${supervisorPaths().socket})`,
        );
        throw new CliExit(1);
      }
      if (opts.json) return out(JSON.stringify({ running: true, ...status }, null, 2));
      out(
        Object.entries({ running: true, ...status })
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join('\n'),
      );
    });
  sup
    .command('stop')
    .description('Stop every supervised process, then the supervisor')
    .action(async () => {
      const paths = supervisorPaths();
      let pid: number;
      try {
        pid = Number(readFileSync(paths.pidFile, 'utf8'));
        await request('shutdown', {}, { autostart: false });
      } catch {
        out('the supervisor is not running');
        return;
      }
      for (let i = 0; i < 600 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 50));
      out(`supervisor ${pid} stopped`);
    });
}
