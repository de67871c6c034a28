// A worker whose last claim came back short does not claim again when a thread frees up: in a
// chain (each job enqueued after the previous finished) that is one claim per job, not two. The
// enqueue's wake-up still starts every job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorkers } from '../app.ts';
import { enqueueJob } from '../services/jobs/index.ts';
import { createTestApp, saveTask } from './test-helpers.ts';

const CHAIN = 10;

for (const dialect of ['sqlite', 'postgres'] as const) {
  void test(`a chain of jobs costs one claim per job [${dialect}]`, async () => {
    // No poll during the test: every claim comes from a wake-up or a freed thread.
    const t = await createTestApp(dialect, { job_queue: { poll_interval_ms: 600_000 } });
    try {
      await saveTask(t.app, 'one', 'function main(i) { return { n: i.n + 1 }; }');
      const waiting = new Map<number, (status: string) => void>();
      const finished = new Map<number, string>();
      t.app.jobEvents.on((e) => {
        finished.set(e.job.id, e.status);
        waiting.get(e.job.id)?.(e.status);
      });
      const node = await startWorkers(t.app, { log: () => {} });
      try {
        const before = node.queue.claims;
        for (let n = 0; n < CHAIN; n++) {
          const status = await new Promise<string>((resolve) => {
            void enqueueJob(t.app, { task: 'one', input: { n } }).then(({ job }) => {
              const done = finished.get(job.id);
              if (done) resolve(done);
              else waiting.set(job.id, resolve);
            });
          });
          assert.equal(status, 'COMPLETED');
        }
        const claims = node.queue.claims - before;
        assert.ok(claims <= CHAIN + 1, `${claims} claims for ${CHAIN} chained jobs`);
      } finally {
        await node.stop(1000);
      }
    } finally {
      await t.close();
    }
  });
}
