// Results and task backups on both backends: append, filters, paging, lookups, cascade.
import assert from 'node:assert/strict';
import { forEachBackend } from '../test-helpers/backends.ts';
import { seedTask } from '../test-helpers/fixtures.ts';
import { NotFoundError } from '../codec.ts';
import {
  getResult,
  getTaskBackup,
  insertResult,
  insertTaskBackup,
  listResults,
  listTaskBackups,
} from './results.ts';

forEachBackend('results: append, filter by name/prefix/task/tag, page newest first', async ({ db }) => {
  const { taskId } = await seedTask(db, 'weather');
  const a = await insertResult(db, { name: 'run/a', data: { temp: 21 }, taskId, tags: ['nightly', 'x_y'] });
  await insertResult(db, { name: 'run/b', data: [1, 2, 3], tags: ['nightly'] });
  const c = await insertResult(db, { name: 'run/a', data: 'second', createdBy: 'agent' });
  await insertResult(db, { name: 'other', data: null, tags: ['x%y'] });

  assert.deepEqual(a.data, { temp: 21 });
  assert.equal(a.sizeBytes, Buffer.byteLength('{"temp":21}'));
  const byName = await listResults(db, { name: 'run/a' });
  assert.deepEqual(
    byName.rows.map((r) => r.id),
    [c.id, a.id],
  );
  assert.equal(byName.total, 2);
  assert.equal((await listResults(db, { namePrefix: 'run/' })).total, 3);
  assert.equal((await listResults(db, { namePrefix: 'run/%' })).total, 0);
  assert.deepEqual(
    (await listResults(db, { taskId })).rows.map((r) => r.name),
    ['run/a'],
  );
  assert.equal((await listResults(db, { tag: 'nightly' })).total, 2);
  assert.equal((await listResults(db, { tag: 'x_y' })).total, 1);
  assert.equal((await listResults(db, { tag: 'night' })).total, 0);
  const page = await listResults(db, { limit: 2, offset: 1 });
  assert.equal(page.total, 4);
  assert.equal(page.rows.length, 2);
  assert.equal((await getResult(db, a.uuid)).id, a.id);
  assert.equal((await getResult(db, c.id)).data, 'second');
  await assert.rejects(getResult(db, 999_999), NotFoundError);
});

forEachBackend('task backups: insert, list newest first, get by id or uuid', async ({ db }) => {
  const { taskId } = await seedTask(db, 'adder');
  const files = { 'main.js': '(function(i){return i;})', 'metadata.json': '{}' };
  const b1 = await insertTaskBackup(db, {
    taskId,
    taskName: 'adder',
    version: '1.0.0',
    files,
    reason: 'edit',
  });
  const b2 = await insertTaskBackup(db, { taskId, taskName: 'adder', version: '1.0.1', files });
  assert.deepEqual(
    (await listTaskBackups(db, taskId)).map((b) => b.version),
    ['1.0.1', '1.0.0'],
  );
  assert.deepEqual((await getTaskBackup(db, b1.uuid)).files, files);
  assert.equal((await getTaskBackup(db, b2.id)).reason, null);
  await assert.rejects(getTaskBackup(db, 424242), /no task backup 424242/);
});
