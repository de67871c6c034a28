// Queue operations on both backends, driven with explicit times (an injected clock).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachBackend } from '../store/test-helpers/backends.ts';
import { openDatabase, type Store } from '../store/database.ts';
import { seedTask } from '../store/test-helpers/fixtures.ts';
import { insertJob, getJob, JOB_PRIORITY } from '../store/repos/jobs.ts';
import { getExecution, listExecutions } from '../store/repos/executions.ts';
import { saveTaskVersion } from '../store/repos/tasks.ts';
import { openQueueBackend } from './open-backend.ts';
import { failJob } from './fail-job.ts';
import { cancelJob } from './cancel-job.ts';
import { retryJob } from './retry-job.ts';
import { renewLeases, cancelRequestedAmong } from './renew-leases.ts';
import { pruneFinished } from './prune.ts';
import { cancelRunningJob, handBackJob } from './stop-job.ts';
import { IllegalTransitionError, assertTransition, canTransition, sourcesOf } from './states.ts';
import { retryDelayMs } from './clock.ts';
import type { AttemptResult, FinishedAttempt } from './attempt.ts';
import type { ClaimedJob } from './claim-jobs.ts';

const T0 = 1_800_000_000_000;
const LEASE = 30_000;
const POLICY = { baseDelayMs: 1000, maxDelayMs: 60_000 };

/** One attempt's result through the backend's batch completion, the path the result writer takes. */
async function completeOne(store: Store, r: AttemptResult): Promise<FinishedAttempt | undefined> {
  const [finished] = await openQueueBackend(store).complete([r]);
  return finished;
}

function result(c: ClaimedJob, workerId: string, over: Partial<AttemptResult> = {}): AttemptResult {
  return {
    jobId: c.job.id,
    attempt: c.job.attempts,
    executionId: c.executionId,
    workerId,
    status: 'COMPLETED',
    output: { ok: true },
    logs: [],
    http: [],
    finishedAt: T0 + 500,
    ...over,
  };
}

test('state table: allowed moves, illegal ones throw naming both states', () => {
  assert.ok(canTransition('QUEUED', 'PROCESSING'));
  assert.ok(canTransition('FAILED', 'QUEUED'));
  assert.ok(!canTransition('COMPLETED', 'QUEUED'));
  assert.deepEqual(sourcesOf('CANCELLED'), ['QUEUED', 'PROCESSING', 'RETRYING']);
  assert.throws(
    () => assertTransition(7, 'COMPLETED', 'CANCELLED'),
    (e: Error) => {
      assert.ok(e instanceof IllegalTransitionError);
      assert.match(e.message, /job 7 is COMPLETED and cannot become CANCELLED \(COMPLETED is final\)/);
      return true;
    },
  );
});

test('backoff: base·2^(n−1) capped, jitter between 0.5× and 1.5×', () => {
  assert.equal(
    retryDelayMs(1, POLICY, () => 0.5),
    1000,
  );
  assert.equal(
    retryDelayMs(3, POLICY, () => 0.5),
    4000,
  );
  assert.equal(
    retryDelayMs(3, POLICY, () => 0),
    2000,
  );
  assert.equal(
    retryDelayMs(3, POLICY, () => 0.999999),
    6000,
  );
  assert.equal(
    retryDelayMs(20, POLICY, () => 0.5),
    60_000,
  );
});

forEachBackend('claims follow priority, then run_at, then id; future jobs wait', async (store) => {
  const { db } = store;
  const { taskId } = await seedTask(db, 'prio');
  const low = (await insertJob(db, { taskId, priority: JOB_PRIORITY.LOW, runAt: T0 - 10 })).job;
  const crit = (await insertJob(db, { taskId, priority: JOB_PRIORITY.CRITICAL, runAt: T0 - 5 })).job;
  const normal1 = (await insertJob(db, { taskId, runAt: T0 - 9 })).job;
  const normal2 = (await insertJob(db, { taskId, runAt: T0 - 9 })).job;
  const later = (await insertJob(db, { taskId, priority: JOB_PRIORITY.CRITICAL, runAt: T0 + 1000 })).job;
  const first = await openQueueBackend(store).claim({ workerId: 'w1', limit: 3, leaseMs: LEASE, now: T0 });
  assert.deepEqual(
    first.map((c) => c.job.id),
    [crit.id, normal1.id, normal2.id],
  );
  assert.ok(first.every((c) => c.job.status === 'PROCESSING' && c.job.attempts === 1));
  const rest = await openQueueBackend(store).claim({ workerId: 'w1', limit: 10, leaseMs: LEASE, now: T0 });
  assert.deepEqual(
    rest.map((c) => c.job.id),
    [low.id],
  );
  const due = await openQueueBackend(store).claim({
    workerId: 'w1',
    limit: 10,
    leaseMs: LEASE,
    now: T0 + 1000,
  });
  assert.deepEqual(
    due.map((c) => c.job.id),
    [later.id],
  );
  const exec = await getExecution(db, first[0]!.executionId);
  assert.equal(exec?.status, 'RUNNING');
  assert.equal(exec?.workerId, 'w1');
  assert.equal(exec?.attempt, 1);
});

