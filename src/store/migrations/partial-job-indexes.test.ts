// Migration 013 makes the jobs indexes on mostly-NULL columns partial. A database made before it
// keeps its idempotency: a key used before the migration still finds its job after it, keyless
// jobs never conflict, and down() restores the full indexes (upgrade.test.ts migrates a database
// with a scheduled job through it and deletes the schedule).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { insertJob } from '../repos/jobs.ts';
import { DIALECTS, withStoreAt } from '../test-helpers/backends.ts';
import { seedTask } from '../test-helpers/fixtures.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows and catalogs of any schema version
type AnyDb = Kysely<any>;

/** The definitions of the jobs indexes by name, as the engine reports them. */
async function jobIndexes(db: AnyDb, postgres: boolean): Promise<Record<string, string>> {
  const { rows } = postgres
    ? await sql<{ name: string; def: string }>`
        select indexname as name, indexdef as def from pg_indexes where tablename = 'jobs'`.execute(db)
    : await sql<{ name: string; def: string | null }>`
        select name, sql as def from sqlite_schema where tbl_name = 'jobs' and type = 'index'`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.name, (r.def ?? '').toLowerCase()]));
}

for (const dialect of DIALECTS) {
  void test(`013: a key used before the partial indexes still holds after them [${dialect}]`, () =>
    withStoreAt(dialect, '012_workflow_run_steps', async (store, migrator) => {
      const postgres = dialect === 'postgres';
      const { taskId } = await seedTask(store.db, 'keys');
      const before = await insertJob(store.db, { taskId, input: { n: 1 }, idempotencyKey: 'order-1' });

      const up = await migrator.migrateTo('013_partial_job_indexes');
      assert.deepEqual(
        up.results?.map((r) => r.migrationName),
        ['013_partial_job_indexes'],
      );
      const indexes = await jobIndexes(store.db as AnyDb, postgres);
      assert.match(indexes['jobs_schedule_idx'] ?? '', /where.*schedule_id"? is not null/);
      if (postgres)
        assert.match(
          indexes['jobs_idempotency_key_key'] ?? '',
          /unique.*where.*idempotency_key"? is not null/,
        );

      const again = await insertJob(store.db, { taskId, input: { n: 2 }, idempotencyKey: 'order-1' });
      assert.deepEqual([again.created, again.job.id], [false, before.job.id], 'the old key still holds');
      const keyless = [
        await insertJob(store.db, { taskId, input: {} }),
        await insertJob(store.db, { taskId, input: {} }),
      ];
      assert.deepEqual(
        keyless.map((r) => r.created),
        [true, true],
      );

      // Back down: the full indexes return, and the key still holds.
      assert.equal((await migrator.migrateDown()).error, undefined);
      const restored = await jobIndexes(store.db as AnyDb, postgres);
      assert.doesNotMatch(restored['jobs_schedule_idx'] ?? 'missing', /where|missing/);
      const down = await insertJob(store.db, { taskId, input: { n: 3 }, idempotencyKey: 'order-1' });
      assert.equal(down.created, false);
    }));
}
