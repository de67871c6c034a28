// 001: every table of the first release. Written with Kysely's schema builder so one file serves
// SQLite and PostgreSQL; dialect differences live in column-types.ts.
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function up(db: AnyDb): Promise<void> {
  const t = columnTypes(db);
  const ms = t.bigint;
  const ref = t.bigint;

  await t
    .id(db.schema.createTable('task_sources'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('branch', 'text')
    .addColumn('ref', 'text')
    .addColumn('config', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('last_synced_at', ms)
    .addColumn('last_error', 'text')
    .addColumn('commit_sha', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await t
    .id(db.schema.createTable('tasks'))
    .addColumn('uuid', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('source_id', ref, (c) => c.references('task_sources.id').onDelete('set null'))
    .addColumn('available', 'boolean', (c) => c.notNull().defaultTo(true))
    // No foreign key: task_versions references tasks, and SQLite cannot add one afterwards.
    .addColumn('latest_version_id', ref)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('deleted_at', ms)
    .execute();
  await db.schema.createIndex('tasks_source_idx').on('tasks').column('source_id').execute();

  await t
    .id(db.schema.createTable('task_versions'))
    .addColumn('task_id', ref, (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('major', 'integer', (c) => c.notNull())
    .addColumn('minor', 'integer', (c) => c.notNull())
    .addColumn('patch', 'integer', (c) => c.notNull())
    .addColumn('prerelease', 'text')
    .addColumn('prerelease_key', 'text', (c) => t.binaryCollation(c.notNull()))
    .addColumn('description', 'text')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('input_schema', 'text')
    .addColumn('output_schema', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('tests', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('change_source', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addUniqueConstraint('task_versions_task_version_uq', ['task_id', 'version'])
    .execute();
  // Serves "highest (enabled) version of a task" without a sort.
  await db.schema
    .createIndex('task_versions_precedence_idx')
    .on('task_versions')
    .columns(['task_id', 'major desc', 'minor desc', 'patch desc', 'prerelease_key desc'])
    .execute();

  await t
    .id(db.schema.createTable('schedules'))
    .addColumn('uuid', 'text', (c) => c.notNull().unique())
    .addColumn('task_id', ref, (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('cron_expression', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text')
    .addColumn('input', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('next_run_at', ms)
    .addColumn('last_run_at', ms)
    .addColumn('run_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_runs', 'integer')
    .addColumn('missed_run_policy', 'text', (c) => c.notNull().defaultTo('skip'))
    .addColumn('output_destinations', 'text')
    .addColumn('last_tick_claimed_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('schedules_due_idx')
    .on('schedules')
    .columns(['enabled', 'next_run_at'])
    .execute();
  await db.schema.createIndex('schedules_task_idx').on('schedules').column('task_id').execute();

  await t
    .id(db.schema.createTable('jobs'))
    .addColumn('uuid', 'text', (c) => c.notNull().unique())
    .addColumn('task_id', ref, (c) => c.notNull().references('tasks.id'))
    .addColumn('task_version_id', ref, (c) => c.references('task_versions.id'))
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(5))
    .addColumn('run_at', ms, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_retries', 'integer', (c) => c.notNull().defaultTo(3))
    .addColumn('timeout_ms', 'integer')
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', ms)
    .addColumn('last_error', 'text')
    .addColumn('output_destinations', 'text')
    .addColumn('schedule_id', ref, (c) => c.references('schedules.id').onDelete('set null'))
    .addColumn('cancel_requested', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('started_at', ms)
    .addColumn('finished_at', ms)
    .execute();
  // The claim query: WHERE status IN ('QUEUED','RETRYING') AND run_at <= ? ORDER BY priority DESC,
  // run_at, id. A partial index holds only claimable rows, so it stays small however many finished
  // jobs accumulate. SQLite uses a partial index only when the query repeats the literal IN list.
  await db.schema
    .createIndex('jobs_claim_idx')
    .on('jobs')
    .columns(['priority desc', 'run_at', 'id'])
    .where(sql.ref('status'), 'in', [sql.lit('QUEUED'), sql.lit('RETRYING')])
    .execute();
  // Expired leases: WHERE status = 'PROCESSING' AND lease_expires_at < ?
  await db.schema
    .createIndex('jobs_lease_idx')
    .on('jobs')
    .column('lease_expires_at')
    .where(sql.ref('status'), '=', sql.lit('PROCESSING'))
    .execute();
  await db.schema
    .createIndex('jobs_status_created_idx')
    .on('jobs')
    .columns(['status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('jobs_task_created_idx')
    .on('jobs')
    .columns(['task_id', 'created_at'])
    .execute();
  await db.schema.createIndex('jobs_created_idx').on('jobs').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('jobs_schedule_idx').on('jobs').column('schedule_id').execute();

  await t
    .id(db.schema.createTable('executions'))
    .addColumn('uuid', 'text', (c) => c.notNull().unique())
    .addColumn('job_id', ref, (c) => c.references('jobs.id').onDelete('set null'))
    .addColumn('task_id', ref, (c) => c.notNull().references('tasks.id'))
    .addColumn('task_version_id', ref, (c) => c.notNull().references('task_versions.id'))
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('output', 'text')
    .addColumn('error', 'text')
    .addColumn('logs', 'text')
    .addColumn('http', 'text')
    .addColumn('progress', 'text')
    .addColumn('worker_id', 'text')
    .addColumn('started_at', ms)
    .addColumn('finished_at', ms)
    .addColumn('duration_ms', 'integer')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  // List pages: by task (+ status), by status, or everything, newest first; `id` breaks ties.
  await db.schema
    .createIndex('executions_task_status_created_idx')
    .on('executions')
    .columns(['task_id', 'status', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('executions_task_created_idx')
    .on('executions')
    .columns(['task_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('executions_status_created_idx')
    .on('executions')
    .columns(['status', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('executions_created_idx')
    .on('executions')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema.createIndex('executions_job_idx').on('executions').column('job_id').execute();

  await t
    .id(db.schema.createTable('delivery_results'))
    .addColumn('job_id', ref, (c) => c.references('jobs.id').onDelete('set null'))
    .addColumn('execution_id', ref, (c) => c.references('executions.id').onDelete('set null'))
    .addColumn('destination_type', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('success', 'boolean', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('delivery_results_job_idx').on('delivery_results').column('job_id').execute();
  await db.schema
    .createIndex('delivery_results_execution_idx')
    .on('delivery_results')
    .column('execution_id')
    .execute();

  await db.schema
    .createTable('workers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('running_jobs', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('jobs_completed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('jobs_failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', ms, (c) => c.notNull())
    .addColumn('last_heartbeat_at', ms, (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema
    .createIndex('workers_status_heartbeat_idx')
    .on('workers')
    .columns(['status', 'last_heartbeat_at'])
    .execute();

  await t
    .id(db.schema.createTable('api_keys'))
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms)
    .addColumn('revoked_at', ms)
    .addColumn('last_used_at', ms)
    .execute();

  await t
    .id(db.schema.createTable('audit_log'))
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('source_ip', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at', 'id']).execute();
  await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor', 'at']).execute();
}

async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'audit_log',
    'api_keys',
    'workers',
    'delivery_results',
    'executions',
    'jobs',
    'schedules',
    'task_versions',
    'tasks',
    'task_sources',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

export const initial: Migration = { up, down };
