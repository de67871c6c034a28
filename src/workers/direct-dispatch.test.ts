// Direct dispatch, on both engines: a job enqueued while this process's worker is idle is inserted
// already claimed and runs once, with one execution; delayed jobs, reused idempotency keys and
// concurrency-limited queues take the normal path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorkers } from '../app.ts';
import { enqueueJob } from '../services/jobs/index.ts';
import type { JobFinishedEvent } from '../queue/events.ts';
import { createTestApp, saveTask, type TestApp } from './test-helpers.ts';

async function withWorker(
  dialect: 'sqlite' | 'postgres',
  over: Record<string, unknown>,
  fn: (t: TestApp, node: Awaited<ReturnType<typeof startWorkers>>) => Promise<void>,
): Promise<void> {
  const t = await createTestApp(dialect, over);
  try {
    await saveTask(t.app, 'echo', 'function main(i) { return { j: i.j }; }');
    const node = await startWorkers(t.app, { log: () => {} });
    try {
      await fn(t, node);
    } finally {
      await node.stop(1000);
    }
  } finally {
    await t.close();
  }
}

function finishedEvents(t: TestApp): (id: number) => Promise<JobFinishedEvent> {
  const seen = new Map<number, JobFinishedEvent>();
  const waiting = new Map<number, (e: JobFinishedEvent) => void>();
  t.app.jobEvents.on((e) => {
    assert.equal(seen.has(e.job.id), false, `job ${e.job.id} finished twice`);
    seen.set(e.job.id, e);
    waiting.get(e.job.id)?.(e);
  });
  return (id) => {
    const hit = seen.get(id);
    return hit ? Promise.resolve(hit) : new Promise((resolve) => waiting.set(id, resolve));
  };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  void test(`an idle worker takes jobs enqueued in its process without a claim [${dialect}]`, async () => {
    await withWorker(dialect, { workers: { worker_count: 2 } }, async (t, node) => {
      const finished = finishedEvents(t);
      // The worker's first claim finds the queue empty; from then on it is drained.
      while (node.queue.claims === 0) await new Promise((r) => setTimeout(r, 5));
      for (let j = 0; j < 20; j++) {
        const { job, created } = await enqueueJob(t.app, { task: 'echo', input: { j } });
        assert.equal(created, true);
        const e = await finished(job.id);
        assert.equal(e.status, 'COMPLETED');
        assert.deepEqual(e.execution.output, { j });
        assert.equal(e.job.attempts, 1);
      }
      assert.ok(node.queue.directClaims >= 15, `direct claims: ${node.queue.directClaims}`);
      const rows = await t.app.store.db.selectFrom('executions').select(['job_id', 'attempt']).execute();
      assert.equal(rows.length, 20, 'one execution per job');

      // A reused idempotency key returns the first job and inserts nothing.
      const first = await enqueueJob(t.app, { task: 'echo', input: { j: 1 }, idempotencyKey: 'once' });
      const again = await enqueueJob(t.app, { task: 'echo', input: { j: 2 }, idempotencyKey: 'once' });
      assert.equal(again.created, false);
      assert.equal(again.job.id, first.job.id);
      await finished(first.job.id);

      // A delayed job waits in the queue until it is due.
      const before = node.queue.directClaims;
      // Read before the enqueue: the job is due 300 ms after the enqueue's own clock reading, which
      // a loaded machine can put well after the call began.
      const started = Date.now();
      const delayed = await enqueueJob(t.app, { task: 'echo', input: { j: 3 }, delayMs: 300 });
      assert.equal(delayed.job.status, 'QUEUED');
      await finished(delayed.job.id);
      assert.ok(Date.now() - started >= 250);
      assert.equal(node.queue.directClaims, before);
    });
  });

  void test(`with a concurrency limit configured, jobs always go through the queue [${dialect}]`, async () => {
    await withWorker(
      dialect,
      { workers: { worker_count: 2 }, job_queue: { task_concurrency: { echo: 1 } } },
      async (t, node) => {
        const finished = finishedEvents(t);
        while (node.queue.claims === 0) await new Promise((r) => setTimeout(r, 5));
        for (let j = 0; j < 5; j++) {
          const { job } = await enqueueJob(t.app, { task: 'echo', input: { j } });
          await finished(job.id);
        }
        assert.equal(node.queue.directClaims, 0);
      },
    );
  });
}
