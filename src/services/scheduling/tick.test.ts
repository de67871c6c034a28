// Scheduler passes with an injected clock on both backends: cadence, exactly-once with racing
// schedulers, missed-run policies, max runs and failures to enqueue.
import assert from 'node:assert/strict';
import { createRatchet } from '../../app.ts';
import { listJobs } from '../../store/repos/jobs.ts';
import { createSchedule, getSchedule, updateSchedule } from '../schedules.ts';
import { forEachApp, seedRunnableTask } from './test-app.ts';
import { runDueSchedules } from './tick.ts';

const t = (s: string): Date => new Date(s);

async function jobsOf(app: Parameters<typeof runDueSchedules>[0], scheduleId: number) {
  const { rows } = await listJobs(app.store.db, {
    filters: [{ field: 'scheduleId', op: 'eq', value: scheduleId }],
    sort: { field: 'id', order: 'asc' },
  });
  return rows;
}

forEachApp('a schedule fires once per tick of its cadence (injected clock)', async (app) => {
  await seedRunnableTask(app, 'dbl');
  const s = await createSchedule(
    app,
    { task: 'dbl', name: 'five', cronExpression: '*/5 * * * *', input: { n: 4 } },
    t('2030-01-01T00:00:00Z'),
  );
  assert.equal(s.nextRunAt, '2030-01-01T00:05:00.000Z');
  assert.deepEqual(await runDueSchedules(app, t('2030-01-01T00:04:59.999Z')), []);
  const [r] = await runDueSchedules(app, t('2030-01-01T00:05:01Z'));
  assert.equal(r?.action, 'enqueued');
  assert.equal(r?.created, true);
  assert.equal(r?.missed, 0);
  assert.equal(r?.nextRunAt, '2030-01-01T00:10:00.000Z');
  assert.deepEqual(await runDueSchedules(app, t('2030-01-01T00:05:02Z')), []);
  await runDueSchedules(app, t('2030-01-01T00:10:00Z'));
  const jobs = await jobsOf(app, s.id);
  assert.deepEqual(
    jobs.map((j) => [j.idempotencyKey, j.input, j.status]),
    [
      [`schedule:${s.id}:2030-01-01T00:05:00.000Z`, { n: 4 }, 'QUEUED'],
      [`schedule:${s.id}:2030-01-01T00:10:00.000Z`, { n: 4 }, 'QUEUED'],
    ],
  );
  const after = await getSchedule(app, 'five');
  assert.equal(after.runCount, 2);
  assert.equal(after.lastRunAt, '2030-01-01T00:10:00.000Z');
  assert.equal(after.nextRunAt, '2030-01-01T00:15:00.000Z');
});

forEachApp('two schedulers racing on one database queue exactly one job per tick', async (app) => {
  await seedRunnableTask(app, 'dbl');
  // A second application on the same database: another node.
  const other = await createRatchet(app.config);
  try {
    const s = await createSchedule(
      app,
      { task: 'dbl', name: 'race', cronExpression: '* * * * *' },
      t('2030-01-01T00:00:00Z'),
    );
    for (let minute = 1; minute <= 6; minute++) {
      const now = new Date(Date.parse('2030-01-01T00:00:00Z') + minute * 60_000 + 500);
      const results = (
        await Promise.all([
          runDueSchedules(app, now),
          runDueSchedules(other, now),
          runDueSchedules(app, now),
          runDueSchedules(other, now),
        ])
      ).flat();
      assert.equal(results.filter((r) => r.action === 'enqueued').length, 1, `minute ${minute}`);
    }
    const jobs = await jobsOf(app, s.id);
    assert.equal(jobs.length, 6);
    assert.equal(new Set(jobs.map((j) => j.idempotencyKey)).size, 6);
    assert.equal((await getSchedule(app, s.id)).runCount, 6);

    // Even a tick claimed twice (simulated by rewinding the claim) cannot queue a second job.
    await app.store.db
      .updateTable('schedules')
      .set({ last_tick_claimed_at: null, next_run_at: Date.parse('2030-01-01T00:06:00Z') })
      .where('id', '=', s.id)
      .execute();
    const [again] = await runDueSchedules(other, t('2030-01-01T00:06:30Z'));
    assert.equal(again?.action, 'enqueued');
    assert.equal(again?.created, false);
    assert.equal((await jobsOf(app, s.id)).length, 6);
  } finally {
    await other.close();
  }
});

