// The supervisor's methods, one per verb the CLI and the MCP tools use. Each takes plain JSON
// params and returns plain JSON; an environment is named by its project file path or its name.
import { sep } from 'node:path';
import { loadProject, projectFilePath } from './project.ts';
import { Environment, type ProcessView } from './environment.ts';

export interface EnvironmentView {
  name: string;
  description: string;
  file: string;
  active: boolean;
  inactivity_timeout_seconds: number | null;
  time_left_seconds: number | null;
  processes: ProcessView[];
}

export interface EnvironmentSummary {
  name: string;
  file: string;
  active: boolean;
  processes: number;
  running: number;
  time_left_seconds: number | null;
}

export class SupervisorError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export interface Registry {
  envs: Map<string, Environment>;
  changed(): void;
}

function findEnv(reg: Registry, ref: unknown): Environment {
  if (typeof ref !== 'string' || ref === '')
    throw new SupervisorError(
      'bad_request',
      'name the environment (its project folder, .runcept.toml or name)',
    );
  const byFile = reg.envs.get(projectFilePath(ref));
  if (byFile) return byFile;
  const byName = [...reg.envs.values()].filter((e) => e.name === ref);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1)
    throw new SupervisorError(
      'ambiguous',
      `several environments are named "${ref}": name one by its project folder`,
    );
  throw new SupervisorError(
    'not_found',
    `no environment "${ref}" is known to the supervisor; activate it first (ratchet env activate <folder>)`,
  );
}

function activeEnv(reg: Registry, ref: unknown): Environment {
  const env = findEnv(reg, ref);
  env.touch();
  return env;
}

function processName(params: Record<string, unknown>): string {
  const name = params['name'];
  if (typeof name !== 'string' || name === '') throw new SupervisorError('bad_request', 'name the process');
  return name;
}

export function envView(env: Environment): EnvironmentView {
  const left = env.timeLeftMs();
  const timeout = env.project.inactivityTimeoutMs;
  return {
    name: env.name,
    description: env.project.description,
    file: env.project.file,
    active: env.active,
    inactivity_timeout_seconds: timeout === null ? null : timeout / 1000,
    time_left_seconds: left === null ? null : Math.round(left / 100) / 10,
    processes: env.views(),
  };
}

function summary(env: Environment): EnvironmentSummary {
  const left = env.timeLeftMs();
  return {
    name: env.name,
    file: env.project.file,
    active: env.active,
    processes: env.processes.size,
    running: [...env.processes.values()].filter((p) => p.alive).length,
    time_left_seconds: left === null ? null : Math.round(left / 100) / 10,
  };
}

function withProcess(env: Environment, name: string): ProcessView & { environment: string } {
  return { environment: env.name, ...env.view(name) };
}

export async function activate(reg: Registry, path: unknown): Promise<EnvironmentView> {
  if (typeof path !== 'string' || path === '')
    throw new SupervisorError('bad_request', 'give the project folder or .runcept.toml');
  const file = projectFilePath(path);
  const existing = reg.envs.get(file);
  if (existing?.active) {
    existing.touch();
    return envView(existing);
  }
  // Read fresh on every activation: the file is the only source of commands.
  const project = await loadProject(file);
  const env = new Environment(project, () => reg.changed());
  reg.envs.set(file, env);
  await env.activate();
  return envView(env);
}

/** The environments a caller may see: all, or (params.within, for remote callers) those under these folders. */
function scoped(reg: Registry, p: Record<string, unknown>): Environment[] {
  const all = [...reg.envs.values()];
  const within = p['within'];
  if (!Array.isArray(within)) return all;
  const roots = within
    .filter((r): r is string => typeof r === 'string')
    .map((r) => (r.endsWith(sep) ? r : r + sep));
  return all.filter((e) => roots.some((r) => e.project.file.startsWith(r)));
}

type Handler = (reg: Registry, p: Record<string, unknown>) => Promise<unknown> | unknown;

export const HANDLERS: Record<string, Handler> = {
  activate: (reg, p) => activate(reg, p['path']),
  deactivate: async (reg, p) => {
    const env = findEnv(reg, p['env']);
    await env.deactivate();
    return envView(env);
  },
  env_status: (reg, p) => envView(activeEnv(reg, p['env'])),
  /** Reading logs (done from the files, without the supervisor) still counts as activity. */
  touch: (reg, p) => {
    const env = reg.envs.get(projectFilePath(String(p['env'] ?? '')));
    env?.touch();
    return { touched: env !== undefined };
  },
  list_envs: (reg, p) => scoped(reg, p).map(summary),
  start: async (reg, p) => {
    const env = activeEnv(reg, p['env']);
    const name = processName(p);
    await env.start(name).catch((err: Error) => {
      throw new SupervisorError('dependency', err.message);
    });
    await env.settle(name);
    return withProcess(env, name);
  },
  stop: async (reg, p) => {
    const env = activeEnv(reg, p['env']);
    const name = processName(p);
    await env.stop(name);
    return withProcess(env, name);
  },
  restart: async (reg, p) => {
    const env = activeEnv(reg, p['env']);
    const name = processName(p);
    await env.restart(name);
    await env.settle(name);
    return withProcess(env, name);
  },
  proc_status: (reg, p) => {
    const env = activeEnv(reg, p['env']);
    return withProcess(env, processName(p));
  },
  list: (reg, p) => {
    const env = activeEnv(reg, p['env']);
    return env.views().map((v) => ({ environment: env.name, ...v }));
  },
  list_all: (reg) =>
    [...reg.envs.values()].flatMap((env) => env.views().map((v) => ({ environment: env.name, ...v }))),
  kill_all: async (reg, p) => {
    let stopped = 0;
    for (const env of scoped(reg, p)) {
      stopped += [...env.processes.values()].filter((p) => p.alive).length;
      if (env.active) await env.deactivate();
    }
    return { stopped };
  },
};
