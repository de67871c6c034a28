// A database made by an earlier release keeps its rows when migrated: 007 rebuilds SQLite's
// schedules table, and the schedule, the job that points at it and foreign-key enforcement must
// all come through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { migrateToLatest } from '../migrate.ts';
import { DIALECTS, withStoreAt } from '../test-helpers/backends.ts';
import { seedTask } from '../test-helpers/fixtures.ts';

for (const dialect of DIALECTS) {
  void test(`a 006 database migrates to the latest with its schedules and jobs [${dialect}]`, async () => {
    await withStoreAt(dialect, '006_workflows', async (store) => {
      const task = await seedTask(store.db, 'old-task');
      const now = Date.now();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of an older schema
      const db = store.db as unknown as Kysely<any>;
      const { id: scheduleId } = await db
        .insertInto('schedules')
        .values({
          uuid: 'u-1',
          task_id: task.taskId,
          name: 'old',
          cron_expression: '* * * * *',
          input: '{"n":1}',
          enabled: true,
          run_count: 3,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('jobs')
        .values({
          uuid: 'j-1',
          task_id: task.taskId,
          input: '{}',
          status: 'QUEUED',
          run_at: now,
          schedule_id: scheduleId,
          created_at: now,
          updated_at: now,
        })
        .execute();

      // Every later migration runs, in order, from 007 on.
      const applied = await migrateToLatest(store);
      assert.deepEqual(applied.slice(0, 2), ['007_schedule_workflows', '008_mcp_sessions']);
      assert.deepEqual(applied, [...applied].sort());
      const s = await db.selectFrom('schedules').selectAll().executeTakeFirstOrThrow();
      assert.deepEqual([s.name, s.run_count, s.input, s.workflow_id], ['old', 3, '{"n":1}', null]);
      const job = await db.selectFrom('jobs').select('schedule_id').executeTakeFirstOrThrow();
      assert.equal(Number(job.schedule_id), Number(scheduleId));
      // Foreign keys are enforced again, and deleting the schedule still clears the job's link.
      await assert.rejects(
        db
          .insertInto('schedules')
          .values({ ...s, id: undefined, uuid: 'u-2', name: 'bad', task_id: 999999 })
          .execute(),
      );
      await db.deleteFrom('schedules').execute();
      const after = await db.selectFrom('jobs').select('schedule_id').executeTakeFirstOrThrow();
      assert.equal(after.schedule_id, null);
      if (dialect === 'sqlite') {
        const { rows } = await sql<{
          name: string;
        }>`select name from sqlite_schema where tbl_name = 'schedules' and type = 'index'`.execute(db);
        assert.ok(
          rows.some((r) => r.name === 'schedules_due_idx'),
          'indexes are rebuilt',
        );
      }
    });
  });
}
