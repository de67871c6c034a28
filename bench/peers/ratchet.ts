// Ratchet as a contestant, as `ratchet worker` runs it: the built package (dist/, which `npm ci`
// builds; run.ts refuses a dist/ older than the sources before any child starts), through the code paths bench/queue.ts and
// bench/bulk-enqueue.ts use: an application on the given store, tasks saved from inline code, a
// worker node started in this process (startWorkers), jobs queued with enqueueJob / enqueueMany.
// Every job runs in the QuickJS sandbox and stores an execution record; the peers' handlers do
// nothing. From src/ instead, every executor thread would also strip TypeScript as it loads
// (~30 ms more per thread start), which no user's worker does.
// Concurrency = executor threads of the worker node (startWorkers' `threads`, which is what
// server.workers.worker_count sets for `ratchet worker`); claims stay at the configured batch size
// and per-thread prefetch.
import type * as App from '../../src/app.ts';
import type * as Jobs from '../../src/services/jobs/index.ts';
import type * as Version from '../../src/version.ts';
import type * as Config from '../../src/config/schema.ts';
import type * as StoredVersions from '../../src/tasks/stored-versions.ts';
import type * as Load from '../../src/tasks/load.ts';
import type { Contestant, Hooks, OpenContestant } from './scenarios.ts';

const built = <T>(path: string): Promise<T> => import(new URL(`../../dist/${path}`, import.meta.url).href);
const { createRatchet, startWorkers } = await built<typeof App>('app.js');
const { enqueueJob, enqueueMany } = await built<typeof Jobs>('services/jobs/index.js');
const { ratchetVersion } = await built<typeof Version>('version.js');
const { ConfigSchema } = await built<typeof Config>('config/schema.js');
const { savePackage } = await built<typeof StoredVersions>('tasks/stored-versions.js');
const { loadTaskFromFiles } = await built<typeof Load>('tasks/load.js');

// The schema bench/bulk-enqueue.ts validates each bulk item against.
const BULK_SCHEMA = {
  type: 'object',
  required: ['n', 'name'],
  properties: { n: { type: 'integer' }, name: { type: 'string' } },
};

type Ratchet = Awaited<ReturnType<typeof createRatchet>>;

async function saveTask(app: Ratchet, name: string, code: string, inputSchema?: unknown): Promise<void> {
  const files: Record<string, string> = {
    'metadata.json': JSON.stringify({ name, version: '1.0.0' }),
    'main.js': code,
  };
  if (inputSchema !== undefined) files['input.schema.json'] = JSON.stringify(inputSchema);
  await savePackage(app.store.db, loadTaskFromFiles(files, { kind: 'store' }), { changeSource: 'cli' });
}

export const openRatchet: OpenContestant = async (url: string, _redisPrefix: string, hooks: Hooks) => {
  // As the worker tests' configuration (workers/test-helpers.ts testConfig), with no embedded workers.
  const app = await createRatchet(
    ConfigSchema.parse({
      server: {
        database: { url },
        job_queue: {
          poll_interval_ms: 1000,
          lease_seconds: 5,
          default_retry_delay: 1,
          max_queue_size: 1_000_000,
        },
        workers: { worker_count: 0, health_check_interval_seconds: 1 },
      },
    }),
  );
  let node: Awaited<ReturnType<typeof startWorkers>> | undefined;
  try {
    app.jobEvents.on((e) => hooks.finished(String(e.job.id), e.status !== 'COMPLETED'));
    await saveTask(app, 'noop', 'function main(i) { return i; }');
    await saveTask(
      app,
      'fib',
      'function main(i) { const f = (n) => (n < 2 ? n : f(n - 1) + f(n - 2)); return { v: f(i.n) }; }',
    );
    await saveTask(app, 'bulk', 'function main(i) { return i; }', BULK_SCHEMA);
  } catch (err) {
    await app.close();
    throw err;
  }
  const q = app.config.server.job_queue;
  const w = app.config.server.workers;
  const contestant: Contestant = {
    settings: {
      version: ratchetVersion(),
      backend: app.store.dialect,
      concurrency: 'executor threads of the worker node (startWorkers threads)',
      max_dequeue_batch_size: q.max_dequeue_batch_size,
      prefetch_per_thread: w.prefetch_per_thread,
      poll_interval_ms: q.poll_interval_ms,
      lease_seconds: q.lease_seconds,
      jobs: 'QuickJS sandbox run + stored execution per job; bulk items validated against an input schema',
      started: 'the run is handed to an executor thread',
      finished: 'result stored, job-finished event',
    },
    async backlog(n) {
      await enqueueMany(app, { task: 'noop', jobs: Array.from({ length: n }, (_, j) => ({ input: { j } })) });
    },
    async startWorkers(concurrency) {
      const log = process.env.BENCH_LOG ? (m: string) => console.error(m) : () => {};
      node = await startWorkers(app, { threads: concurrency, log });
      const run = node.pool.run.bind(node.pool);
      node.pool.run = (req, onProgress) => {
        hooks.started(String(req.jobId));
        return run(req, onProgress);
      };
    },
    async enqueue(kind, input) {
      const { job } = await enqueueJob(app, { task: kind, input });
      return String(job.id);
    },
    async enqueueBulk(items) {
      const r = await enqueueMany(app, { task: 'bulk', jobs: items.map((input) => ({ input })) });
      return r.created;
    },
    async close() {
      try {
        await node?.stop(1000);
      } finally {
        await app.close();
      }
    },
  };
  return contestant;
};
