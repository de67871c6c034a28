// The one start-up and shutdown sequence of the background work an application runs: `serve`,
// `worker` and `mcp-serve` (and anything after them) ask for parts of it through app.start() and
// get the same order, the same failure handling and the same graceful stop.
import type { Ratchet } from './services/context.ts';
import { startRefreshTimers, startWatching, syncAllSources } from './services/registry-service.ts';
import type { SourceSyncResult } from './services/registry-service.ts';
import type { WatchEvent } from './registry/watch.ts';
import { startScheduler, type SchedulerHandle } from './services/scheduling/loop.ts';
import { startRunDeliverySweep } from './services/workflows/delivery.ts';
import { startWorkerNode, type WorkerNode, type WorkerNodeOptions } from './workers/worker-process.ts';
import { processLog } from './process-log.ts';

export interface StartOptions {
  /** Where start-up and background problems are told (default: the process log on stderr, never stdout). */
  say?: (line: string) => void;
  /**
   * Sync every task source, then watch folder sources and refresh on their intervals. `onSync`
   * sees each start-up result and each failed refresh; watcher errors go to `say`; `cwd` locates
   * the implicit ./tasks source.
   */
  registry?: { cwd?: string; onSync?: (r: SourceSyncResult) => void };
  /** Run a worker node in this process (default options: the configuration's). */
  workers?: WorkerNodeOptions;
  /** Run the cron scheduler. */
  scheduler?: boolean;
}

export interface Background {
  workers: WorkerNode | undefined;
  scheduler: SchedulerHandle | undefined;
  /** The start-up sync's results, when the registry part ran. */
  synced: SourceSyncResult[];
  /** Stops everything above in reverse order; running jobs get graceMs. Safe to call twice. */
  stop(graceMs: number): Promise<void>;
}

export async function startBackground(app: Ratchet, opts: StartOptions): Promise<Background> {
  const json = app.config.logging.format === 'json';
  const say = opts.say ?? processLog(app.config.logging);
  let stopWatching: (() => Promise<void>) | undefined;
  let stopTimers: (() => void) | undefined;
  let stopSweep: (() => Promise<void>) | undefined;
  let stopping: Promise<void> | undefined;
  const bg: Background = {
    workers: undefined,
    scheduler: undefined,
    synced: [],
    stop(graceMs) {
      stopping ??= (async () => {
        await bg.scheduler?.stop();
        await stopWatching?.();
        stopTimers?.();
        await stopSweep?.();
        await bg.workers?.stop(graceMs);
      })();
      return stopping;
    },
  };
  try {
    if (opts.registry) {
      const { cwd, onSync } = opts.registry;
      const onWatch = (e: WatchEvent): void => {
        if (e.type === 'error') say(`registry source ${e.source}: ${e.message}`);
      };
      bg.synced = await syncAllSources(app, { cwd });
      for (const r of bg.synced) onSync?.(r);
      stopWatching = await startWatching(app, onWatch, { cwd, log: say });
      stopTimers = startRefreshTimers(app, (r) => r.error !== undefined && onSync?.(r), { cwd });
    }
    if (opts.workers) {
      // Without a `say`, the node keeps its own `[worker ID]` prefix (what `ratchet worker` prints),
      // unless the process logs JSON: then every line goes through the process log.
      const log = opts.workers.log ?? (opts.say || json ? (m: string) => say(`worker: ${m}`) : undefined);
      bg.workers = await startWorkerNode(app, { ...opts.workers, log });
      // Worker nodes finish the runs, so they also pick up run deliveries nobody claimed.
      stopSweep = startRunDeliverySweep(app, {
        onError: (err) => say(`workflow run delivery: ${err instanceof Error ? err.message : String(err)}`),
      });
    }
    if (opts.scheduler) {
      bg.scheduler = startScheduler(app, {
        onError: (err) => say(`scheduler: ${err instanceof Error ? err.message : String(err)}`),
      });
    }
  } catch (err) {
    await bg.stop(0).catch(() => undefined);
    throw err;
  }
  return bg;
}
