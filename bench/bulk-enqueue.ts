// Bulk enqueue (issue 22's target: 5,000 jobs in ≤ 100 ms on both engines; the peers take 66–75 ms):
// per backend, a fresh database and no workers, 5,000 jobs of a task with an input schema queued in
// one enqueueMany call (each input validated, one transaction), five times, median reported; beside
// it, the same 5,000 queued with one enqueueJob call each, for scale.
// Prints one JSON object. Run: npx node bench/bulk-enqueue.ts
import { performance } from 'node:perf_hooks';
import { enqueueJob, enqueueMany } from '../src/services/jobs/index.ts';
import type { Dialect } from '../src/store/database.ts';
import { createTestApp, saveTask } from '../src/workers/test-helpers.ts';
import { percentile, report, round } from './lib.ts';

const JOBS = 5000;
const RUNS = 5;
const SCHEMA = {
  type: 'object',
  required: ['n', 'name'],
  properties: { n: { type: 'integer' }, name: { type: 'string' } },
};

async function benchBackend(dialect: Dialect) {
  const t = await createTestApp(dialect, {
    workers: { worker_count: 0 },
    job_queue: { max_queue_size: 1_000_000 },
  });
  try {
    await saveTask(t.app, 'typed', 'function main(i) { return i; }', {}, SCHEMA);
    const jobs = Array.from({ length: JOBS }, (_, n) => ({ input: { n, name: `item ${n}` } }));
    await enqueueMany(t.app, { task: 'typed', jobs: jobs.slice(0, 100) }); // warm: schema, statements
    const bulk: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const r = await enqueueMany(t.app, { task: 'typed', jobs });
      bulk.push(performance.now() - start);
      if (r.created !== JOBS) throw new Error(`queued ${r.created} of ${JOBS}`);
    }
    const start = performance.now();
    for (const job of jobs) await enqueueJob(t.app, { task: 'typed', input: job.input });
    const oneByOne = performance.now() - start;
    const p50 = percentile(bulk, 50);
    return {
      bulkEnqueue5000P50Ms: p50,
      bulkEnqueue5000Runs: bulk.map((v) => round(v, 1)),
      bulkJobsPerSecond: Math.round(JOBS / (p50 / 1000)),
      oneCallPerJob5000Ms: round(oneByOne, 1),
    };
  } finally {
    await t.close();
  }
}

report('bulk-enqueue', {
  jobs: JOBS,
  target: '≤ 100 ms for 5,000 jobs',
  sqlite: await benchBackend('sqlite'),
  postgres: await benchBackend('postgres'),
});
