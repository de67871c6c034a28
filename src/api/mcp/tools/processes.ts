// Runcept's twelve process tools under the ratchet_ prefix: project environments from a
// .runcept.toml (a mock API, a database, a worker an agent develops a task against), their
// processes, logs and health. They run commands, so they are admin-only: over stdio the local user
// is the admin; over HTTP only admin keys see them, and only for projects under mcp.allowed_roots
// (services/processes.ts). Commands come only from the project file on disk.
import { z } from 'zod';
import { defineTool, type ToolContext } from '../tool.ts';
import { projectFileFor, supervise } from '../../../services/processes.ts';
import { logFile, readLastLines } from '../../../supervisor/logs.ts';
import { STATES } from '../../../supervisor/managed.ts';
import { loadProject } from '../../../supervisor/project.ts';
import { ValidationError } from '../../../services/errors.ts';
import { READ_ONLY } from './common.ts';

const projectPath = z
  .string()
  .min(1)
  .max(1000)
  .optional()
  .describe(
    'Project folder holding .runcept.toml (or the file). Over stdio default: the server working directory; over HTTP required, under mcp.allowed_roots',
  );
const processName = z.string().min(1).max(64).describe('Process name, as in the [[process]] table');

const processView = z.object({
  environment: z.string().describe('The project name'),
  name: z.string(),
  state: z.enum(STATES),
  pid: z.number().int().nullable(),
  uptime_seconds: z.number().nullable(),
  restarts: z.number().int().describe('Restarts after crashes or failed health checks'),
  cpu_percent: z.number().nullable().describe('Percent of one core since the previous sample'),
  rss_bytes: z.number().nullable(),
  health: z.object({ ok: z.boolean(), detail: z.string(), checked_at: z.string() }).nullable(),
  last_exit: z.string().nullable(),
  error: z
    .string()
    .nullable()
    .describe('Why it is FAILED or not started (crash loop, missing command, dependency)'),
  last_lines: z.array(z.string()).describe('Last output lines when CRASHED or FAILED'),
  command: z.string(),
  depends_on: z.array(z.string()),
  log_file: z.string(),
});

const envView = z.object({
  name: z.string(),
  description: z.string(),
  file: z.string().describe('The .runcept.toml'),
  active: z.boolean(),
  inactivity_timeout_seconds: z.number().nullable(),
  time_left_seconds: z
    .number()
    .nullable()
    .describe('Seconds until idle shutdown; null without inactivity_timeout'),
  processes: z.array(processView.omit({ environment: true })),
});

const envSummary = z.object({
  name: z.string(),
  file: z.string(),
  active: z.boolean(),
  processes: z.number().int(),
  running: z.number().int(),
  time_left_seconds: z.number().nullable(),
});

const remote = (ctx: ToolContext): { remote: boolean } => ({ remote: ctx.principal.client !== undefined });

async function envCall(
  ctx: ToolContext,
  method: string,
  path: string | undefined,
  extra: Record<string, unknown> = {},
): Promise<never> {
  const file = await projectFileFor(ctx.app, path, remote(ctx));
  return (await supervise(ctx.app, method, { env: file, path: file, ...extra }, remote(ctx))) as never;
}

// Starting processes runs programs that may reach anything: open world; not destructive.
const RUNS = { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true };
const STOPS = { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false };

const activate = defineTool({
  name: 'ratchet_activate_environment',
  title: 'Activate a project environment',
  description:
    'Starts every process of a .runcept.toml in dependency order (a process waits until its dependencies are running and healthy) under the per-user supervisor, which restarts crashed processes and shuts the environment down after its inactivity_timeout. Returns the environment with each process state, pid and health once all are up or have failed.',
  input: z.object({ project_path: projectPath }),
  output: envView,
  annotations: RUNS,
  access: 'admin',
  example: { project_path: '/srv/projects/mock-api' },
  handler: (args, ctx) => envCall(ctx, 'activate', args.project_path),
});

const deactivate = defineTool({
  name: 'ratchet_deactivate_environment',
  title: 'Deactivate a project environment',
  description:
    'Stops every process of an environment in reverse dependency order (stop signal, then SIGKILL to the process group after stop_timeout). Returns the environment with every process STOPPED.',
  input: z.object({ project_path: projectPath }),
  output: envView,
  annotations: STOPS,
  access: 'admin',
  example: { project_path: '/srv/projects/mock-api' },
  handler: (args, ctx) => envCall(ctx, 'deactivate', args.project_path),
});

const listEnvironments = defineTool({
  name: 'ratchet_list_environments',
  title: 'List environments',
  description:
    'Lists the environments the supervisor knows (over HTTP only those under mcp.allowed_roots). Returns each with whether it is active, how many processes run and the time left before idle shutdown.',
  input: z.object({}),
  output: z.object({ environments: z.array(envSummary) }),
  annotations: READ_ONLY,
  access: 'admin',
  example: {},
  handler: async (_args, ctx) => ({
    environments: (await supervise(ctx.app, 'list_envs', {}, remote(ctx))) as never,
  }),
});

const environmentStatus = defineTool({
  name: 'ratchet_get_environment_status',
  title: 'Environment status',
  description:
    'Reads an active or past environment and counts as activity (resets the idle timer). Returns every process with state, pid, uptime, restarts, CPU, memory, last health check and, for failed ones, the error and last output lines.',
  input: z.object({ project_path: projectPath }),
  output: envView,
  annotations: READ_ONLY,
  access: 'admin',
  example: { project_path: '/srv/projects/mock-api' },
  handler: (args, ctx) => envCall(ctx, 'env_status', args.project_path),
});

