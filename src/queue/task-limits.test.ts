// Concurrency limits from server.job_queue.task_concurrency and metadata.json max_concurrency
// (the lower wins), on both backends; and enqueueJob's check of output destinations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBackend } from '../store/test-helpers/backends.ts';
import { seedTask } from '../store/test-helpers/fixtures.ts';
import { insertJob } from '../store/repos/jobs.ts';
import { saveTaskVersion } from '../store/repos/tasks.ts';
import { openQueueBackend } from './open-backend.ts';
import { effectiveLimit } from './task-limits.ts';
import { enqueueJob } from '../services/jobs/index.ts';
import { ValidationError } from '../services/errors.ts';
import { createTestApp, saveTask } from '../workers/test-helpers.ts';

const T0 = 1_800_000_000_000;
const LEASE = 30_000;

test('effectiveLimit: the lower of metadata and configuration', () => {
  assert.equal(effectiveLimit(undefined, undefined), undefined);
  assert.equal(effectiveLimit(3, undefined), 3);
  assert.equal(effectiveLimit(undefined, 2), 2);
  assert.equal(effectiveLimit(3, 1), 1);
  assert.equal(effectiveLimit(1, 5), 1);
});

forEachBackend(
  'task_concurrency caps a task by name; with metadata max_concurrency the lower wins',
  async (store) => {
    const { db } = store;
    const capped = await seedTask(db, 'capped');
    const both = await seedTask(db, 'both');
    await saveTaskVersion(db, {
      taskId: both.taskId,
      version: '2.0.0',
      code: '(i) => i',
      metadata: { max_concurrency: 3 },
      checksum: 'both-2',
      changeSource: 'cli',
    });
    const free = await seedTask(db, 'free');
    for (let i = 0; i < 4; i++) {
      await insertJob(db, { taskId: capped.taskId, runAt: T0, priority: 10 });
      await insertJob(db, { taskId: both.taskId, runAt: T0, priority: 10 });
    }
    await insertJob(db, { taskId: free.taskId, runAt: T0 });
    const taskLimits = { capped: 2, both: 1, unrelated: 1 };
    const claim = (workerId: string) =>
      openQueueBackend(store).claim({ workerId, limit: 20, leaseMs: LEASE, now: T0, taskLimits });
    const first = await claim('a');
    const count = (taskId: number) => first.filter((c) => c.job.taskId === taskId).length;
    assert.equal(count(capped.taskId), 2, 'configured limit');
    assert.equal(count(both.taskId), 1, 'config 1 is lower than metadata 3');
    assert.equal(count(free.taskId), 1, 'no limit');
    assert.deepEqual(await claim('b'), [], 'every limited task is at its limit');
    // Without the configuration only metadata applies: `both` may run 3, `capped` is unlimited.
    const more = await openQueueBackend(store).claim({ workerId: 'c', limit: 20, leaseMs: LEASE, now: T0 });
    assert.equal(more.filter((c) => c.job.taskId === both.taskId).length, 2);
    assert.equal(more.filter((c) => c.job.taskId === capped.taskId).length, 2);
  },
);

for (const dialect of ['sqlite', 'postgres'] as const) {
  test(`enqueueJob refuses invalid output destinations, naming the path [${dialect}]`, async () => {
    const t = await createTestApp(dialect);
    try {
      await saveTask(t.app, 'plain', 'function main(i) { return i; }');
      await assert.rejects(
        enqueueJob(t.app, {
          task: 'plain',
          outputDestinations: [{ type: 'stdio' }, { type: 'webhook', url: 'ftp://example.test/x' }],
        }),
        (e: Error) => {
          assert.ok(e instanceof ValidationError, String(e));
          assert.ok(
            e.violations.some((v) => v.path.startsWith('$.outputDestinations[1]')),
            JSON.stringify(e.violations),
          );
          return true;
        },
      );
      await assert.rejects(
        enqueueJob(t.app, { task: 'plain', outputDestinations: [{ type: 'carrier-pigeon' }] }),
        (e: Error) =>
          e instanceof ValidationError && /\$\.outputDestinations\[0\]/.test(JSON.stringify(e.violations)),
      );
      assert.equal(
        (await t.app.store.db.selectFrom('jobs').select('id').execute()).length,
        0,
        'nothing queued',
      );
      const { job } = await enqueueJob(t.app, {
        task: 'plain',
        outputDestinations: [{ type: 'filesystem', path: 'out.json' }],
      });
      assert.deepEqual(job.outputDestinations, [{ type: 'filesystem', path: 'out.json' }]);
    } finally {
      await t.close();
    }
  });
}