forEachBackend('complete writes once; a reclaimed attempt’s late result is discarded', async (store) => {
  const { db } = store;
  const { taskId } = await seedTask(db, 'once');
  await insertJob(db, { taskId, runAt: T0, maxRetries: 2, input: { n: 1 } });
  const [c1] = await openQueueBackend(store).claim({ workerId: 'dead', limit: 1, leaseMs: LEASE, now: T0 });
  // Renewal keeps the lease; nothing is reclaimed before it expires.
  assert.deepEqual(await renewLeases(db, 'dead', [c1!.job.id], LEASE, T0 + 10_000), []);
  assert.equal((await openQueueBackend(store).reclaim(T0 + 39_000)).length, 0);
  const reclaimed = await openQueueBackend(store).reclaim(T0 + 40_001);
  assert.equal(reclaimed.length, 1);
  assert.equal(reclaimed[0]!.job.status, 'RETRYING');
  assert.equal(reclaimed[0]!.execution?.status, 'FAILED');
  assert.equal(reclaimed[0]!.execution?.error?.type, 'WorkerLost');
  // The lost worker learns it no longer owns the job, and its result changes nothing.
  assert.deepEqual(await renewLeases(db, 'dead', [c1!.job.id], LEASE, T0 + 40_002), [c1!.job.id]);
  assert.equal(await completeOne(store, result(c1!, 'dead')), undefined);
  const [c2] = await openQueueBackend(store).claim({
    workerId: 'alive',
    limit: 1,
    leaseMs: LEASE,
    now: T0 + 40_010,
  });
  assert.equal(c2!.job.attempts, 2);
  assert.equal(await completeOne(store, result(c1!, 'dead')), undefined);
  const done = await completeOne(store, result(c2!, 'alive', { finishedAt: T0 + 41_000 }));
  assert.equal(done?.job.status, 'COMPLETED');
  assert.equal(done?.execution.durationMs, 990);
  assert.deepEqual(done?.execution.output, { ok: true });
  assert.equal(await completeOne(store, result(c2!, 'alive')), undefined, 'second write of one attempt');
  const execs = (await listExecutions(db, { filters: [] })).rows.sort((a, b) => a.attempt - b.attempt);
  assert.deepEqual(
    execs.map((e) => [e.attempt, e.status]),
    [
      [1, 'FAILED'],
      [2, 'COMPLETED'],
    ],
  );
});

forEachBackend(
  'fail: retry after backoff, non-retryable errors and the last attempt dead-letter',
  async (store) => {
    const { db } = store;
    const { taskId } = await seedTask(db, 'flaky');
    const job = (await insertJob(db, { taskId, runAt: T0, maxRetries: 1 })).job;
    const fail = (c: ClaimedJob, now: number, type = 'Error') =>
      failJob(db, result(c, 'w', { status: 'FAILED', error: { type, message: 'boom' }, finishedAt: now }), {
        maxRetries: c.job.maxRetries,
        policy: POLICY,
        random: () => 0.5,
      });
    const [a1] = await openQueueBackend(store).claim({ workerId: 'w', limit: 1, leaseMs: LEASE, now: T0 });
    const r1 = await fail(a1!, T0 + 100);
    assert.equal(r1?.jobStatus, 'RETRYING');
    assert.equal(r1?.job.runAt, new Date(T0 + 100 + 1000).toISOString());
    assert.equal(r1?.execution.status, 'FAILED');
    assert.deepEqual(
      await openQueueBackend(store).claim({ workerId: 'w', limit: 1, leaseMs: LEASE, now: T0 + 1099 }),
      [],
    );
    const [a2] = await openQueueBackend(store).claim({
      workerId: 'w',
      limit: 1,
      leaseMs: LEASE,
      now: T0 + 1100,
    });
    const r2 = await fail(a2!, T0 + 1200);
    assert.equal(r2?.jobStatus, 'FAILED');
    assert.deepEqual((await getJob(db, job.id))?.lastError, { type: 'Error', message: 'boom' });
    // retry requeues with a fresh budget
    const requeued = await retryJob(db, job.id, T0 + 2000);
    assert.equal(requeued.status, 'QUEUED');
    assert.equal(requeued.attempts, 0);
    const [b1] = await openQueueBackend(store).claim({
      workerId: 'w',
      limit: 1,
      leaseMs: LEASE,
      now: T0 + 2000,
    });
    assert.equal((await fail(b1!, T0 + 2100, 'ValidationError'))?.jobStatus, 'FAILED');
    await assert.rejects(retryJob(db, 999, T0), /no job 999/);
  },
);

