// graphile-worker 0.18 as a contestant, with its defaults or with the batching options its
// performance page uses (https://worker.graphile.org/docs/performance#batching): a local queue
// that locks a batch of jobs per fetch, completions and failures flushed in batches, Node's clock.
// Its per-job "Completed task" info lines are dropped (errors and warnings go to stderr): printing
// 5,000 lines would measure the terminal, not the queue.
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { Logger, makeWorkerUtils, run, type Runner, type WorkerEvents } from 'graphile-worker';
import { packageVersion } from './resources.ts';
import type { Contestant, Hooks, OpenContestant } from './scenarios.ts';

const version = packageVersion('graphile-worker');
export const LOCAL_QUEUE_SIZE = 100;

const logger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning')
    process.stderr.write(`[graphile-worker ${level}] ${message}\n`);
});

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export function graphile(batched: boolean): OpenContestant {
  return async (url: string, _redisPrefix: string, hooks: Hooks) => {
    // One pool of our own for the utils and the runner, ended at close: the pool run() makes for a
    // connection string could still hold idle clients when the scenario's database is dropped, and
    // their "terminating connection" error, with no listener on that pool, ended the process.
    const pgPool = new pg.Pool({ connectionString: url });
    pgPool.on('error', () => {});
    pgPool.on('connect', (client) => client.on('error', () => {}));
    const utils = await makeWorkerUtils({ pgPool, logger });
    try {
      await utils.migrate(); // schema set-up stays out of the timed part, as Ratchet's migrations do
    } catch (err) {
      await utils.release();
      await pgPool.end();
      throw err;
    }
    const batching = batched
      ? {
          localQueue: { size: LOCAL_QUEUE_SIZE },
          completeJobBatchDelay: 0,
          failJobBatchDelay: 0,
          useNodeTime: true,
        }
      : {};
    let runner: Runner | undefined;
    const contestant: Contestant = {
      settings: {
        version,
        options: batched ? batching : 'defaults',
        concurrency: 'run({ concurrency })',
        started: 'handler begins',
        finished: "'job:complete' event (emitted when the handler returns; the completion write follows)",
      },
      async backlog(n) {
        await utils.addJobs(Array.from({ length: n }, (_, j) => ({ identifier: 'noop', payload: { j } })));
      },
      async startWorkers(concurrency) {
        // Listening before run() resolves: workers may finish jobs of the backlog before it does.
        const events: WorkerEvents = new EventEmitter();
        events.on('job:complete', ({ job, error }) =>
          hooks.finished(job.id, error !== undefined && error !== null),
        );
        runner = await run({
          pgPool,
          concurrency,
          logger,
          events,
          noHandleSignals: true,
          taskList: {
            noop: (_payload, helpers) => void hooks.started(helpers.job.id),
            fib: (payload, helpers) => {
              hooks.started(helpers.job.id);
              fib((payload as { n: number }).n);
            },
          },
          preset: { worker: batching },
        });
      },
      async enqueue(kind, input) {
        const job = await (runner ?? utils).addJob(kind, input);
        return job.id;
      },
      async enqueueBulk(items) {
        const jobs = await utils.addJobs(items.map((payload) => ({ identifier: 'bulk', payload })));
        return jobs.length;
      },
      async close() {
        try {
          await runner?.stop();
        } finally {
          await utils.release();
          await pgPool.end();
        }
      },
    };
    return contestant;
  };
}
