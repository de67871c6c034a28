// inIds: the same statement text for any number of ids, and the right rows on both engines.
import assert from 'node:assert/strict';
import { forEachBackend } from './test-helpers/backends.ts';
import { seedTask } from './test-helpers/fixtures.ts';
import { insertJob } from './repos/jobs.ts';
import { cancelRequestedAmong } from '../queue/renew-leases.ts';
import { inIds } from './id-list.ts';

forEachBackend('inIds matches the listed ids with one statement text for every length', async (store) => {
  const { db } = store;
  const { taskId } = await seedTask(db, 'ids');
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) ids.push((await insertJob(db, { taskId, input: { i } })).job.id);
  const query = (list: number[]) =>
    db
      .selectFrom('jobs')
      .select('id')
      .where(inIds(db, 'id', list))
      .orderBy('id');
  assert.equal(query([ids[0]!]).compile().sql, query(ids).compile().sql);
  const found = async (list: number[]) => (await query(list).execute()).map((r) => Number(r.id));
  assert.deepEqual(await found([ids[3]!, ids[1]!, 999_999]), [ids[1], ids[3]]);
  assert.deepEqual(await found(ids), ids);
  assert.deepEqual(await found([]), []);

  // The worker's cancel check goes through it.
  await db.updateTable('jobs').set({ cancel_requested: true }).where('id', '=', ids[2]!).execute();
  assert.deepEqual(await cancelRequestedAmong(db, ids), [ids[2]]);
});
