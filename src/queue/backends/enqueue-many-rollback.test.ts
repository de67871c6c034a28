// A batch the database refuses part-way stores nothing, on every path a backend's enqueueMany takes:
// SQLite's one-row statements run past Kysely on the transaction's connection (sqliteRunOf),
// PostgreSQL's keyless COPY and its INSERT for batches with idempotency keys. The refused row comes
// last, after thousands were written, so a statement that ran outside the transaction would show.
import assert from 'node:assert/strict';
import { forEachBackend } from '../../store/test-helpers/backends.ts';
import { seedTask } from '../../store/test-helpers/fixtures.ts';
import type { InsertJobInput } from '../../store/repos/jobs.ts';
import { openQueueBackend } from '../open-backend.ts';

const batch = (taskId: number, keyed: boolean): InsertJobInput[] =>
  Array.from({ length: 2000 }, (_, n) => ({
    taskId,
    input: { n },
    ...(keyed ? { idempotencyKey: `key-${n}` } : {}),
  }));

forEachBackend(
  'enqueueMany: a row refused after 1,999 others leaves the whole batch unstored',
  async (store) => {
    const { taskId } = await seedTask(store.db, 'refused');
    const backend = openQueueBackend(store);
    const count = async () =>
      Number(
        (
          await store.db
            .selectFrom('jobs')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (const keyed of [false, true]) {
      const inputs = batch(taskId, keyed);
      inputs[1999] = { ...inputs[1999]!, taskVersionId: 999_999 }; // no such version: a foreign key fails
      await assert.rejects(backend.enqueueMany(inputs), /foreign key|task_version_id/i, `keyed: ${keyed}`);
      assert.equal(await count(), 0, `keyed: ${keyed}`);
    }
    // The connection the failed batches used takes the next batch as usual.
    const stored = await backend.enqueueMany(batch(taskId, true));
    assert.equal(stored.length, 2000);
    assert.ok(stored.every((s) => s.created));
    assert.deepEqual(
      stored.map((s) => s.job.input),
      Array.from({ length: 2000 }, (_, n) => ({ n })),
    );
    assert.equal(await count(), 2000);
  },
);
