// `ratchet worker`: a standalone worker process (no HTTP API) for scale-out. It runs queued jobs
// from the configured store; with PostgreSQL any number of them, on any machines, share the queue.
// SIGTERM/SIGINT drain it: no new claims, running jobs get server.workers.shutdown_grace_seconds to
// finish, the rest are handed back to the queue, then it exits 0.
import type { Command } from 'commander';
import { startWorkers } from '../app.ts';
import { withApp } from './with-app.ts';
import { parseNonNegativeInt } from './duration.ts';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run queued jobs (a standalone worker process; no HTTP API)')
    .option('--threads <n>', 'executor threads (default server.workers.worker_count; 0 = one per core)')
    .option('--id <id>', 'worker id in the workers table (default HOSTNAME-PID-RANDOM)')
    .action((flags: { threads?: string; id?: string }, cmd: Command) =>
      withApp(cmd, async (app) => {
        const threads =
          flags.threads === undefined ? undefined : parseNonNegativeInt(flags.threads, '--threads');
        const node = await startWorkers(app, { workerId: flags.id, threads: threads || undefined });
        const onDemand = app.config.server.workers.idle_thread_seconds > 0 ? ' (started on demand)' : '';
        process.stderr.write(
          `worker ${node.id} started: ${node.pool.size} executor thread(s)${onDemand} on ${app.store.url}\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = (signal: string): void => {
            process.stderr.write(`worker ${node.id}: ${signal} received, draining\n`);
            process.off('SIGTERM', onTerm);
            process.off('SIGINT', onInt);
            void node.stop().then(resolve);
          };
          const onTerm = (): void => stop('SIGTERM');
          const onInt = (): void => stop('SIGINT');
          process.on('SIGTERM', onTerm);
          process.on('SIGINT', onInt);
        });
        process.stderr.write(
          `worker ${node.id} stopped: ${node.queue.completed} completed, ${node.queue.failed} failed\n`,
        );
      }),
    );
}
