// Queue benchmark, per backend (SQLite temp file, fresh PostgreSQL database), with the default
// executor pool (one thread per core):
// - throughput: 5,000 queued no-op jobs run end to end (claim → sandbox → execution stored);
// - the same with a task that has input and output schemas, 1 KB of input and 1 KB of output per
//   job (`throughputSchemas1k`), so the cost of validation and of the bigger rows shows;
// - the same with a no-op task that writes one console line per run (`throughputLogging`): lines
//   are stored with the execution and streamed to live watchers (on PostgreSQL, to other nodes);
// - enqueue-to-start latency on an idle queue: 200 jobs, one at a time, enqueue call → dispatch to
//   an executor thread;
// - the "40 lightweight tasks" chain: 40 sequential fib(10) jobs, each enqueued after the previous
//   finished (enqueue → stored result → listener), total time.
// Prints one JSON object. Run: npx node bench/queue.ts
import { performance } from 'node:perf_hooks';
import { startWorkers } from '../src/app.ts';
import { enqueueJob } from '../src/services/jobs/index.ts';
import { insertJob } from '../src/store/repos/jobs.ts';
import { getTask } from '../src/store/repos/tasks.ts';
import type { Dialect } from '../src/store/database.ts';
import { createTestApp, saveTask } from '../src/workers/test-helpers.ts';
import { percentile, report, round } from './lib.ts';

const BACKLOG = 5000;
// The 1 KB task: a string of 1,000 characters in and out, both sides checked against a schema.
const KB_SCHEMA = {
  type: 'object',
  required: ['s', 'n'],
  properties: { s: { type: 'string', maxLength: 2000 }, n: { type: 'integer' } },
  additionalProperties: false,
};
const KB_STRING = 'x'.repeat(1000);
const LATENCY_JOBS = 200;
const CHAIN = 40;

async function benchBackend(dialect: Dialect) {
  const t = await createTestApp(dialect, {
    workers: { worker_count: 0 },
    job_queue: { poll_interval_ms: 1000 },
  });
  try {
    await saveTask(t.app, 'noop', 'function main(i) { return i; }');
    await saveTask(
      t.app,
      'fib',
      'function main(i) { const f = (n) => (n < 2 ? n : f(n - 1) + f(n - 2)); return { v: f(i.n) }; }',
    );
    await saveTask(t.app, 'logs', 'function main(i) { console.log("job", i.j); return i; }');
    await saveTask(
      t.app,
      'kb',
      'function main(i) { return { s: i.s, n: i.n + 1 }; }',
      {},
      KB_SCHEMA,
      KB_SCHEMA,
    );
    const waiters = new Map<number, () => void>();
    // A job may finish before enqueueJob returns (the worker is in this process): remember it.
    const finishedIds = new Set<number>();
    const whenFinished = (id: number, fn: () => void): void => {
      if (finishedIds.has(id)) fn();
      else waiters.set(id, fn);
    };
    let finished = 0;
    let target = BACKLOG;
    let allDone: (() => void) | undefined;
    let notCompleted = 0;
    t.app.jobEvents.on((e) => {
      finished++;
      if (e.status !== 'COMPLETED') notCompleted++;
      finishedIds.add(e.job.id);
      waiters.get(e.job.id)?.();
      if (finished === target) allDone?.();
    });

    // Throughput from a backlog: `BACKLOG` jobs queued, then a worker node started; the node is
    // returned still running.
    const throughput = async (name: string, input: (j: number) => unknown) => {
      const task = (await getTask(t.app.store.db, name))!;
      for (let i = 0; i < BACKLOG; i += 500) {
        await t.app.store.db.transaction().execute(async (trx) => {
          for (let j = i; j < Math.min(BACKLOG, i + 500); j++)
            await insertJob(trx, { taskId: task.id, input: input(j) });
        });
      }
      target = finished + BACKLOG;
      const done = new Promise<void>((resolve) => (allDone = resolve));
      const start = performance.now();
      const cpu0 = process.cpuUsage();
      const elu = performance.eventLoopUtilization();
      const node = await startWorkers(t.app, {
        log: process.env.BENCH_LOG ? (m) => console.error(m) : () => {},
      });
      await done;
      const seconds = (performance.now() - start) / 1000;
      if (notCompleted > 0) throw new Error(`${notCompleted} ${name} job(s) did not complete`);
      // CPU of every thread of the process (main, executors, SQLite, PostgreSQL client) per job.
      const cpu = process.cpuUsage(cpu0);
      // Main-thread busy time per job: claims, result writes and dispatch, the part threads cannot share.
      const mainMsPerJob = performance.eventLoopUtilization(elu).active / BACKLOG;
      const figures = {
        jobs: BACKLOG,
        seconds: round(seconds),
        jobsPerSecond: Math.round(BACKLOG / seconds),
        mainThreadMsPerJob: round(mainMsPerJob),
        processCpuMsPerJob: round((cpu.user + cpu.system) / 1000 / BACKLOG),
      };
      return { node, figures };
    };
    const { node, figures: noop } = await throughput('noop', (j) => ({ j }));
    const threads = node.pool.size;

    // Enqueue-to-start on an idle queue.
    const dispatched = new Map<number, number>();
    const run = node.pool.run.bind(node.pool);
    node.pool.run = (req, onProgress) => {
      dispatched.set(req.jobId, performance.now());
      return run(req, onProgress);
    };
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_JOBS; i++) {
      const before = performance.now();
      let resolveFinished!: () => void;
      const fin = new Promise<void>((r) => (resolveFinished = r));
      const { job } = await enqueueJob(t.app, { task: 'noop', input: { i } });
      whenFinished(job.id, resolveFinished);
      await fin;
      latencies.push(dispatched.get(job.id)! - before);
    }

    // 40 sequential fib(10) jobs.
    const chainStart = performance.now();
    for (let i = 0; i < CHAIN; i++) {
      await new Promise<void>((resolve) => {
        void enqueueJob(t.app, { task: 'fib', input: { n: 10 } }).then(({ job }) =>
          whenFinished(job.id, resolve),
        );
      });
    }
    const chainSeconds = (performance.now() - chainStart) / 1000;
    await node.stop(1000);

    // Throughput of the 1 KB task with both schemas, on a fresh worker node.
    const kb = await throughput('kb', (n) => ({ s: KB_STRING, n }));
    await kb.node.stop(1000);
    // And of the task that logs a line per run.
    const logging = await throughput('logs', (j) => ({ j }));
    await logging.node.stop(1000);
    return {
      threads,
      throughput: noop,
      throughputSchemas1k: kb.figures,
      throughputLogging: logging.figures,
      enqueueToStartMs: {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        jobs: LATENCY_JOBS,
      },
      chain40: { seconds: round(chainSeconds), perJobMs: round((chainSeconds * 1000) / CHAIN) },
    };
  } finally {
    await t.close();
  }
}

// `npx node bench/queue.ts sqlite` (or postgres) runs one backend, e.g. under --cpu-prof.
const only = process.argv[2] as Dialect | undefined;
if (only !== undefined && only !== 'sqlite' && only !== 'postgres') {
  throw new Error(`unknown backend "${only}"; give sqlite, postgres or nothing (both)`);
}
const figures: Record<string, unknown> = {};
for (const dialect of ['sqlite', 'postgres'] as const) {
  if (only === undefined || only === dialect) figures[dialect] = await benchBackend(dialect);
}
report('queue', figures);
