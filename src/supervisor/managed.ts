// One supervised process: spawned through /bin/sh in its own process group, its output logged,
// health-checked on its interval, restarted after a crash with exponential backoff until it
// crashes more than max_restarts times within restart_window (then FAILED, with its last lines).
// Stop sends stop_signal to the whole group, waits stop_timeout, then SIGKILLs the group, so no
// grandchild survives. Output goes through FIFOs that outlive the supervisor (output.ts), so a
// process adopted from a previous supervisor (no exit event: it is watched by polling its pid)
// still has its output captured.
import { spawn, type ChildProcess } from 'node:child_process';
import { captureForSpawn, OutputReaders } from './output.ts';
import type { ProcessSpec } from './project.ts';
import { runHealthCheck } from './health.ts';
import { LogWriter, logFile } from './logs.ts';
import { groupAlive, isSameProcess, readStat } from './proc-stats.ts';

export const STATES = [
  'STARTING',
  'RUNNING',
  'HEALTHY',
  'UNHEALTHY',
  'STOPPING',
  'STOPPED',
  'CRASHED',
  'FAILED',
] as const;
export type ProcessState = (typeof STATES)[number];

/** What is kept on disk to re-adopt the process after a supervisor restart. */
export interface ProcessRecord {
  state: ProcessState;
  pid: number | null;
  startTicks: number | null;
  startedAt: number | null;
  restarts: number;
  lastHealth?: { ok: boolean; detail: string; at: number } | null;
}

/** Polling interval for adopted processes, and while waiting for a stopped group to go. */
const POLL_MS = 20;

export class ManagedProcess {
  readonly spec: ProcessSpec;
  readonly log: LogWriter;
  state: ProcessState = 'STOPPED';
  pid: number | null = null;
  startTicks: number | null = null;
  startedAt: number | null = null;
  restarts = 0;
  lastExit: string | null = null;
  lastHealth: { ok: boolean; detail: string; at: number } | null = null;
  error: string | null = null;
  #child: ChildProcess | null = null;
  #recentRestarts: number[] = [];
  #healthFailures = 0;
  #timers = new Set<NodeJS.Timeout>();
  #exitWaiters: (() => void)[] = [];
  readonly #root: string;
  readonly #output: OutputReaders;
  readonly #onChange: () => void;
  readonly #fifos: boolean;

  /**
   * `fifos: false` gives it ordinary pipes: for a process that never outlives its supervisor
   * (`ratchet serve`'s workers), where two servers in one folder must not share named pipes.
   */
  constructor(spec: ProcessSpec, projectRoot: string, onChange: () => void, opts: { fifos?: boolean } = {}) {
    this.#fifos = opts.fifos ?? true;
    this.spec = spec;
    this.log = new LogWriter(logFile(projectRoot, spec.name));
    this.#root = projectRoot;
    this.#output = new OutputReaders(projectRoot, spec.name, this.log);
    this.#onChange = onChange;
  }

  /** Its last output lines (shown with a crash or a failure). */
  get lastLines(): readonly string[] {
    return this.#output.lastLines;
  }

  get alive(): boolean {
    return this.pid !== null;
  }

  /** True when dependents may start: running, and healthy if it has a health check. */
  get ready(): boolean {
    return this.spec.healthCheck
      ? this.state === 'HEALTHY'
      : this.state === 'RUNNING' || this.state === 'HEALTHY';
  }

