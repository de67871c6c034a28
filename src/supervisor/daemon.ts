// The per-user supervisor daemon: claims the pid file (one winner when two CLIs start it at once;
// a pid file or socket left by a dead supervisor is replaced), listens on a Unix socket only its
// owner may use (0600 in a 0700 folder), answers one JSON line per request, keeps its state on
// disk after every change, and on start re-adopts the processes a killed predecessor left
// running (or restarts them). Inactive environments past inactivity_timeout are deactivated.
import {
  chmodSync,
  statSync,
  linkSync,
  existsSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { supervisorPaths, type SupervisorPaths } from './paths.ts';
import { Environment } from './environment.ts';
import { HANDLERS, SupervisorError, type Registry } from './handlers.ts';
import { loadProject } from './project.ts';
import { killGroup, type ProcessRecord } from './managed.ts';
import { CpuSampler, isSameProcess } from './proc-stats.ts';

interface StateFile {
  environments: { file: string; active: boolean; processes: Record<string, ProcessRecord> }[];
}

const DAEMON_MARK = 'daemon-main';

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

function isSupervisor(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(DAEMON_MARK);
  } catch {
    return false;
  }
}

/** True when this process now owns the pid file; false when a live supervisor does. */
export function claimPidFile(paths: SupervisorPaths): boolean {
  for (let attempt = 0; attempt < 3; attempt++) {
    // link() creates the pid file with its content in one step: a rival never reads it empty.
    const tmp = `${paths.pidFile}.${process.pid}`;
    writeFileSync(tmp, String(process.pid), { mode: 0o600 });
    try {
      linkSync(tmp, paths.pidFile);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(paths.pidFile, 'utf8').trim());
      if (pid > 0 && pid !== process.pid && isSupervisor(pid)) return false;
      // Stale: rename first so two claimants cannot both remove a fresh file.
      try {
        renameSync(paths.pidFile, `${paths.pidFile}.stale.${process.pid}`);
        rmSync(`${paths.pidFile}.stale.${process.pid}`, { force: true });
      } catch {
        // Someone else took it away; try again.
      }
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  return false;
}

export class Daemon implements Registry {
  readonly envs = new Map<string, Environment>();
  readonly paths: SupervisorPaths;
  readonly startedAt = Date.now();
  #server: Server | null = null;
  #saveQueued = false;
  #idleTimer: NodeJS.Timeout | null = null;
  #sampler = new CpuSampler();
  #stopping = false;
  /** Called after a `shutdown` request has stopped everything (the daemon process exits). */
  onStopped?: () => void;

  constructor(paths = supervisorPaths()) {
    this.paths = paths;
  }

  changed(): void {
    if (this.#saveQueued || this.#stopping) return;
    this.#saveQueued = true;
    setImmediate(() => this.#flush());
  }

  /** Writes a pending change now (before a reply goes out: a SIGKILL right after must not lose it). */
  #flush(): void {
    if (!this.#saveQueued) return;
    this.#saveQueued = false;
    this.#save();
  }

  #save(): void {
    const state: StateFile = {
      environments: [...this.envs.values()].map((env) => ({
        file: env.project.file,
        active: env.active,
        processes: Object.fromEntries([...env.processes].map(([n, p]) => [n, p.record()])),
      })),
    };
    const tmp = `${this.paths.state}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
    renameSync(tmp, this.paths.state);
  }

  /** Re-adopts (or restarts) what the previous supervisor was running. */
  async #recover(): Promise<void> {
    if (!existsSync(this.paths.state)) return;
    let state: StateFile;
    try {
      state = JSON.parse(readFileSync(this.paths.state, 'utf8')) as StateFile;
    } catch (err) {
      log(`state file unreadable, starting empty: ${(err as Error).message}`);
      return;
    }
    for (const rec of state.environments) {
      if (!rec.active) continue;
      try {
        const env = new Environment(await loadProject(rec.file), () => this.changed());
        this.envs.set(rec.file, env);
        // Not awaited: readiness waits must not hold up the socket; adoption itself is immediate.
        void env.activate(rec.processes);
        log(`recovered environment ${env.name} (${rec.file})`);
      } catch (err) {
        // The project file is gone or broken: nothing may keep running without it.
        log(`cannot recover ${rec.file}: ${(err as Error).message}; stopping its processes`);
        for (const p of Object.values(rec.processes)) {
          if (p.pid !== null && isSameProcess(p.pid, p.startTicks ?? undefined)) killGroup(p.pid, 'SIGKILL');
        }
      }
    }
  }

  async start(): Promise<boolean> {
    // The client creates the folder before spawning us; a daemon that starts late (the loser of a
    // race, slow to boot) after the folder was removed must not bring it back and linger.
    if (!existsSync(this.paths.dir)) return false;
    if (!claimPidFile(this.paths)) return false;
    rmSync(this.paths.socket, { force: true }); // left by a dead supervisor
    // Before listening, so the first request already sees the recovered environments.
    await this.#recover();
    const server = createServer((socket) => this.#serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.paths.socket, () => resolve());
    });
    chmodSync(this.paths.socket, 0o600);
    this.#socketIno = statSync(this.paths.socket).ino;
    this.#server = server;
    log(`supervisor ${process.pid} listening on ${this.paths.socket}`);
    this.changed();
    this.#idleTimer = setInterval(() => void this.#idleCheck(), 200);
    return true;
  }

  async #idleCheck(): Promise<void> {
    // Our socket is gone (its folder removed, or replaced by another supervisor's): nobody can
    // reach us any more, so stop what we run rather than leave unreachable processes behind.
    if (!this.#stopping && !this.#ownsSocket()) {
      log(`socket ${this.paths.socket} is gone: stopping`);
      await this.shutdown(true);
      this.onStopped?.();
      return;
    }
    for (const env of this.envs.values()) {
      if (env.timeLeftMs() === 0) {
        log(`environment ${env.name} idle for ${env.project.inactivityTimeoutMs} ms: deactivating`);
        await env.deactivate();
      }
    }
  }

  #serve(socket: Socket): void {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (data: string) => {
      buffer += data;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        void this.#answer(line).then((reply) => {
          if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
        });
      }
    });
  }

  async #answer(line: string): Promise<unknown> {
    let id: unknown = null;
    try {
      const req = JSON.parse(line) as { id?: unknown; method?: string; params?: Record<string, unknown> };
      id = req.id ?? null;
      const method = req.method ?? '';
      if (method === 'status') return { id, ok: true, result: this.status() };
      if (method === 'shutdown') {
        setImmediate(() => void this.shutdown(true).then(() => this.onStopped?.()));
        return { id, ok: true, result: { stopping: true } };
      }
      const handler = HANDLERS[method];
      if (!handler) throw new SupervisorError('bad_request', `unknown method "${method}"`);
      const result = await handler(this, req.params ?? {});
      this.#flush();
      return { id, ok: true, result };
    } catch (err) {
      const code =
        err instanceof SupervisorError
          ? err.code
          : (err as Error).name === 'ProjectFileError'
            ? 'project_file'
            : 'error';
      const message = (err as Error).message;
      return { id, ok: false, error: { code: /^no process "/.test(message) ? 'not_found' : code, message } };
    }
  }

  #socketIno: number | null = null;

  #ownsSocket(): boolean {
    try {
      return statSync(this.paths.socket).ino === this.#socketIno;
    } catch {
      return false;
    }
  }

  status(): Record<string, unknown> {
    const self = this.#sampler.sample(process.pid);
    const all = [...this.envs.values()];
    return {
      pid: process.pid,
      socket: this.paths.socket,
      state_file: this.paths.state,
      log_file: this.paths.log,
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      cpu_percent: self?.cpuPercent ?? null,
      rss_bytes: self?.rssBytes ?? process.memoryUsage().rss,
      environments: all.length,
      active_environments: all.filter((e) => e.active).length,
      running_processes: all.reduce((n, e) => n + [...e.processes.values()].filter((p) => p.alive).length, 0),
    };
  }

  /** Stops every process (stopAll) or leaves them for the next supervisor to adopt, then exits. */
  async shutdown(stopAll: boolean): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#idleTimer) clearInterval(this.#idleTimer);
    this.#server?.close();
    for (const env of this.envs.values()) {
      if (stopAll && env.active) await env.deactivate();
      else env.detach();
    }
    this.#save();
    rmSync(this.paths.socket, { force: true });
    try {
      if (readFileSync(this.paths.pidFile, 'utf8').trim() === String(process.pid))
        unlinkSync(this.paths.pidFile);
    } catch {
      // Already removed.
    }
    log(`supervisor ${process.pid} stopped`);
  }
}
