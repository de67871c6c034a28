// COPY in pieces (pg-copy-jobs.ts), against a real PostgreSQL: a batch several pieces long lands
// whole and in order, and a batch that fails in a later piece, on the server's side or on ours,
// leaves nothing behind and a connection the next batch can use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withStore } from '../../store/test-helpers/backends.ts';
import { seedTask } from '../../store/test-helpers/fixtures.ts';
import type { Store } from '../../store/database.ts';
import type { InsertJobInput } from '../../store/repos/jobs.ts';
import { copyJobs } from './pg-copy-jobs.ts';

/** 3,000 jobs of ~300 characters of COPY text each: about four 256 KB pieces. */
const inputsFor = (taskId: number): InsertJobInput[] =>
  Array.from({ length: 3000 }, (_, n) => ({ taskId, input: { n, pad: 'x'.repeat(200) } }));

async function storedJobs(store: Store): Promise<{ id: number; n: number }[]> {
  const { rows } = await store.pgPool!.query<{ id: string; input: string }>(
    'select id, input from jobs order by id',
  );
  return rows.map((r) => ({ id: Number(r.id), n: (JSON.parse(r.input) as { n: number }).n }));
}

/** Every connection the pool holds, each checked out and used, so a broken one would show. */
async function everyConnectionWorks(store: Store): Promise<void> {
  const pool = store.pgPool!;
  const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
  try {
    for (const client of clients) assert.equal((await client.query('select 1 as one')).rows[0].one, 1);
  } finally {
    for (const client of clients) client.release();
  }
}

void test('COPY in pieces: 3,000 jobs land whole, in input order, as the records returned say', () =>
  withStore('postgres', async (store) => {
    const { taskId } = await seedTask(store.db, 'copied');
    const copied = await copyJobs(store.pgPool!, inputsFor(taskId));
    const stored = await storedJobs(store);
    assert.equal(stored.length, 3000);
    assert.deepEqual(
      stored.map((s) => s.n),
      Array.from({ length: 3000 }, (_, n) => n),
    );
    assert.deepEqual(
      copied.map((c) => c.job.id),
      stored.map((s) => s.id),
    );
    assert.deepEqual(copied[2999]!.job.input, { n: 2999, pad: 'x'.repeat(200) });
  }));

void test('COPY in pieces: a row the server refuses in the last piece rolls the whole batch back', () =>
  withStore('postgres', async (store) => {
    const { taskId } = await seedTask(store.db, 'copied');
    const inputs = inputsFor(taskId);
    inputs[2999] = { ...inputs[2999]!, taskVersionId: 999_999 }; // no such version: a foreign key fails
    await assert.rejects(copyJobs(store.pgPool!, inputs), /jobs_task_version_id_fkey/);
    assert.deepEqual(await storedJobs(store), []);
    await everyConnectionWorks(store);
    assert.equal((await copyJobs(store.pgPool!, inputsFor(taskId))).length, 3000);
    assert.equal((await storedJobs(store)).length, 3000);
  }));

void test('COPY in pieces: a value this side cannot write, in a later piece, cancels the COPY', () =>
  withStore('postgres', async (store) => {
    const { taskId } = await seedTask(store.db, 'copied');
    const inputs = inputsFor(taskId);
    // Not a number at all (as no caller sends): turning it into COPY text throws mid-stream.
    const hostile = {
      toString(): string {
        throw new Error('this value cannot be written');
      },
    };
    inputs[2500] = { ...inputs[2500]!, taskId: hostile as unknown as number };
    await assert.rejects(copyJobs(store.pgPool!, inputs), /this value cannot be written/);
    assert.deepEqual(await storedJobs(store), []);
    await everyConnectionWorks(store);
    assert.equal((await copyJobs(store.pgPool!, inputsFor(taskId))).length, 3000);
  }));
