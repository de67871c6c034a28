// Supervised processes for the API faces (MCP): which project a caller may name, and the call to
// the per-user supervisor. Local callers (stdio) act for the local user: any project folder, the
// server's working directory by default. Remote callers (HTTP) only name folders under
// mcp.allowed_roots (the same check as task folders) and only see environments under them. The
// supervisor reads every command from the .runcept.toml on disk, so no caller can run a command
// that is not written in a project file.
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import type { Ratchet } from './context.ts';
import { ValidationError } from './errors.ts';
import { allowedRealRoots, locateAllowedPath } from './task-paths.ts';
import { request, SupervisorRequestError } from '../supervisor/client.ts';
import { PROJECT_FILE, ProjectFileError, projectFilePath } from '../supervisor/project.ts';

export interface ProcessCaller {
  remote: boolean;
}

const PROJECT_KIND = { what: 'project folders', noun: `project folder or ${PROJECT_FILE}`, byName: '' };

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(message, [{ path: `$.${field}`, message }]);
}

/** The .runcept.toml a caller means by `ref` (a folder or the file). */
export async function projectFileFor(
  app: Ratchet,
  ref: string | undefined,
  caller: ProcessCaller,
): Promise<string> {
  if (ref === undefined) {
    if (caller.remote)
      throw invalid(
        'project_path',
        'project_path is required over HTTP (a folder under mcp.allowed_roots holding a .runcept.toml)',
      );
    for (let dir = process.cwd(); ; dir = dirname(dir)) {
      if (existsSync(join(dir, PROJECT_FILE))) return join(dir, PROJECT_FILE);
      if (dirname(dir) === dir) break;
    }
    throw invalid(
      'project_path',
      `no ${PROJECT_FILE} in the server's working directory (${process.cwd()}) or above; pass project_path`,
    );
  }
  const real = await locateAllowedPath(
    app,
    ref,
    { remote: caller.remote, field: 'project_path' },
    PROJECT_KIND,
  );
  const file = projectFilePath(real);
  if (!existsSync(file)) throw invalid('project_path', `no ${PROJECT_FILE} in ${caller.remote ? ref : real}`);
  return file;
}

const EMPTY: Record<string, unknown> = { list_envs: [], list_all: [], kill_all: { stopped: 0 } };

/** Asks the supervisor (started on demand); its refusals become ValidationErrors a caller can act on. */
export async function supervise(
  app: Ratchet,
  method: string,
  params: Record<string, unknown>,
  caller: ProcessCaller,
  opts: { autostart?: boolean } = {},
): Promise<unknown> {
  const within = caller.remote ? await allowedRealRoots(app) : undefined;
  // Without allowed roots an HTTP caller sees no environment: no need to start a supervisor.
  if (within?.length === 0 && method in EMPTY) return EMPTY[method];
  const scoped = within ? { ...params, within } : params;
  try {
    return await request(method, scoped, opts);
  } catch (err) {
    if (err instanceof SupervisorRequestError && err.code !== 'error')
      throw invalid(err.code === 'project_file' ? 'project_path' : 'name', err.message);
    if (err instanceof ProjectFileError) throw invalid('project_path', err.message);
    throw err;
  }
}