forEachBackend('cancel: queued never starts, running is flagged, final is an error', async (store) => {
  const { db } = store;
  const { taskId } = await seedTask(db, 'cancel');
  const queued = (await insertJob(db, { taskId, runAt: T0 })).job;
  const c = await cancelJob(db, queued.uuid, T0);
  assert.equal(c.job.status, 'CANCELLED');
  assert.equal(c.stopping, false);
  assert.deepEqual(
    await openQueueBackend(store).claim({ workerId: 'w', limit: 5, leaseMs: LEASE, now: T0 }),
    [],
  );
  await assert.rejects(cancelJob(db, queued.id, T0), IllegalTransitionError);
  const running = (await insertJob(db, { taskId, runAt: T0 })).job;
  const [claimed] = await openQueueBackend(store).claim({ workerId: 'w', limit: 5, leaseMs: LEASE, now: T0 });
  const flagged = await cancelJob(db, running.id, T0 + 1);
  assert.equal(flagged.stopping, true);
  assert.equal(flagged.job.status, 'PROCESSING');
  assert.deepEqual(await cancelRequestedAmong(db, [running.id]), [running.id]);
  const stopped = await cancelRunningJob(
    db,
    result(claimed!, 'w', { status: 'CANCELLED', error: { type: 'CancelledError', message: 'x' } }),
  );
  assert.equal(stopped?.job.status, 'CANCELLED');
  assert.equal(stopped?.execution.status, 'CANCELLED');
  // hand-back returns a running job to the queue
  const third = (await insertJob(db, { taskId, runAt: T0 })).job;
  const [c3] = await openQueueBackend(store).claim({ workerId: 'w', limit: 5, leaseMs: LEASE, now: T0 });
  const back = await handBackJob(db, result(c3!, 'w', { status: 'CANCELLED' }));
  assert.equal(back?.job.status, 'QUEUED');
  assert.equal(
    (await openQueueBackend(store).claim({ workerId: 'w2', limit: 5, leaseMs: LEASE, now: T0 + 600 }))[0]?.job
      .id,
    third.id,
  );
});

forEachBackend('max_concurrency in metadata limits running jobs of a task', async (store) => {
  const { db } = store;
  const { taskId } = await seedTask(db, 'limited');
  await saveTaskVersion(db, {
    taskId,
    version: '2.0.0',
    code: '(i) => i',
    metadata: { max_concurrency: 2 },
    checksum: 'limited-2',
    changeSource: 'cli',
  });
  const other = await seedTask(db, 'free');
  for (let i = 0; i < 4; i++) await insertJob(db, { taskId, runAt: T0, priority: 10 });
  await insertJob(db, { taskId: other.taskId, runAt: T0 });
  const first = await openQueueBackend(store).claim({ workerId: 'a', limit: 10, leaseMs: LEASE, now: T0 });
  assert.equal(first.filter((c) => c.job.taskId === taskId).length, 2);
  assert.equal(first.filter((c) => c.job.taskId === other.taskId).length, 1);
  assert.deepEqual(
    await openQueueBackend(store).claim({ workerId: 'b', limit: 10, leaseMs: LEASE, now: T0 }),
    [],
  );
  await completeOne(store, result(first[0]!, 'a'));
  assert.equal(
    (await openQueueBackend(store).claim({ workerId: 'b', limit: 10, leaseMs: LEASE, now: T0 })).length,
    1,
  );
});

forEachBackend('prune deletes finished work older than the cut-off, in batches', async (store) => {
  const { db } = store;
  const { taskId } = await seedTask(db, 'old');
  for (let i = 0; i < 5; i++) await insertJob(db, { taskId, runAt: T0 });
  const claimed = await openQueueBackend(store).claim({ workerId: 'w', limit: 5, leaseMs: LEASE, now: T0 });
  for (const c of claimed.slice(0, 3)) await completeOne(store, result(c, 'w', { finishedAt: T0 + 10 }));
  await failJob(
    db,
    result(claimed[3]!, 'w', { status: 'FAILED', error: { type: 'DataError', message: 'x' } }),
    {
      maxRetries: 3,
      policy: POLICY,
      random: () => 0.5,
    },
  );
  const res = await pruneFinished(db, { completedBefore: T0 + 11, failedBefore: T0, batchSize: 2 });
  assert.deepEqual(res, { jobs: 3, executions: 3 });
  assert.equal((await listExecutions(db)).total, 2);
});

test('PostgreSQL: concurrent claimers take disjoint jobs (SKIP LOCKED)', async () => {
  const { createTempPgDatabase } = await import('../store/test-helpers/temp-db.ts');
  const { migrateToLatest } = await import('../store/migrate.ts');
  const temp = await createTempPgDatabase();
  try {
    const a = await openDatabase({ url: temp.url, maxConnections: 4 });
    const b = await openDatabase({ url: temp.url, maxConnections: 4 });
    try {
      await migrateToLatest(a);
      const { taskId } = await seedTask(a.db, 'shared');
      for (let i = 0; i < 200; i++) await insertJob(a.db, { taskId, runAt: T0 });
      const seen: number[] = [];
      await Promise.all(
        [a, b, a, b].map(async (s, i) => {
          for (;;) {
            const got = await openQueueBackend(s).claim({
              workerId: `w${i}`,
              limit: 7,
              leaseMs: LEASE,
              now: T0,
            });
            if (got.length === 0) return;
            seen.push(...got.map((c) => c.job.id));
          }
        }),
      );
      assert.equal(seen.length, 200);
      assert.equal(new Set(seen).size, 200);
    } finally {
      await a.close();
      await b.close();
    }
  } finally {
    await temp.drop();
  }
});
