import assert from 'node:assert/strict';
import { forEachBackend } from '../test-helpers/backends.ts';
import { seedTask } from '../test-helpers/fixtures.ts';
import {
  claimScheduleTick,
  createSchedule,
  deleteSchedule,
  getSchedule,
  listDueSchedules,
  listSchedules,
  updateSchedule,
} from './schedules.ts';

forEachBackend('schedules: create, find by id/uuid/name, update, list, delete', async ({ db }) => {
  const { taskId } = await seedTask(db, 'cronned');
  const s = await createSchedule(db, {
    taskId,
    name: 'nightly',
    cronExpression: '0 3 * * *',
    input: { city: 'Oslo' },
    outputDestinations: [{ type: 'webhook', url: 'http://127.0.0.1/x' }],
    nextRunAt: '2030-01-01T03:00:00.000Z',
  });
  assert.deepEqual(s.input, { city: 'Oslo' });
  assert.equal(s.enabled, true);
  assert.equal(s.runCount, 0);
  for (const ref of [s.id, s.uuid, 'nightly']) assert.equal((await getSchedule(db, ref))?.id, s.id);
  await assert.rejects(
    createSchedule(db, { taskId, name: 'nightly', cronExpression: '* * * * *' }),
    /"nightly" already exists/,
  );
  const updated = await updateSchedule(db, s.id, {
    enabled: false,
    description: 'd',
    input: { city: 'Bergen' },
  });
  assert.equal(updated.enabled, false);
  assert.deepEqual(updated.input, { city: 'Bergen' });
  await createSchedule(db, { taskId, name: 'hourly', cronExpression: '0 * * * *' });
  const enabled = await listSchedules(db, { filters: [{ field: 'enabled', op: 'eq', value: true }] });
  assert.deepEqual(
    enabled.rows.map((r) => r.name),
    ['hourly'],
  );
  assert.equal(await deleteSchedule(db, s.id), true);
  assert.equal(await getSchedule(db, s.id), undefined);
  await assert.rejects(updateSchedule(db, s.id, { enabled: true }), /schedule \d+ does not exist/);
});

forEachBackend('a schedule tick is claimed exactly once, even by concurrent callers', async ({ db }) => {
  const { taskId } = await seedTask(db, 'ticker');
  const tick = Date.parse('2030-01-01T00:00:00Z');
  const s = await createSchedule(db, {
    taskId,
    name: 'every-minute',
    cronExpression: '* * * * *',
    nextRunAt: tick,
  });
  assert.deepEqual(
    (await listDueSchedules(db, tick)).map((d) => d.id),
    [s.id],
  );
  assert.deepEqual(await listDueSchedules(db, tick - 1), []);
  const results = await Promise.all(
    Array.from({ length: 8 }, () => claimScheduleTick(db, s.id, tick, tick + 60_000)),
  );
  assert.equal(results.filter(Boolean).length, 1);
  assert.equal(await claimScheduleTick(db, s.id, tick, tick + 60_000), false);
  assert.equal(await claimScheduleTick(db, s.id, tick + 60_000, tick + 120_000), true);
  const after = await getSchedule(db, s.id);
  assert.equal(after?.runCount, 2);
  assert.equal(after?.lastRunAt, new Date(tick + 60_000).toISOString());
  assert.equal(after?.nextRunAt, new Date(tick + 120_000).toISOString());
});
