// `ratchet worker`: a standalone worker process (no HTTP API) for scale-out. It runs queued jobs
// from the configured store; with PostgreSQL any number of them, on any machines, share the queue.
// Unless server.workers.run_scheduler is false it also runs the cron scheduler (ticks are claimed
// exactly once in the database, so every node may run it). SIGTERM/SIGINT drain it: the scheduler
// stops, no new claims, running jobs get server.workers.shutdown_grace_seconds to finish, the rest
// are handed back to the queue, output deliveries in flight finish, then it exits 0.
import type { Command } from 'commander';
import { startWorkers } from '../app.ts';
import { startScheduler } from '../scheduler/scheduler.ts';
import { drainJobFinished } from '../queue/events.ts';
import { withApp } from './with-app.ts';
import { parseNonNegativeInt } from './duration.ts';
import { listenForStop } from './stop-signal.ts';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run queued jobs (a standalone worker process; no HTTP API)')
    .option('--threads <n>', 'executor threads (default server.workers.worker_count; 0 = one per core)')
    .option('--id <id>', 'worker id in the workers table (default HOSTNAME-PID-RANDOM)')
    .action(async (flags: { threads?: string; id?: string }, cmd: Command) => {
      const stopSignal = listenForStop();
      try {
        await withApp(cmd, async (app) => {
          const threads =
            flags.threads === undefined ? undefined : parseNonNegativeInt(flags.threads, '--threads');
          const node = await startWorkers(app, { workerId: flags.id, threads: threads || undefined });
          const w = app.config.server.workers;
          const onDemand = w.idle_thread_seconds > 0 ? ' (started on demand)' : '';
          const scheduler = w.run_scheduler
            ? startScheduler(app, {
                onError: (err) =>
                  process.stderr.write(
                    `worker ${node.id}: scheduler pass failed: ${err instanceof Error ? err.message : String(err)}\n`,
                  ),
              })
            : undefined;
          process.stderr.write(
            `worker ${node.id} started: ${node.pool.size} executor thread(s)${onDemand} on ${app.store.url}` +
              `${scheduler ? ', with the scheduler' : ''}\n`,
          );
          const signal = await stopSignal.received;

          process.stderr.write(`worker ${node.id}: ${signal} received, draining\n`);
          const graceMs = w.shutdown_grace_seconds * 1000;
          await scheduler?.stop();
          await node.stop(graceMs);
          // Webhook and file deliveries of jobs finished here complete before the exit.
          await drainJobFinished(app, Math.max(1000, graceMs));
          process.stderr.write(
            `worker ${node.id} stopped: ${node.queue.completed} completed, ${node.queue.failed} failed\n`,
          );
        });
      } finally {
        stopSignal.dispose();
      }
    });
}
