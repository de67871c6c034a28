// Where the per-user supervisor lives: one folder (mode 0700) holding its socket, pid file, state
// and log. RATCHET_SUPERVISOR_DIR moves it (tests give each run its own folder, so a test never
// talks to, or leaves behind, the user's real supervisor).
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface SupervisorPaths {
  dir: string;
  socket: string;
  pidFile: string;
  state: string;
  log: string;
}

export function supervisorPaths(env: NodeJS.ProcessEnv = process.env): SupervisorPaths {
  const dir =
    env['RATCHET_SUPERVISOR_DIR'] ??
    (env['XDG_RUNTIME_DIR']
      ? join(env['XDG_RUNTIME_DIR'], 'ratchet-supervisor')
      : join(homedir(), '.ratchet', 'supervisor'));
  return {
    dir,
    socket: join(dir, 'supervisor.sock'),
    pidFile: join(dir, 'supervisor.pid'),
    state: join(dir, 'state.json'),
    log: join(dir, 'supervisor.log'),
  };
}

export function ensureDir(paths: SupervisorPaths): void {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
}