  #set(state: ProcessState): void {
    this.state = state;
    this.#onChange();
  }

  #after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  #clearTimers(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  start(): void {
    if (this.alive) return;
    this.#clearTimers();
    this.error = null;
    this.#healthFailures = 0;
    const capture = captureForSpawn(this.#root, this.spec.name, this.#fifos);
    let child: ChildProcess;
    try {
      child = spawn('/bin/sh', ['-c', this.spec.command], {
        cwd: this.spec.workingDir,
        env: { ...process.env, ...this.spec.env },
        detached: true,
        stdio: ['ignore', ...capture.stdio],
      });
    } finally {
      capture.spawned();
    }
    if (child.pid === undefined) {
      for (const r of Object.values(capture.readers)) r.destroy();
      // spawn failed synchronously (e.g. the working directory is missing): the 'error' event says why.
      child.once('error', (err) => this.#fail(`cannot start: ${err.message}`));
      return;
    }
    this.#child = child;
    this.pid = child.pid;
    this.startTicks = readStat(child.pid)?.startTicks ?? null;
    this.startedAt = Date.now();
    this.log.line('supervisor', `started pid ${child.pid}: ${this.spec.command}`);
    this.#output.attach(capture, child);
    child.once('exit', (code, signal) => this.#exited(code, signal));
    this.#set(this.spec.healthCheck ? 'STARTING' : 'RUNNING');
    if (this.spec.healthCheck) {
      this.#scheduleHealth(0);
      this.#after(this.spec.readyTimeoutMs, () => {
        if (this.state === 'STARTING')
          this.#unhealthy(`not healthy within ready_timeout (${this.spec.readyTimeoutMs} ms)`);
      });
    }
  }

  /** Takes over a process a previous supervisor started; false when it is gone (or its pid reused). */
  adopt(rec: ProcessRecord): boolean {
    if (rec.pid === null || !isSameProcess(rec.pid, rec.startTicks ?? undefined)) return false;
    this.pid = rec.pid;
    this.startTicks = rec.startTicks;
    this.startedAt = rec.startedAt;
    this.restarts = rec.restarts;
    this.lastHealth = rec.lastHealth ?? null;
    const captured = this.#output.adopt();
    this.log.line(
      'supervisor',
      `re-adopted pid ${rec.pid} after a supervisor restart${captured ? '' : ' (its output is not captured: no output pipes)'}`,
    );
    this.#set(
      rec.state === 'HEALTHY' || rec.state === 'UNHEALTHY'
        ? rec.state
        : this.spec.healthCheck
          ? 'STARTING'
          : 'RUNNING',
    );
    const pid = rec.pid;
    const poll = (): void => {
      if (this.pid !== pid) return;
      if (isSameProcess(pid, rec.startTicks ?? undefined)) this.#after(200, poll);
      else this.#exited(null, null);
    };
    poll();
    if (this.spec.healthCheck) this.#scheduleHealth(0);
    return true;
  }

  record(): ProcessRecord {
    return {
      state: this.state,
      pid: this.pid,
      startTicks: this.startTicks,
      startedAt: this.startedAt,
      restarts: this.restarts,
    };
  }

  #scheduleHealth(delay: number): void {
    this.#after(delay, () => void this.#checkHealth());
  }

  async #checkHealth(): Promise<void> {
    const check = this.spec.healthCheck;
    const pid = this.pid;
    if (!check || pid === null || this.state === 'STOPPING') return;
    const r = await runHealthCheck(check, this.spec.healthCheckTimeoutMs, () => ({
      cwd: this.spec.workingDir,
      env: { ...process.env, ...this.spec.env },
    }));
    if (this.pid !== pid || (this.state as ProcessState) === 'STOPPING') return;
    this.lastHealth = { ...r, at: Date.now() };
    if (r.ok) {
      this.#healthFailures = 0;
      if (this.state !== 'HEALTHY') this.#set('HEALTHY');
    } else if (this.state !== 'STARTING') {
      this.#healthFailures++;
      if (this.#healthFailures >= this.spec.healthCheckThreshold && this.state !== 'UNHEALTHY') {
        this.#unhealthy(`${this.#healthFailures} health checks failed in a row (last: ${r.detail})`);
        if (this.pid !== pid) return;
      }
    }
    // While starting, poll quickly so dependents start as soon as it is up. Then on a grid of the
    // interval, so checks with the same interval share one timer wake-up (bench/supervisor.ts).
    if (this.state === 'STARTING') this.#scheduleHealth(Math.min(this.spec.healthCheckIntervalMs, 100));
    else this.#scheduleHealth(alignedDelay(this.spec.healthCheckIntervalMs));
  }

  #unhealthy(why: string): void {
    this.error = why;
    this.log.line('supervisor', `unhealthy: ${why}`);
    this.#set('UNHEALTHY');
    if (this.spec.autoRestart) void this.#restartAfterFault(why);
  }

  async #restartAfterFault(why: string): Promise<void> {
    await this.stop();
    this.#scheduleRestart(why);
  }

  #exited(code: number | null, signal: NodeJS.Signals | null): void {
    const pgid = this.pid;
    this.#output.close();
    this.#child = null;
    this.pid = null;
    this.lastExit = signal ? `killed by ${signal}` : code === null ? 'exited' : `exit code ${code}`;
    this.log.line('supervisor', `process ${this.lastExit}`);
    for (const w of this.#exitWaiters.splice(0)) w();
    if (this.state === 'STOPPING') return; // stop() finishes the group and sets STOPPED
    this.#clearTimers();
    // A leader that forked and exited leaves its group behind: nothing may outlive a crash.
    if (pgid !== null) killGroup(pgid, 'SIGKILL');
    // sh says 127 / 126 for a command it cannot find or run: restarting would only repeat that.
    if (code === 127 || code === 126) {
      this.#fail(`command cannot run (${this.lastExit}): ${this.lastLines.at(-1) ?? this.spec.command}`);
      return;
    }
    // A clean exit is the process finishing its work (compose's restart: on-failure, not a crash):
    // STOPPED, and restarted only with auto_restart = "always".
    if (code === 0 && !signal) {
      this.#set('STOPPED');
      if (this.spec.restartAlways) this.#scheduleRestart('exited cleanly (restart "always")');
      return;
    }
    this.#set('CRASHED');
    if (this.spec.autoRestart) this.#scheduleRestart(`crashed (${this.lastExit})`);
  }

  #scheduleRestart(why: string): void {
    const now = Date.now();
    this.#recentRestarts = this.#recentRestarts.filter((t) => now - t < this.spec.restartWindowMs);
    if (this.#recentRestarts.length >= this.spec.maxRestarts) {
      this.#fail(
        `crash loop: ${why}, after ${this.#recentRestarts.length} restarts within ${this.spec.restartWindowMs} ms (max_restarts ${this.spec.maxRestarts})`,
      );
      return;
    }
    const delay = Math.min(
      this.spec.restartBackoffMs * 2 ** this.#recentRestarts.length,
      this.spec.restartBackoffMaxMs,
    );
    this.#recentRestarts.push(now);
    this.log.line('supervisor', `${why}; restarting in ${delay} ms`);
    const restart = (): void => {
      if (this.state !== 'CRASHED' && this.state !== 'UNHEALTHY' && this.state !== 'STOPPED') return;
      this.restarts++;
      this.start();
    };
    if (delay === 0) restart();
    else this.#after(delay, restart);
  }

  #fail(why: string): void {
    this.#clearTimers();
    this.error = why;
    this.log.line('supervisor', `FAILED: ${why}`);
    this.#set('FAILED');
  }

  /** Stops the whole group: stop_signal, then SIGKILL after stop_timeout. Resolves when it is gone. */
  async stop(): Promise<void> {
    this.#clearTimers();
    const pgid = this.pid;
    if (pgid === null) {
      if (this.state !== 'FAILED') this.#set('STOPPED');
      return;
    }
    this.#set('STOPPING');
    const exited = new Promise<void>((r) => this.#exitWaiters.push(r));
    killGroup(pgid, this.spec.stopSignal);
    const deadline = Date.now() + this.spec.stopTimeoutMs;
    while (groupAlive(pgid) || isSameProcess(pgid, this.startTicks ?? undefined)) {
      if (Date.now() >= deadline) {
        this.log.line(
          'supervisor',
          `still running ${this.spec.stopTimeoutMs} ms after ${this.spec.stopSignal}: SIGKILL`,
        );
        killGroup(pgid, 'SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    // SIGKILL is delivered asynchronously: answer only once the group is really gone.
    for (let i = 0; i < 100 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, POLL_MS));
    // Our own child is reaped by node ('exit'); an adopted one is not our child: it just vanishes.
    if (this.#child) await exited;
    else if (this.pid !== null) this.#exited(null, null);
    this.#set('STOPPED');
  }

  /** Clears FAILED so a user's start is a fresh start. */
  reset(): void {
    this.#recentRestarts = [];
    this.error = null;
    if (this.state === 'FAILED') this.state = 'STOPPED';
  }

  /** Forgets the process without stopping it (supervisor shutting down for a restart). */
  detach(): void {
    this.#clearTimers();
    this.#output.close();
  }
}

/** Time to the next multiple of `interval` (wall clock), at least half an interval away. */
export function alignedDelay(interval: number, now = Date.now()): number {
  const delay = interval - (now % interval);
  return delay < interval / 2 ? delay + interval : delay;
}

export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}
