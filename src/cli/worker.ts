// `ratchet worker`: a standalone worker process (no HTTP API) for scale-out. It runs queued jobs
// from the configured store; with PostgreSQL any number of them, on any machines, share the queue.
// Unless server.workers.run_scheduler is false it also runs the cron scheduler (ticks are claimed
// exactly once in the database, so every node may run it). SIGTERM/SIGINT drain it: the scheduler
// stops, no new claims, running jobs get server.workers.shutdown_grace_seconds to finish, the rest
// are handed back to the queue, output deliveries in flight finish, then it exits 0.
// --until-idle ends it the same way once nothing is ready to run and nothing is running (scripts,
// CI, batch jobs: graphile-worker's --once).
import { processLog } from '../process-log.ts';
import type { Command } from 'commander';
import { withApp } from './with-app.ts';
import { parseNonNegativeInt } from './duration.ts';
import { listenForStop } from './stop-signal.ts';
import { queueIsIdle } from '../services/jobs/index.ts';
import type { Ratchet } from '../services/context.ts';

/** How often --until-idle looks at the queue. */
const IDLE_CHECK_MS = 200;

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run queued jobs (a standalone worker process; no HTTP API)')
    .option('--threads <n>', 'executor threads (default server.workers.worker_count; 0 = one per core)')
    .option('--id <id>', 'worker id in the workers table (default HOSTNAME-PID-RANDOM)')
    .option(
      '--until-idle',
      'exit 0 once no job is ready to run and none is running (delayed jobs do not count)',
    )
    .action(async (flags: { threads?: string; id?: string; untilIdle?: boolean }, cmd: Command) => {
      const stopSignal = listenForStop();
      try {
        await withApp(cmd, async (app) => {
          const threads =
            flags.threads === undefined ? undefined : parseNonNegativeInt(flags.threads, '--threads');
          const w = app.config.server.workers;
          const say = processLog(app.config.logging);
          const bg = await app.start({
            say: app.config.logging.format === 'json' ? say : undefined,
            workers: { workerId: flags.id, threads: threads || undefined },
            scheduler: w.run_scheduler,
          });
          const node = bg.workers!;
          const onDemand = w.idle_thread_seconds > 0 ? ' (started on demand)' : '';
          say(
            `worker ${node.id} started: ${node.pool.size} executor thread(s)${onDemand} on ${app.store.url}` +
              `${bg.scheduler ? ', with the scheduler' : ''}`,
          );
          const idle = flags.untilIdle ? untilIdle(app) : undefined;
          const orphaned = parentGone(process.env.RATCHET_PARENT_PID);
          const reason = await Promise.race([
            stopSignal.received.then((signal) => `${signal} received`),
            ...(idle ? [idle.done.then(() => 'the queue is idle')] : []),
            ...(orphaned ? [orphaned.done.then(() => 'the server that started it is gone')] : []),
          ]);
          idle?.cancel();
          orphaned?.cancel();
          say(`worker ${node.id}: ${reason}, draining`);
          // Scheduler, then running jobs (shutdown_grace_seconds), then deliveries in flight.
          await app.stop();
          say(`worker ${node.id} stopped: ${node.queue.completed} completed, ${node.queue.failed} failed`);
        });
      } finally {
        stopSignal.dispose();
      }
    });
}

interface Watch {
  done: Promise<void>;
  cancel(): void;
}

/** Resolves once check() is true, asking every everyMs (the first time at once); cancel() stops. */
function pollUntil(check: () => boolean | Promise<boolean>, everyMs: number): Watch {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const done = new Promise<void>((resolve, reject) => {
    const ask = (): void => {
      Promise.resolve(check()).then((yes) => {
        if (yes) resolve();
        else if (!cancelled) timer = setTimeout(ask, everyMs).unref();
      }, reject);
    };
    ask();
  });
  return {
    done,
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}

/**
 * A worker process `ratchet serve` supervises (server.workers.processes) gets RATCHET_PARENT_PID:
 * if that server dies without stopping it (SIGKILL), the worker is re-parented and stops itself,
 * so no orphan keeps claiming jobs.
 */
function parentGone(pid: string | undefined): Watch | undefined {
  if (pid === undefined || !/^[0-9]+$/.test(pid)) return undefined;
  return pollUntil(() => process.ppid !== Number(pid), 1000);
}

/** Resolves once the queue is idle. */
function untilIdle(app: Ratchet): Watch {
  return pollUntil(() => queueIsIdle(app), IDLE_CHECK_MS);
}
