// `server.workers.processes: N`: `ratchet serve` runs N `ratchet worker` processes beside itself
// and supervises them with the supervisor's own process control (supervisor/managed.ts): each in
// its own process group, restarted with backoff when it exits (restart_on_crash), judged healthy
// by its heartbeat in the store (a worker that stops beating while its process lives is hung, and
// is restarted like a crash), and stopped with the server after their jobs drain. The workers are
// ordinary worker nodes: /api/v1/workers lists them (ids `<serve id>-w1` …), their logs are JSON
// lines in .runcept/logs/worker-N.log under the server's working folder. They are published for
// `ratchet ps` in the per-user supervisor folder (supervisor/serve-registry.ts).
import { fileURLToPath } from 'node:url';
import type { Ratchet } from '../app.ts';
import { getWorker } from '../store/repos/workers.ts';
import { ManagedProcess } from '../supervisor/managed.ts';
import type { ProcessSpec } from '../supervisor/project.ts';
import { ServeRegistry } from '../supervisor/serve-registry.ts';

// dist/server/ → dist/cli/main.js; run from the sources (tests), the built one all the same.
const CLI_MAIN = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? '../../dist/cli/main.js' : '../cli/main.js', import.meta.url),
);
/** A worker beats every 5 s; three missed beats make it hung. */
const HEARTBEAT_STALE_MS = 15_000;

export interface WorkerProcesses {
  readonly processes: readonly ManagedProcess[];
  stop(): Promise<void>;
}

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function startWorkerProcesses(
  app: Ratchet,
  opts: { count: number; configFile?: string; idPrefix: string; cwd?: string },
): WorkerProcesses {
  const w = app.config.server.workers;
  const cwd = opts.cwd ?? process.cwd();
  const registry = new ServeRegistry(cwd);
  const processes = Array.from({ length: opts.count }, (_, i) => {
    const id = `${opts.idPrefix}-w${i + 1}`;
    const args = [process.execPath, CLI_MAIN, 'worker', '--id', id];
    if (opts.configFile) args.push('--config', opts.configFile);
    const spec: ProcessSpec = {
      name: `worker-${i + 1}`,
      command: `exec ${args.map(quote).join(' ')}`,
      workingDir: cwd,
      // The worker ends itself if this server dies without stopping it (cli/worker.ts).
      env: { RATCHET_PARENT_PID: String(process.pid) },
      autoRestart: w.restart_on_crash,
      // serve keeps N workers: one that ends on its own while the server runs is replaced.
      restartAlways: w.restart_on_crash,
      healthCheck: {
        kind: 'probe',
        probe: async () => {
          const row = await getWorker(app.store.db, id);
          if (!row) return { ok: false, detail: 'not registered yet' };
          const age = Date.now() - Date.parse(row.lastHeartbeatAt);
          return age <= HEARTBEAT_STALE_MS
            ? { ok: true, detail: `heartbeat ${Math.round(age / 1000)} s ago` }
            : { ok: false, detail: `no heartbeat for ${Math.round(age / 1000)} s` };
        },
      },
      healthCheckIntervalMs: w.health_check_interval_seconds * 1000,
      healthCheckTimeoutMs: 5000,
      healthCheckThreshold: 2,
      dependsOn: [],
      stopSignal: 'SIGTERM',
      // Running jobs get the grace period; handing the rest back takes a moment more.
      stopTimeoutMs: (w.shutdown_grace_seconds + 10) * 1000,
      restartBackoffMs: 500,
      restartBackoffMaxMs: 30_000,
      maxRestarts: 10,
      restartWindowMs: 60_000,
      readyTimeoutMs: 60_000,
    };
    const proc = new ManagedProcess(spec, cwd, () => registry.changed(), { fifos: false });
    proc.start();
    return proc;
  });
  registry.track(processes);
  return {
    processes,
    async stop() {
      await Promise.all(processes.map((p) => p.stop()));
      registry.close();
    },
  };
}
