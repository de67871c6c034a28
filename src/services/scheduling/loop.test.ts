// The schedule service (validation, enable/disable, trigger) and the scheduler loop with a fake clock.
import assert from 'node:assert/strict';
import { listJobs } from '../../store/repos/jobs.ts';
import {
  createSchedule,
  deleteSchedule,
  disableSchedule,
  enableSchedule,
  getSchedule,
  listSchedules,
  triggerSchedule,
} from '../schedules.ts';
import { startScheduler } from './loop.ts';
import type { TickResult } from './tick.ts';
import { forEachApp, seedRunnableTask } from './test-app.ts';

const t = (s: string): Date => new Date(s);

forEachApp(
  'schedule service: validation names the field, list filters, enable/disable/trigger/delete',
  async (app) => {
    await seedRunnableTask(app, 'dbl');
    await seedRunnableTask(app, 'other');
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ cronExpression: '61 * * * *' }, /\$\.cronExpression .*bad minute field "61"/],
      [{ cronExpression: '* * * *' }, /\$\.cronExpression .*expected 5 fields/],
      [{ timezone: 'Nowhere/Land' }, /\$\.timezone unknown timezone "Nowhere\/Land"/],
      [{ maxRuns: 0 }, /\$\.maxRuns must be an integer ≥ 1/],
      [{ missedRunPolicy: 'catch_up' }, /\$\.missedRunPolicy must be skip or run_once/],
      [{ name: '123' }, /\$\.name must not be all digits/],
      [{ outputDestinations: [{ type: 'webhook', url: 'nope' }] }, /\$\.outputDestinations\[0\]\.url/],
    ];
    for (const [fields, re] of bad) {
      await assert.rejects(
        createSchedule(app, { task: 'dbl', cronExpression: '* * * * *', ...fields }),
        (err: Error) => err.name === 'ValidationError' && re.test(err.message),
        JSON.stringify(fields),
      );
    }
    await assert.rejects(
      createSchedule(app, { task: 'ghost', cronExpression: '* * * * *' }),
      /no task "ghost"/,
    );

    const now = t('2030-03-01T10:00:00Z');
    const a = await createSchedule(
      app,
      { task: 'dbl', name: 'morning', cronExpression: '0 9 * * *', timezone: 'Europe/Oslo', input: { n: 1 } },
      now,
    );
    assert.equal(a.nextRunAt, '2030-03-02T08:00:00.000Z'); // 09:00 CET
    await createSchedule(app, { task: 'other', name: 'nightly', cronExpression: '0 0 * * *' }, now);
    const auto = await createSchedule(
      app,
      { task: 'other', cronExpression: '0 0 * * *', enabled: false },
      now,
    );
    assert.match(auto.name, /^other-[0-9a-f]{6}$/);
    assert.equal(auto.nextRunAt, null);

    assert.deepEqual(
      (await listSchedules(app, { task: 'other' })).rows.map((s) => s.name).sort(),
      [auto.name, 'nightly'].sort(),
    );
    assert.deepEqual(
      (await listSchedules(app, { status: 'disabled' })).rows.map((s) => s.name),
      [auto.name],
    );
    assert.equal((await listSchedules(app, { limit: 1 })).rows.length, 1);
    assert.equal((await listSchedules(app, { limit: 1 })).total, 3);

    const off = await disableSchedule(app, 'morning');
    assert.deepEqual([off.enabled, off.nextRunAt], [false, null]);
    // Enabling restarts the cadence from now: the ticks passed while disabled are not missed runs.
    const on = await enableSchedule(app, 'morning', t('2030-03-10T12:00:00Z'));
    assert.deepEqual([on.enabled, on.nextRunAt], [true, '2030-03-11T08:00:00.000Z']);

    const { job } = await triggerSchedule(app, a.uuid);
    assert.deepEqual([job!.scheduleId, job!.input, job!.idempotencyKey], [a.id, { n: 1 }, null]);
    const still = await getSchedule(app, a.id);
    assert.deepEqual([still.runCount, still.nextRunAt], [0, '2030-03-11T08:00:00.000Z']);

    await deleteSchedule(app, 'morning');
    await assert.rejects(getSchedule(app, 'morning'), /no schedule "morning"/);
    await assert.rejects(triggerSchedule(app, 'morning'), /no schedule "morning"/);
  },
);

forEachApp('the scheduler loop fires due schedules by its clock and stops cleanly', async (app) => {
  await seedRunnableTask(app, 'dbl');
  let now = t('2030-01-01T00:00:00Z');
  const s = await createSchedule(app, { task: 'dbl', name: 'loop', cronExpression: '*/10 * * * *' }, now);
  now = t('2030-01-01T00:10:00.200Z');
  const passes: TickResult[][] = [];
  const errors: unknown[] = [];
  const sched = startScheduler(app, {
    clock: () => now,
    intervalMs: 50,
    onTick: (r) => passes.push(r),
    onError: (e) => errors.push(e),
  });
  try {
    await sched.wake();
    const count = async () =>
      (await listJobs(app.store.db, { filters: [{ field: 'scheduleId', op: 'eq', value: s.id }] })).total;
    assert.equal(await count(), 1);
    await sched.wake();
    assert.equal(await count(), 1);
    now = t('2030-01-01T00:20:00.100Z');
    // The loop wakes by itself within its interval.
    for (let i = 0; i < 100 && (await count()) < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await count(), 2);
    assert.ok(passes.flat().filter((r) => r.action === 'enqueued').length === 2);
    assert.deepEqual(errors, []);
  } finally {
    await sched.stop();
  }
  const after = passes.length;
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(passes.length, after, 'no pass after stop()');
});
