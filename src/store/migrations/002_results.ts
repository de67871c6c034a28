// 002: what MCP development tools keep besides tasks: named result blobs an agent stores for later
// analysis (`results`), and full copies of a task version taken before risky edits
// (`task_backups`). Both hold JSON as text, like every other table.
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function up(db: AnyDb): Promise<void> {
  const t = columnTypes(db);
  const ms = t.bigint;
  const ref = t.bigint;

  await t
    .id(db.schema.createTable('results'))
    .addColumn('uuid', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    // Loose references: a result outlives the task or execution it describes.
    .addColumn('task_id', ref)
    .addColumn('execution_id', ref)
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('results_name_idx').on('results').columns(['name', 'id']).execute();
  await db.schema.createIndex('results_task_idx').on('results').columns(['task_id', 'id']).execute();

  await t
    .id(db.schema.createTable('task_backups'))
    .addColumn('uuid', 'text', (c) => c.notNull().unique())
    .addColumn('task_id', ref, (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('task_name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('files', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('task_backups_task_idx')
    .on('task_backups')
    .columns(['task_id', 'id'])
    .execute();
}

async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('task_backups').ifExists().execute();
  await db.schema.dropTable('results').ifExists().execute();
}

export const results: Migration = { up, down };