forEachApp('missed runs after downtime: skip queues none, run_once queues one', async (app) => {
  await seedRunnableTask(app, 'dbl');
  const created = t('2030-01-01T00:00:00Z');
  const skip = await createSchedule(
    app,
    { task: 'dbl', name: 'skipper', cronExpression: '*/5 * * * *' },
    created,
  );
  const once = await createSchedule(
    app,
    { task: 'dbl', name: 'oncer', cronExpression: '*/5 * * * *', missedRunPolicy: 'run_once' },
    created,
  );
  // Down from 00:00 until 03:02: ticks 00:05 … 03:00 (36) were missed, the last by 2 minutes.
  const results = await runDueSchedules(app, t('2030-01-01T03:02:00Z'));
  const by = new Map(results.map((r) => [r.scheduleId, r]));
  assert.deepEqual(
    [by.get(skip.id)?.action, by.get(skip.id)?.missed, by.get(skip.id)?.nextRunAt],
    ['skipped', 36, '2030-01-01T03:05:00.000Z'],
  );
  assert.deepEqual(
    [by.get(once.id)?.action, by.get(once.id)?.missed, by.get(once.id)?.tick],
    ['enqueued', 35, '2030-01-01T03:00:00.000Z'],
  );
  assert.equal((await jobsOf(app, skip.id)).length, 0);
  assert.equal((await jobsOf(app, once.id)).length, 1);
  assert.equal((await getSchedule(app, skip.id)).runCount, 0);
  assert.equal((await getSchedule(app, once.id)).nextRunAt, '2030-01-01T03:05:00.000Z');
  // Back to normal: the next tick fires for both.
  const next = await runDueSchedules(app, t('2030-01-01T03:05:02Z'));
  assert.deepEqual(
    next.map((r) => r.action),
    ['enqueued', 'enqueued'],
  );

  // Coming back within the grace period of the latest tick: that tick is on time and runs even
  // under `skip`; the older ones are dropped.
  await updateSchedule(app, skip.id, { cronExpression: '0 * * * *' }, t('2030-01-01T03:06:00Z'));
  const late = (await runDueSchedules(app, t('2030-01-01T07:00:20Z'))).find((r) => r.scheduleId === skip.id);
  assert.deepEqual([late?.action, late?.tick, late?.missed], ['enqueued', '2030-01-01T07:00:00.000Z', 3]);
});

forEachApp(
  'max runs stop a schedule; disabled schedules never fire; a failed enqueue spends the tick',
  async (app) => {
    await seedRunnableTask(app, 'dbl');
    const s = await createSchedule(
      app,
      { task: 'dbl', name: 'twice', cronExpression: '0 * * * * *', maxRuns: 2 },
      t('2030-01-01T00:00:00Z'),
    );
    await runDueSchedules(app, t('2030-01-01T00:01:00Z'));
    const [second] = await runDueSchedules(app, t('2030-01-01T00:02:00Z'));
    assert.equal(second?.nextRunAt, null);
    assert.deepEqual(await runDueSchedules(app, t('2030-01-01T00:03:00Z')), []);
    assert.equal((await jobsOf(app, s.id)).length, 2);
    assert.equal((await getSchedule(app, s.id)).nextRunAt, null);

    const off = await createSchedule(
      app,
      { task: 'dbl', name: 'off', cronExpression: '* * * * *', enabled: false },
      t('2030-01-01T00:00:00Z'),
    );
    assert.equal(off.nextRunAt, null);
    assert.deepEqual(await runDueSchedules(app, t('2030-01-01T00:05:00Z')), []);

    const full = await createSchedule(
      app,
      { task: 'dbl', name: 'full', cronExpression: '* * * * *' },
      t('2030-01-01T00:00:00Z'),
    );
    app.config.server.job_queue.max_queue_size = 1;
    const [failed] = await runDueSchedules(app, t('2030-01-01T00:01:00Z'));
    assert.equal(failed?.action, 'failed');
    assert.match(failed?.error ?? '', /max_queue_size/);
    assert.equal((await getSchedule(app, full.id)).nextRunAt, '2030-01-01T00:02:00.000Z');
    assert.equal((await jobsOf(app, full.id)).length, 0);
  },
);
