// enqueueMany on both backends: all-or-nothing (nothing stored when one item is bad, every bad item
// named by index), partial mode, idempotency keys within the batch and against stored jobs,
// per-item options, one wake-up, and 10,000 jobs in one call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enqueueJob, enqueueMany, MAX_BATCH_JOBS } from './jobs/index.ts';
import { getJobRecord } from './jobs/control.ts';
import { QueueFullError, ValidationError } from './errors.ts';
import { createTestApp, saveTask } from '../workers/test-helpers.ts';

const schema = { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } };

async function countJobs(t: Awaited<ReturnType<typeof createTestApp>>): Promise<number> {
  const row = await t.app.store.db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  test(`enqueueMany: all or nothing, partial, idempotency keys, options, one wake-up [${dialect}]`, async () => {
    const t = await createTestApp(dialect, { job_queue: { default_max_retries: 7 } });
    try {
      await saveTask(t.app, 'typed', 'function main(i) { return i; }', {}, schema);
      let wakes = 0;
      const unsubscribe = await t.app.queue.notifier.subscribe(() => wakes++);

      await assert.rejects(
        enqueueMany(t.app, {
          task: 'typed',
          jobs: [{ input: { n: 1 } }, { input: { n: 'x' } }, { input: { n: 3 }, priority: 'SOON' }],
        }),
        (e: Error) => {
          assert.ok(e instanceof ValidationError);
          assert.match(e.message, /2 of 3 jobs are invalid; none was queued/);
          assert.deepEqual(
            e.violations.map((v) => v.path),
            ['$.jobs[1].input.n', '$.jobs[2].priority'],
          );
          return true;
        },
      );
      assert.equal(await countJobs(t), 0, 'nothing stored');

      const partial = await enqueueMany(t.app, {
        task: 'typed',
        partial: true,
        jobs: [{ input: { n: 1 } }, { input: {} }, { input: { n: 2 }, priority: 'HIGH', delayMs: 60_000 }],
      });
      assert.deepEqual(
        partial.jobs.map((j) => [j.index, j.created, j.job.priority]),
        [
          [0, true, 5],
          [2, true, 10],
        ],
      );
      assert.deepEqual(partial.rejected, [
        { index: 1, violations: [{ path: '$.jobs[1].input.n', message: 'is required' }] },
      ]);
      assert.ok(Date.parse(partial.jobs[1]!.job.runAt) > Date.now() + 50_000);
      // The records the call returns are the stored rows, field for field.
      for (const { job } of partial.jobs) assert.deepEqual(job, await getJobRecord(t.app, job.id));
      assert.equal(partial.jobs[0]!.job.maxRetries, 7);

      const stored = await enqueueJob(t.app, { task: 'typed', input: { n: 9 }, idempotencyKey: 'old' });
      const keyed = await enqueueMany(t.app, {
        task: 'typed',
        jobs: [
          { input: { n: 1 }, idempotencyKey: 'a' },
          { input: { n: 2 }, idempotencyKey: 'old' },
          { input: { n: 3 }, idempotencyKey: 'a' },
          { input: { n: 4 }, maxRetries: 0, timeoutMs: 500 },
        ],
      });
      assert.deepEqual(
        keyed.jobs.map((j) => [j.index, j.created]),
        [
          [0, true],
          [1, false],
          [2, false],
          [3, true],
        ],
      );
      assert.equal(keyed.created, 2);
      assert.equal(keyed.jobs[1]!.job.id, stored.job.id, 'the stored job of key "old"');
      assert.equal(keyed.jobs[2]!.job.id, keyed.jobs[0]!.job.id, 'the batch job of key "a"');
      assert.deepEqual([keyed.jobs[3]!.job.maxRetries, keyed.jobs[3]!.job.timeoutMs], [0, 500]);
      assert.equal(await countJobs(t), 2 + 1 + 2);
      assert.ok(wakes >= 2, 'each batch that stored jobs woke the workers');
      unsubscribe();

      await assert.rejects(
        enqueueMany(t.app, { task: 'typed', jobs: [] }),
        /\$\.jobs must be a non-empty array/,
      );
      await assert.rejects(enqueueMany(t.app, { task: 'nope', jobs: [{}] }), /no task "nope"/);
      const tooMany = Array.from({ length: MAX_BATCH_JOBS + 1 }, () => ({ input: { n: 1 } }));
      await assert.rejects(enqueueMany(t.app, { task: 'typed', jobs: tooMany }), /at most 10000/);
    } finally {
      await t.close();
    }
  });

  test(`the queue-size guard counts what batches stored, not what they sent [${dialect}]`, async () => {
    const t = await createTestApp(dialect, {
      workers: { worker_count: 0 },
      job_queue: { max_queue_size: 10 },
    });
    try {
      await saveTask(t.app, 'typed', 'function main(i) { return i; }', {}, schema);
      const keyed = Array.from({ length: 5 }, (_, n) => ({ input: { n }, idempotencyKey: `k${n}` }));
      assert.equal((await enqueueMany(t.app, { task: 'typed', jobs: keyed })).created, 5);
      // Every key matches a stored job: nothing added, so the room is still 5.
      assert.equal((await enqueueMany(t.app, { task: 'typed', jobs: keyed })).created, 0);
      const five = Array.from({ length: 5 }, (_, n) => ({ input: { n } }));
      assert.equal((await enqueueMany(t.app, { task: 'typed', jobs: five })).created, 5);
      await assert.rejects(
        enqueueMany(t.app, { task: 'typed', jobs: [{ input: { n: 1 } }] }),
        (e: Error) => e instanceof QueueFullError,
      );
      assert.equal(await countJobs(t), 10);
      await t.app.store.db.deleteFrom('jobs').where('idempotency_key', 'is not', null).execute();
      t.app.queueCaches.claimable = undefined; // as one second later: 5 wait
      // A refused batch takes no room: after it, 5 more still fit.
      await assert.rejects(
        enqueueMany(t.app, { task: 'typed', jobs: [...five, ...five] }),
        (e: Error) => e instanceof QueueFullError,
      );
      assert.equal((await enqueueMany(t.app, { task: 'typed', jobs: five })).created, 5);
    } finally {
      await t.close();
    }
  });

  test(`enqueueMany stores 10,000 jobs in one call, in order; a full queue refuses the batch [${dialect}]`, async () => {
    const t = await createTestApp(dialect, { job_queue: { max_queue_size: 10_050 } });
    try {
      await saveTask(t.app, 'typed', 'function main(i) { return i; }', {}, schema);
      const jobs = Array.from({ length: 10_000 }, (_, n) => ({ input: { n } }));
      const r = await enqueueMany(t.app, { task: 'typed', jobs });
      assert.equal(r.created, 10_000);
      assert.deepEqual(
        r.jobs.slice(0, 3).map((j) => j.job.input),
        [{ n: 0 }, { n: 1 }, { n: 2 }],
      );
      assert.deepEqual(r.jobs.at(-1)!.job.input, { n: 9999 });
      assert.equal(new Set(r.jobs.map((j) => j.job.id)).size, 10_000);
      assert.equal(await countJobs(t), 10_000);
      await assert.rejects(
        enqueueMany(t.app, { task: 'typed', jobs: jobs.slice(0, 100) }),
        (e: Error) => e instanceof QueueFullError && /100 more jobs would pass/.test(e.message),
      );
      assert.equal(await countJobs(t), 10_000);
    } finally {
      await t.close();
    }
  });
}
