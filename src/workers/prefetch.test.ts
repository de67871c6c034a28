// Prefetch follows run time: short jobs fill each thread's queue up to prefetch_per_thread, long
// ones leave about QUEUED_WORK_MS of work per thread, so a worker does not hold what another could run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorkers } from '../app.ts';
import { insertJob } from '../store/repos/jobs.ts';
import { getTask } from '../store/repos/tasks.ts';
import { claimSize, PrefetchDepth, QUEUED_WORK_MS, UNTIMED_DEPTH } from './prefetch.ts';
import { busyEchoCode, createTestApp, saveTask } from './test-helpers.ts';

void test('PrefetchDepth: at most UNTIMED_DEPTH until a run is seen, then about QUEUED_WORK_MS of runs', () => {
  const d = new PrefetchDepth(128);
  assert.equal(d.depth(), UNTIMED_DEPTH, 'nothing timed yet: no deeper than UNTIMED_DEPTH');
  d.observe(0.2);
  assert.equal(d.depth(), 128, 'short runs: the maximum');
  assert.equal(new PrefetchDepth(2).depth(), 2, 'a smaller maximum holds from the start');
  const slow = new PrefetchDepth(32);
  slow.observe(QUEUED_WORK_MS / 4);
  assert.equal(slow.depth(), 4);
  slow.observe(Number.NaN);
  assert.equal(slow.depth(), 4, 'a run without a duration changes nothing');
  for (let i = 0; i < 200; i++) slow.observe(QUEUED_WORK_MS * 5);
  assert.equal(slow.depth(), 1, 'long runs: only the one running');
  assert.equal(new PrefetchDepth(0).depth(), 1);
});

void test('claimSize: claims for the usable threads, once half their queues are free or a thread is idle', () => {
  const busy = { depth: 128, batchSize: 128, starting: 0, idleThread: () => false };
  // One usable thread (a pool of 8 whose runs are short), its queue half empty: claim the half.
  assert.equal(claimSize({ ...busy, threads: 1, freeCapacity: 64, outstanding: 64 }), 64);
  assert.equal(claimSize({ ...busy, threads: 1, freeCapacity: 63, outstanding: 65 }), 0, 'under half: wait');
  assert.equal(
    claimSize({ ...busy, threads: 1, freeCapacity: 63, outstanding: 65, idleThread: () => true }),
    63,
    'an idle thread claims at once',
  );
  assert.equal(claimSize({ ...busy, threads: 1, freeCapacity: 64, outstanding: 64, starting: 64 }), 0);
  // Eight usable threads: batches of at most batchSize, and never more ahead than 8 × depth.
  assert.equal(claimSize({ ...busy, threads: 8, freeCapacity: 1024, outstanding: 0 }), 128);
  assert.equal(claimSize({ ...busy, threads: 8, depth: 4, freeCapacity: 1024, outstanding: 16 }), 16);
});

void test('a worker running 60 ms jobs holds about two per thread, not prefetch_per_thread', async () => {
  const t = await createTestApp('sqlite', {
    workers: { worker_count: 1, prefetch_per_thread: 32 },
    job_queue: { poll_interval_ms: 50 },
  });
  try {
    await saveTask(t.app, 'slow', busyEchoCode(60));
    const task = (await getTask(t.app.store.db, 'slow'))!;
    let finished = 0;
    t.app.jobEvents.on(() => void finished++);
    const enqueue = async (n: number) => {
      for (let j = 0; j < n; j++) await insertJob(t.app.store.db, { taskId: task.id, input: { j } });
    };
    const node = await startWorkers(t.app, { log: () => {} });
    try {
      await enqueue(3);
      while (finished < 3) await new Promise((r) => setTimeout(r, 10));
      await enqueue(20);
      let most = 0;
      while (finished < 23) {
        const row = await t.app.store.db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'PROCESSING')
          .executeTakeFirstOrThrow();
        most = Math.max(most, Number(row.n));
        await new Promise((r) => setTimeout(r, 15));
      }
      // Two held (100 ms of 60 ms runs), plus one whose result is being written.
      assert.ok(most <= 3, `at most 3 jobs claimed at once, saw ${most}`);
      assert.ok(most >= 1);
    } finally {
      await node.stop(1000);
    }
  } finally {
    await t.close();
  }
});

void test('two workers starting on a backlog of long jobs share it: the first holds UNTIMED_DEPTH, not the backlog', async () => {
  const t = await createTestApp('sqlite', { workers: { worker_count: 1 } });
  try {
    await saveTask(t.app, 'slow', busyEchoCode(200));
    const task = (await getTask(t.app.store.db, 'slow'))!;
    const JOBS = 12;
    for (let j = 0; j < JOBS; j++) await insertJob(t.app.store.db, { taskId: task.id, input: { j } });
    let finished = 0;
    t.app.jobEvents.on(() => void finished++);
    const first = await startWorkers(t.app, { log: () => {} });
    const second = await startWorkers(t.app, { log: () => {} });
    try {
      while (finished < JOBS) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await first.stop(1000);
      await second.stop(1000);
    }
    const rows = await t.app.store.db
      .selectFrom('executions')
      .select(['worker_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('worker_id')
      .execute();
    const ran = new Map(rows.map((r) => [r.worker_id, Number(r.n)]));
    // The first claims UNTIMED_DEPTH (4) jobs, the second as many as soon as it starts; once runs
    // are timed each holds about one, so the rest goes to whichever is free. At a depth of 32 the
    // first took all twelve.
    assert.equal(UNTIMED_DEPTH, 4);
    assert.ok(
      (ran.get(second.id) ?? 0) >= 4,
      `the second worker ran ${ran.get(second.id) ?? 0} of ${JOBS} jobs (the first ${ran.get(first.id) ?? 0})`,
    );
  } finally {
    await t.close();
  }
});