function processTool(
  verb: 'start' | 'stop' | 'restart' | 'proc_status',
  name: `ratchet_${string}`,
  title: string,
  description: string,
  annotations: typeof READ_ONLY,
) {
  return defineTool({
    name,
    title,
    description,
    input: z.object({ project_path: projectPath, name: processName }),
    output: processView,
    annotations,
    access: 'admin',
    example: { project_path: '/srv/projects/mock-api', name: 'api' },
    handler: (args, ctx) => envCall(ctx, verb, args.project_path, { name: args.name }),
  });
}

const startProcess = processTool(
  'start',
  'ratchet_start_process',
  'Start a process',
  'Starts one process of an activated environment, its dependencies first (a FAILED process gets a fresh start). Returns the process state, pid and health.',
  RUNS,
);
const stopProcess = processTool(
  'stop',
  'ratchet_stop_process',
  'Stop a process',
  'Stops one process and, first, every process that depends on it: stop signal to its process group, SIGKILL after stop_timeout. Returns the process, now STOPPED.',
  STOPS,
);
const restartProcess = processTool(
  'restart',
  'ratchet_restart_process',
  'Restart a process',
  'Stops one process (its whole process group) and starts it again after its dependencies are ready. Returns the process with its new pid.',
  { ...STOPS, idempotentHint: false, openWorldHint: true },
);
const processStatus = processTool(
  'proc_status',
  'ratchet_get_process_status',
  'Process status',
  'Reads one process of an environment. Returns state, pid, uptime, restarts, CPU, memory, last health check, last exit and, when CRASHED or FAILED, why and its last output lines.',
  READ_ONLY,
);

const listProcesses = defineTool({
  name: 'ratchet_list_processes',
  title: 'List processes',
  description:
    "Lists the processes of one environment in dependency order. Returns each process's state, pid, uptime, restarts, CPU, memory and health.",
  input: z.object({ project_path: projectPath }),
  output: z.object({ processes: z.array(processView) }),
  annotations: READ_ONLY,
  access: 'admin',
  example: { project_path: '/srv/projects/mock-api' },
  handler: async (args, ctx) => ({ processes: await envCall(ctx, 'list', args.project_path) }),
});

const processLogs = defineTool({
  name: 'ratchet_get_process_logs',
  title: 'Process logs',
  description:
    "Reads a process's captured stdout, stderr and supervisor notes from the project's .runcept/logs (running or finished processes). Returns the last lines, each with time, stream and text.",
  input: z.object({
    project_path: projectPath,
    name: processName,
    lines: z
      .number()
      .int()
      .min(1)
      .max(5000)
      .default(100)
      .describe('How many of the last lines (default 100)'),
    since_seconds: z.number().min(0).optional().describe('Only lines from the last this many seconds'),
  }),
  output: z.object({
    log_file: z.string(),
    lines: z.array(
      z.object({ t: z.string(), stream: z.enum(['stdout', 'stderr', 'supervisor']), line: z.string() }),
    ),
  }),
  annotations: READ_ONLY,
  access: 'admin',
  example: { project_path: '/srv/projects/mock-api', name: 'api', lines: 50 },
  async handler(args, ctx) {
    const file = await projectFileFor(ctx.app, args.project_path, remote(ctx));
    const project = await loadProject(file).catch((err: Error) => {
      throw new ValidationError(err.message, [{ path: '$.project_path', message: err.message }]);
    });
    if (!project.processes.some((p) => p.name === args.name)) {
      const message = `no process "${args.name}" in ${project.file} (processes: ${project.processes.map((p) => p.name).join(', ')})`;
      throw new ValidationError(message, [{ path: '$.name', message }]);
    }
    const path = logFile(project.root, args.name);
    // Reading logs is activity (keeps an idle environment up); it never starts a supervisor.
    await supervise(ctx.app, 'touch', { env: project.file }, remote(ctx), { autostart: false }).catch(
      () => undefined,
    );
    const since = args.since_seconds === undefined ? undefined : Date.now() - args.since_seconds * 1000;
    return { log_file: path, lines: readLastLines(path, args.lines, since) };
  },
});

const listAll = defineTool({
  name: 'ratchet_list_all_processes',
  title: 'List all processes',
  description:
    'Lists the processes of every environment (over HTTP only environments under mcp.allowed_roots). Returns each with its environment, state, pid, uptime, restarts, CPU, memory and health.',
  input: z.object({}),
  output: z.object({ processes: z.array(processView) }),
  annotations: READ_ONLY,
  access: 'admin',
  example: {},
  handler: async (_args, ctx) => ({
    processes: (await supervise(ctx.app, 'list_all', {}, remote(ctx))) as never,
  }),
});

const killAll = defineTool({
  name: 'ratchet_kill_all_processes',
  title: 'Stop all processes',
  description:
    'Emergency stop: deactivates every environment (over HTTP only those under mcp.allowed_roots), each process group getting its stop signal and then SIGKILL. Returns how many processes were stopped.',
  input: z.object({}),
  output: z.object({ stopped: z.number().int() }),
  annotations: STOPS,
  access: 'admin',
  example: {},
  handler: async (_args, ctx) => (await supervise(ctx.app, 'kill_all', {}, remote(ctx))) as never,
});

export const processTools = [
  activate,
  deactivate,
  listEnvironments,
  environmentStatus,
  startProcess,
  stopProcess,
  restartProcess,
  listProcesses,
  processLogs,
  processStatus,
  listAll,
  killAll,
];
