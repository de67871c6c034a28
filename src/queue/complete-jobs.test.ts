// Batched completions on both backends (PostgreSQL: one prepared statement over unnest() arrays,
// reused across batch sizes): owned attempts are stored with their output, logs and duration; a
// stale attempt is discarded without touching its job.
import assert from 'node:assert/strict';
import { forEachBackend } from '../store/test-helpers/backends.ts';
import { seedTask } from '../store/test-helpers/fixtures.ts';
import { getJob, insertJob } from '../store/repos/jobs.ts';
import { getExecution } from '../store/repos/executions.ts';
import type { ClaimedJob } from './claim-jobs.ts';
import { openQueueBackend } from './open-backend.ts';
import type { AttemptResult } from './attempt.ts';

const T0 = 1_800_000_000_000;

function resultOf(c: ClaimedJob, over: Partial<AttemptResult> = {}): AttemptResult {
  return {
    jobId: c.job.id,
    attempt: c.job.attempts,
    executionId: c.executionId,
    workerId: 'w1',
    status: 'COMPLETED',
    output: { id: c.job.id },
    logs: [{ level: 'info', message: `job ${c.job.id}` }],
    finishedAt: T0 + 25,
    ...over,
  };
}

forEachBackend(
  'completeJobs stores owned results in batches of any size and discards stale ones',
  async (store) => {
    const { db } = store;
    const { taskId } = await seedTask(db, 'batch');
    for (let i = 0; i < 4; i++) await insertJob(db, { taskId, input: { i } });
    const claimed = await openQueueBackend(store).claim({
      workerId: 'w1',
      limit: 4,
      leaseMs: 30_000,
      now: T0,
    });
    assert.equal(claimed.length, 4);
    const [a, b, c, d] = claimed as [ClaimedJob, ClaimedJob, ClaimedJob, ClaimedJob];

    const one = await openQueueBackend(store).complete([resultOf(a)]);
    assert.equal(one[0]?.jobStatus, 'COMPLETED');
    assert.deepEqual(one[0]?.execution.output, { id: a.job.id });

    // Three at once, one of them an attempt this worker does not hold (wrong attempt number), and a
    // result without output or logs (NULL array elements).
    const three = await openQueueBackend(store).complete([
      resultOf(b),
      resultOf(c, { attempt: c.job.attempts + 1 }),
      resultOf(d, { output: undefined, logs: undefined }),
    ]);
    assert.equal(three[0]?.jobStatus, 'COMPLETED');
    assert.equal(three[1], undefined, 'stale attempt discarded');
    assert.equal(three[2]?.jobStatus, 'COMPLETED');
    assert.equal(three[2]?.execution.output, null);

    assert.equal((await getJob(db, b.job.id))?.status, 'COMPLETED');
    assert.equal((await getJob(db, c.job.id))?.status, 'PROCESSING');
    assert.equal((await getExecution(db, c.executionId))?.status, 'RUNNING');
    const eb = await getExecution(db, b.executionId);
    assert.equal(eb?.status, 'COMPLETED');
    assert.equal(eb?.durationMs, 25);
    assert.deepEqual(eb?.logs, [{ level: 'info', message: `job ${b.job.id}` }]);
    // The same attempt again matches nothing: a result is written once.
    assert.deepEqual(await openQueueBackend(store).complete([resultOf(b)]), [undefined]);
  },
);

forEachBackend(
  'an owned job whose execution is no longer RUNNING makes the batch an error',
  async (store) => {
    const { db } = store;
    const { taskId } = await seedTask(db, 'odd');
    await insertJob(db, { taskId, input: {} });
    const [c] = await openQueueBackend(store).claim({ workerId: 'w1', limit: 1, leaseMs: 30_000, now: T0 });
    assert.ok(c);
    await db.updateTable('executions').set({ status: 'FAILED' }).where('id', '=', c.executionId).execute();
    await assert.rejects(openQueueBackend(store).complete([resultOf(c)]), /RUNNING/);
  },
);
