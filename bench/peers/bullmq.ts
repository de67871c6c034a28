// BullMQ 6 on Redis as a contestant, with its defaults except `concurrency`. BullMQ has no batch
// fetch outside its commercial edition, so there is one variant. Each contestant-run's keys live
// under their own prefix (deleted afterwards), so nothing else in the Redis server is touched.
import { Queue, Worker } from 'bullmq';
import { packageVersion } from './resources.ts';
import type { Contestant, Hooks, OpenContestant } from './scenarios.ts';

const version = packageVersion('bullmq');

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** host/port/db of a redis:// URL, as BullMQ's connection options. */
function connectionOf(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    db: Number(u.pathname.slice(1) || 0),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    maxRetriesPerRequest: null, // what BullMQ requires of a worker's connection
  };
}

export const openBullmq: OpenContestant = async (url: string, redisPrefix: string, hooks: Hooks) => {
  const connection = connectionOf(url);
  const jobs = new Queue('jobs', { connection, prefix: redisPrefix });
  const bulk = new Queue('bulk', { connection, prefix: redisPrefix });
  const workers: Worker[] = [];
  const closeAll = async () => {
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all([jobs.close(), bulk.close()]);
  };
  try {
    await Promise.all([jobs.waitUntilReady(), bulk.waitUntilReady()]);
  } catch (err) {
    await closeAll();
    throw err;
  }
  const contestant: Contestant = {
    settings: {
      version,
      options: 'defaults',
      concurrency: 'new Worker(…, { concurrency })',
      started: 'processor begins',
      finished: "worker 'completed' event (after the job is moved to completed in Redis)",
    },
    async backlog(n) {
      await jobs.addBulk(Array.from({ length: n }, (_, j) => ({ name: 'noop', data: { j } })));
    },
    async startWorkers(concurrency) {
      const worker = new Worker(
        'jobs',
        async (job) => {
          hooks.started(job.id!);
          if (job.name === 'fib') fib((job.data as { n: number }).n);
        },
        { connection, prefix: redisPrefix, concurrency },
      );
      // Attached before the worker's first fetch, which happens on a later tick.
      worker.on('completed', (job) => hooks.finished(job.id!));
      worker.on('failed', (job) => job && hooks.finished(job.id!, true));
      worker.on('error', (err) => process.stderr.write(`[bullmq error] ${err.message}\n`));
      workers.push(worker);
      await worker.waitUntilReady();
    },
    async enqueue(kind, input) {
      const job = await jobs.add(kind, input);
      return job.id!;
    },
    async enqueueBulk(items) {
      const added = await bulk.addBulk(items.map((data) => ({ name: 'bulk', data })));
      return added.length;
    },
    close: closeAll,
  };
  return contestant;
};
