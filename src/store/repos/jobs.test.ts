import assert from 'node:assert/strict';
import { forEachBackend } from '../test-helpers/backends.ts';
import { seedTask } from '../test-helpers/fixtures.ts';
import {
  JOB_PRIORITY,
  countJobsByStatus,
  getJob,
  insertJob,
  listJobs,
  priorityName,
  requestJobCancel,
} from './jobs.ts';

forEachBackend('insertJob stores input, priority and destinations; getJob by id and uuid', async ({ db }) => {
  const { taskId, versionId } = await seedTask(db, 'jobbed');
  const runAt = '2030-01-02T03:04:05.678Z';
  const { job, created } = await insertJob(db, {
    taskId,
    taskVersionId: versionId,
    input: { a: [1, 2], s: 'x' },
    priority: JOB_PRIORITY.HIGH,
    runAt,
    maxRetries: 7,
    timeoutMs: 1500,
    outputDestinations: [{ type: 'stdio', stream: 'stdout' }],
  });
  assert.equal(created, true);
  assert.equal(job.status, 'QUEUED');
  assert.deepEqual(job.input, { a: [1, 2], s: 'x' });
  assert.equal(job.priority, 10);
  assert.equal(job.runAt, runAt);
  assert.equal(job.maxRetries, 7);
  assert.equal(job.timeoutMs, 1500);
  assert.equal(job.attempts, 0);
  assert.equal(job.cancelRequested, false);
  assert.deepEqual(job.outputDestinations, [{ type: 'stdio', stream: 'stdout' }]);
  assert.deepEqual(await getJob(db, job.id), job);
  assert.deepEqual(await getJob(db, job.uuid), job);
  assert.deepEqual(await getJob(db, String(job.id)), job);
  assert.equal(await getJob(db, 424242), undefined);
  const latest = await insertJob(db, { taskId });
  assert.equal(latest.job.taskVersionId, null);
  assert.equal(latest.job.priority, JOB_PRIORITY.NORMAL);
});

forEachBackend('the same idempotency key returns the existing job', async ({ db }) => {
  const { taskId } = await seedTask(db, 'once');
  const first = await insertJob(db, { taskId, input: { n: 1 }, idempotencyKey: 'order-17' });
  const second = await insertJob(db, { taskId, input: { n: 2 }, idempotencyKey: 'order-17' });
  assert.equal(second.created, false);
  assert.equal(second.job.id, first.job.id);
  assert.deepEqual(second.job.input, { n: 1 });
  // Jobs without a key never collide.
  await insertJob(db, { taskId });
  await insertJob(db, { taskId });
  assert.equal((await listJobs(db)).total, 3);
  // Inside a transaction, the conflict does not abort the caller's work.
  await db.transaction().execute(async (trx) => {
    const again = await insertJob(trx, { taskId, idempotencyKey: 'order-17' });
    assert.equal(again.created, false);
    await insertJob(trx, { taskId, idempotencyKey: 'order-18' });
  });
  assert.equal((await listJobs(db)).total, 4);
});

forEachBackend('listJobs sorts priorities numerically and filters by status', async ({ db }) => {
  const { taskId } = await seedTask(db, 'prio');
  for (const priority of [5, 20, 0, 10, 100]) await insertJob(db, { taskId, priority });
  const byPriority = await listJobs(db, { sort: { field: 'priority', order: 'desc' } });
  assert.deepEqual(
    byPriority.rows.map((j) => j.priority),
    [100, 20, 10, 5, 0],
  );
  const cancelled = await requestJobCancel(db, byPriority.rows[0]!.id);
  assert.equal(cancelled?.cancelRequested, true);
  const high = await listJobs(db, { filters: [{ field: 'priority', op: 'gte', value: '10' }] });
  assert.equal(high.total, 3);
  assert.equal((await listJobs(db, { filters: [{ field: 'status', op: 'ne', value: 'QUEUED' }] })).total, 0);
  assert.equal((await countJobsByStatus(db)).QUEUED, 5);
  assert.equal(priorityName(100), 'CRITICAL');
  assert.equal(priorityName(5), 'NORMAL');
  assert.equal(priorityName(-3), 'LOW');
  await assert.rejects(insertJob(db, { taskId, priority: 1.5 }), /must be an integer/);
});
