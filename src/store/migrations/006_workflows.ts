// 006: workflows (DAGs of tasks, docs/workflows.md). A workflow's versions are stored like a task's
// (the definition as JSON, one row per semver version); a run has one row per step (for_each steps
// also one row per item, pointing at their parent) and every state change of a run or a step is a
// row of workflow_transitions. Each attempt of a step is an ordinary job whose `workflow_step_id`
// names the step, which is how the result writer knows to advance the run in the same transaction.
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function up(db: AnyDb): Promise<void> {
  const t = columnTypes(db);
  const ms = t.bigint;

  await t
    .id(db.schema.createTable('workflows'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('latest_version_id', t.bigint)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await t
    .id(db.schema.createTable('workflow_versions'))
    .addColumn('workflow_id', t.bigint, (c) => c.notNull().references('workflows.id').onDelete('cascade'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // The normalised definition (JSON), exactly what runs execute.
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addUniqueConstraint('workflow_versions_unique', ['workflow_id', 'version'])
    .execute();
  await t
    .id(db.schema.createTable('workflow_runs'))
    .addColumn('uuid', 'text', (c) => c.notNull().unique())
    .addColumn('workflow_id', t.bigint, (c) => c.notNull().references('workflows.id').onDelete('cascade'))
    .addColumn('workflow_version_id', t.bigint, (c) =>
      c.notNull().references('workflow_versions.id').onDelete('cascade'),
    )
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('output', 'text')
    .addColumn('error', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('finished_at', ms)
    .execute();
  await db.schema
    .createIndex('workflow_runs_status_idx')
    .on('workflow_runs')
    .columns(['status', 'id'])
    .execute();
  await t
    .id(db.schema.createTable('workflow_steps'))
    .addColumn('run_id', t.bigint, (c) => c.notNull().references('workflow_runs.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    // for_each items: the step they belong to and their position; null on ordinary steps.
    .addColumn('parent_id', t.bigint)
    .addColumn('item_index', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('task_id', t.bigint, (c) => c.notNull())
    .addColumn('task_version_id', t.bigint)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    // The job of the current attempt.
    .addColumn('job_id', t.bigint)
    .addColumn('input', 'text')
    .addColumn('output', 'text')
    .addColumn('error', 'text')
    .addColumn('started_at', ms)
    .addColumn('finished_at', ms)
    .execute();
  // for_each bookkeeping: an item's siblings by state (counts, the next pending items in order).
  await db.schema
    .createIndex('workflow_steps_parent_idx')
    .on('workflow_steps')
    .columns(['parent_id', 'status', 'item_index'])
    .execute();
  await db.schema
    .createIndex('workflow_steps_run_idx')
    .on('workflow_steps')
    .columns(['run_id', 'id'])
    .execute();
  await t
    .id(db.schema.createTable('workflow_transitions'))
    .addColumn('run_id', t.bigint, (c) => c.notNull().references('workflow_runs.id').onDelete('cascade'))
    // Null: the run's own transition.
    .addColumn('step_id', t.bigint)
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('workflow_transitions_run_idx')
    .on('workflow_transitions')
    .columns(['run_id', 'id'])
    .execute();
  await db.schema.alterTable('jobs').addColumn('workflow_step_id', t.bigint).execute();
}

async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('workflow_step_id').execute();
  for (const table of [
    'workflow_transitions',
    'workflow_steps',
    'workflow_runs',
    'workflow_versions',
    'workflows',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

export const workflows: Migration = { up, down };
