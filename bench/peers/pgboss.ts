// pg-boss 12 as a contestant. Both variants turn on LISTEN/NOTIFY (instance `useListenNotify`,
// queue `notify`), pg-boss's documented way to start a new job without waiting for the next poll
// (2 s by default); without it the latency and chain scenarios would measure the polling interval.
// "batched" fetches up to BATCH_SIZE jobs per query (`batchSize`) and keeps fetching while batches
// come back full (`burstWhenBatchFull`); without that, a worker sleeps for its polling interval
// after every batch. pg-boss has no per-job completion event: a job counts as finished when its
// handler has run (pg-boss then marks the batch completed in one statement).
import { PgBoss, type Job } from 'pg-boss';
import { packageVersion } from './resources.ts';
import type { Contestant, Hooks, JobKind, OpenContestant } from './scenarios.ts';

const version = packageVersion('pg-boss');
export const BATCH_SIZE = 100;
const QUEUES: readonly string[] = ['noop', 'fib', 'bulk'];

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export function pgBoss(batched: boolean): OpenContestant {
  return async (url: string, _redisPrefix: string, hooks: Hooks) => {
    const boss = new PgBoss({ connectionString: url, useListenNotify: true, schedule: false });
    boss.on('error', (err) => process.stderr.write(`[pg-boss error] ${err.message}\n`));
    boss.on('warning', (w) => process.stderr.write(`[pg-boss warning] ${JSON.stringify(w)}\n`));
    try {
      await boss.start();
      for (const name of QUEUES) await boss.createQueue(name, { notify: true });
    } catch (err) {
      await boss.stop({ graceful: false });
      throw err;
    }
    const fetch = batched ? { batchSize: BATCH_SIZE, burstWhenBatchFull: true } : {};
    const handler = (kind: JobKind) => async (jobs: Job<Record<string, unknown>>[]) => {
      for (const job of jobs) {
        hooks.started(job.id);
        if (kind === 'fib') fib(job.data.n as number);
        hooks.finished(job.id);
      }
    };
    const contestant: Contestant = {
      settings: {
        version,
        options: {
          useListenNotify: true,
          queue: { notify: true },
          schedule: false,
          work: batched ? fetch : 'defaults',
        },
        concurrency: 'work({ localConcurrency })',
        started: 'handler begins (per job of the fetched batch)',
        finished: 'handler has run (no per-job completion event)',
      },
      ...(batched
        ? {}
        : {
            throughputSkipped:
              'without batchSize a pg-boss worker fetches one job and then waits its polling interval ' +
              '(2 s; 30 s while NOTIFY is active) before the next fetch, so draining a backlog measures ' +
              'that interval, not the queue; see pgboss-batched',
          }),
      async backlog(n) {
        await boss.insert(
          'noop',
          Array.from({ length: n }, (_, j) => ({ data: { j } })),
        );
      },
      async startWorkers(concurrency) {
        for (const kind of ['noop', 'fib'] as const) {
          await boss.work(kind, { localConcurrency: concurrency, ...fetch }, handler(kind));
        }
      },
      async enqueue(kind, input) {
        const id = await boss.send(kind, input);
        if (id === null) throw new Error(`pg-boss did not queue the ${kind} job`);
        return id;
      },
      async enqueueBulk(items) {
        const ids = await boss.insert(
          'bulk',
          items.map((data) => ({ data })),
        );
        return ids?.length ?? items.length;
      },
      async close() {
        await boss.stop({ graceful: true, timeout: 5000 });
      },
    };
    return contestant;
  };
}
