// `ratchet serve`'s own worker processes (server.workers.processes), made visible to `ratchet ps`.
// serve supervises them itself, not through the per-user supervisor (a server must not depend on
// a user's daemon), so it publishes them instead: a file `serve-<pid>.json` in the supervisor
// folder, rewritten when a worker changes state and removed when serve stops. `ratchet ps` reads
// these files beside the supervisor's answer; a file whose server is gone (SIGKILLed: its pid is
// dead or reused, told by its start time) is removed by the reader.
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir, supervisorPaths, type SupervisorPaths } from './paths.ts';
import type { ManagedProcess } from './managed.ts';
import type { ProcessView } from './environment.ts';
import { isSameProcess, readStat } from './proc-stats.ts';
import { logFile } from './logs.ts';

interface ServeFile {
  pid: number;
  startTicks: number | null;
  cwd: string;
  processes: {
    name: string;
    state: string;
    pid: number | null;
    startedAt: number | null;
    restarts: number;
    health: ProcessView['health'];
    lastExit: string | null;
    error: string | null;
    command: string;
  }[];
}

const FILE = /^serve-(\d+)\.json$/;

/** Publishes serve's worker processes; call changed() on every state change, close() at stop. */
export class ServeRegistry {
  readonly file: string;
  #processes: readonly ManagedProcess[] = [];
  #queued = false;
  #closed = false;
  readonly #cwd: string;

  constructor(cwd: string, paths: SupervisorPaths = supervisorPaths()) {
    ensureDir(paths);
    this.file = join(paths.dir, `serve-${process.pid}.json`);
    this.#cwd = cwd;
  }

  track(processes: readonly ManagedProcess[]): void {
    this.#processes = processes;
    this.#write();
  }

  changed(): void {
    if (this.#queued || this.#closed) return;
    this.#queued = true;
    setImmediate(() => {
      this.#queued = false;
      if (!this.#closed) this.#write();
    });
  }

  #write(): void {
    const state: ServeFile = {
      pid: process.pid,
      startTicks: readStat(process.pid)?.startTicks ?? null,
      cwd: this.#cwd,
      processes: this.#processes.map((p) => ({
        name: p.spec.name,
        state: p.state,
        pid: p.pid,
        startedAt: p.startedAt,
        restarts: p.restarts,
        health: p.lastHealth && {
          ok: p.lastHealth.ok,
          detail: p.lastHealth.detail,
          checked_at: new Date(p.lastHealth.at).toISOString(),
        },
        lastExit: p.lastExit,
        error: p.error,
        command: p.spec.command,
      })),
    };
    try {
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      // The folder went away: `ps` just will not list these workers.
    }
  }

  close(): void {
    this.#closed = true;
    rmSync(this.file, { force: true });
  }
}

/** Every live `ratchet serve`'s worker processes, as `ratchet ps` rows (environment "serve <pid>"). */
export function listServeProcesses(
  paths: SupervisorPaths = supervisorPaths(),
  now = Date.now(),
): (ProcessView & { environment: string })[] {
  let names: string[];
  try {
    names = readdirSync(paths.dir).filter((n) => FILE.test(n));
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const path = join(paths.dir, n);
    let state: ServeFile;
    try {
      state = JSON.parse(readFileSync(path, 'utf8')) as ServeFile;
    } catch {
      return []; // being replaced right now, or cut short: the next look sees it
    }
    if (!isSameProcess(state.pid, state.startTicks ?? undefined)) {
      rmSync(path, { force: true });
      return [];
    }
    return state.processes.map((p) => {
      const stat = p.pid !== null ? readStat(p.pid) : null;
      const uptime = p.pid !== null && p.startedAt !== null ? (now - p.startedAt) / 1000 : null;
      return {
        environment: `serve ${state.pid}`,
        name: p.name,
        state: p.state,
        pid: p.pid,
        uptime_seconds: uptime === null ? null : Math.round(uptime * 10) / 10,
        restarts: p.restarts,
        // Average over its life (one look has no previous sample to compare with).
        cpu_percent:
          stat && uptime ? Math.round((stat.cpuTicks / 100 / Math.max(uptime, 0.01)) * 1000) / 10 : null,
        rss_bytes: stat?.rssBytes ?? null,
        health: p.health,
        last_exit: p.lastExit,
        error: p.error,
        last_lines: [],
        command: p.command,
        depends_on: [],
        log_file: logFile(state.cwd, p.name),
      };
    });
  });
}
