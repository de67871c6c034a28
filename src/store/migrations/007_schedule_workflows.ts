// 007: a schedule can start a workflow run instead of a job. `schedules.workflow_id` names the
// workflow (its latest version runs at each tick, as a task schedule runs the task's latest
// version) and `task_id` becomes nullable; exactly one of the two is set (the service checks it).
// SQLite cannot drop NOT NULL in place, so the table is rebuilt from its own CREATE statement with
// that one constraint removed (SQLite's documented 12-step procedure; migrate.ts turns foreign
// keys off around the run so dropping the old table does not touch jobs.schedule_id).
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function up(db: AnyDb): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .alterTable('schedules')
    .addColumn('workflow_id', t.bigint, (c) => c.references('workflows.id').onDelete('cascade'))
    .execute();
  if (t.postgres) {
    await sql`alter table schedules alter column task_id drop not null`.execute(db);
  } else {
    await rebuildSqliteTable(db, 'schedules', (create) => {
      const nullable = create.replace(/("task_id" integer) not null/, '$1');
      if (nullable === create) throw new Error('schedules.task_id: NOT NULL not found in its definition');
      return nullable;
    });
  }
  await db.schema.createIndex('schedules_workflow_idx').on('schedules').column('workflow_id').execute();
}

/** Recreates a SQLite table from its CREATE statement as `change` rewrites it, with its indexes. */
async function rebuildSqliteTable(db: AnyDb, table: string, change: (create: string) => string) {
  const { rows } = await sql<{ type: string; name: string; sql: string | null }>`
    select type, name, sql from sqlite_schema where tbl_name = ${table}`.execute(db);
  const create = rows.find((r) => r.type === 'table')!.sql!;
  const indexes = rows.filter((r) => r.type === 'index' && r.sql !== null).map((r) => r.sql!);
  const temp = `${table}_rebuilt`;
  const renamed = change(create).replace(/^CREATE TABLE "?[A-Za-z_]+"?/i, `create table "${temp}"`);
  await sql.raw(renamed).execute(db);
  await sql`insert into ${sql.table(temp)} select * from ${sql.table(table)}`.execute(db);
  await sql`drop table ${sql.table(table)}`.execute(db);
  await sql`alter table ${sql.table(temp)} rename to ${sql.table(table)}`.execute(db);
  for (const index of indexes) await sql.raw(index).execute(db);
}

async function down(db: AnyDb): Promise<void> {
  await db.deleteFrom('schedules').where('task_id', 'is', null).execute();
  await db.schema.dropIndex('schedules_workflow_idx').execute();
  await db.schema.alterTable('schedules').dropColumn('workflow_id').execute();
}

export const scheduleWorkflows: Migration = { up, down };
