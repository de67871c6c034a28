// A project environment: the processes of one .runcept.toml, started in dependency order (a
// process starts only once each dependency is running and, if it has a health check, healthy, as
// compose's service_healthy), stopped in reverse order, and deactivated after inactivity_timeout
// without a command or MCP call naming it.
import type { ProjectConfig } from './project.ts';
import { dependentsOf } from './dependencies.ts';
import { ManagedProcess, type ProcessRecord } from './managed.ts';
import { CpuSampler } from './proc-stats.ts';
import { logFile } from './logs.ts';

export interface ProcessView {
  name: string;
  state: string;
  pid: number | null;
  uptime_seconds: number | null;
  restarts: number;
  cpu_percent: number | null;
  rss_bytes: number | null;
  health: { ok: boolean; detail: string; checked_at: string } | null;
  last_exit: string | null;
  error: string | null;
  last_lines: string[];
  command: string;
  depends_on: string[];
  log_file: string;
}

const sampler = new CpuSampler();

export class Environment {
  project: ProjectConfig;
  readonly processes = new Map<string, ManagedProcess>();
  active = false;
  lastActivity = Date.now();
  readonly #onChange: () => void;

  constructor(project: ProjectConfig, onChange: () => void) {
    this.project = project;
    this.#onChange = onChange;
    for (const spec of project.processes)
      this.processes.set(spec.name, new ManagedProcess(spec, project.root, onChange));
  }

  get name(): string {
    return this.project.name;
  }

  touch(): void {
    this.lastActivity = Date.now();
  }

  /** Milliseconds until idle shutdown; null without inactivity_timeout or when inactive. */
  timeLeftMs(now = Date.now()): number | null {
    const t = this.project.inactivityTimeoutMs;
    if (t === null || !this.active) return null;
    return Math.max(0, this.lastActivity + t - now);
  }

  get(name: string): ManagedProcess {
    const p = this.processes.get(name);
    if (!p) {
      throw new Error(
        `no process "${name}" in environment "${this.name}" (processes: ${[...this.processes.keys()].join(', ')})`,
      );
    }
    return p;
  }

  async activate(adopt: Record<string, ProcessRecord> = {}): Promise<void> {
    this.active = true;
    this.touch();
    this.#onChange();
    await Promise.all(
      this.project.processes.map(async (spec) => {
        const rec = adopt[spec.name];
        if (rec && this.get(spec.name).adopt(rec)) return;
        if (rec && rec.state === 'STOPPED') return;
        await this.start(spec.name).catch(() => undefined);
        // Answer once everything is up (or has failed): an agent's next call can use it at once.
        const proc = this.get(spec.name);
        if (proc.alive) await waitFor(proc, spec.readyTimeoutMs, spec.name).catch(() => undefined);
      }),
    );
  }

  /** Starts `name` after its dependencies (started too when stopped) are ready. */
  async start(name: string, seen: string[] = []): Promise<void> {
    const proc = this.get(name);
    this.active = true;
    try {
      await Promise.all(
        proc.spec.dependsOn
          .filter((d) => !seen.includes(d))
          .map((d) => this.#ensureReady(d, [...seen, name])),
      );
    } catch (err) {
      proc.error = (err as Error).message;
      this.#onChange();
      throw err;
    }
    proc.reset();
    proc.start();
  }

  async #ensureReady(name: string, seen: string[]): Promise<void> {
    const dep = this.get(name);
    if (!dep.alive && dep.state !== 'STARTING') await this.start(name, seen);
    await waitFor(dep, dep.spec.readyTimeoutMs, seen.at(-1)!);
  }

  /** Stops `name` after everything that depends on it (reverse dependency order). */
  async stop(name: string): Promise<void> {
    const order = this.project.processes;
    const dependents = dependentsOf(order, name).reverse();
    for (const d of dependents) await this.get(d.name).stop();
    await this.get(name).stop();
  }

  /** Waits until `name` is ready or has given up (never rejects): answers show where it ended. */
  async settle(name: string): Promise<void> {
    const proc = this.get(name);
    if (proc.alive) await waitFor(proc, proc.spec.readyTimeoutMs, name).catch(() => undefined);
  }

  async restart(name: string): Promise<void> {
    await this.get(name).stop();
    await this.start(name);
  }

  async deactivate(): Promise<void> {
    for (const spec of [...this.project.processes].reverse()) await this.get(spec.name).stop();
    this.active = false;
    this.#onChange();
  }

  view(name: string, now = Date.now()): ProcessView {
    const p = this.get(name);
    const stats = p.pid !== null ? sampler.sample(p.pid) : null;
    return {
      name,
      state: p.state,
      pid: p.pid,
      uptime_seconds:
        p.pid !== null && p.startedAt !== null ? Math.round((now - p.startedAt) / 100) / 10 : null,
      restarts: p.restarts,
      cpu_percent: stats?.cpuPercent ?? null,
      rss_bytes: stats?.rssBytes ?? null,
      health: p.lastHealth && {
        ok: p.lastHealth.ok,
        detail: p.lastHealth.detail,
        checked_at: new Date(p.lastHealth.at).toISOString(),
      },
      last_exit: p.lastExit,
      error: p.error,
      last_lines: p.state === 'FAILED' || p.state === 'CRASHED' ? p.lastLines.slice(-10) : [],
      command: p.spec.command,
      depends_on: p.spec.dependsOn,
      log_file: logFile(this.project.root, name),
    };
  }

  views(): ProcessView[] {
    return this.project.processes.map((s) => this.view(s.name));
  }

  detach(): void {
    for (const p of this.processes.values()) p.detach();
  }
}

/** Resolves when `dep` is ready; rejects when it fails or is not ready within `timeoutMs`. */
function waitFor(dep: ManagedProcess, timeoutMs: number, dependent: string): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (dep.ready) return resolve();
      const gaveUp = !dep.spec.autoRestart && (dep.state === 'CRASHED' || dep.state === 'UNHEALTHY');
      if (gaveUp || dep.state === 'FAILED' || dep.state === 'STOPPED' || Date.now() - started > timeoutMs) {
        return reject(
          new Error(
            `"${dependent}" not started: its dependency "${dep.spec.name}" is ${dep.state}${dep.error ? ` (${dep.error})` : ''}`,
          ),
        );
      }
      setTimeout(poll, 10);
    };
    poll();
  });
}
