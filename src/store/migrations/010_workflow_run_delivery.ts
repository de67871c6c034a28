// 010: output destinations apply to a workflow run as they apply to a job. A run keeps the
// destinations it was started with; `delivery_claimed_at` is set by the one process that delivers
// the finished run's output (an atomic claim, so two nodes that both see the run end never deliver
// it twice); delivery_results rows name the run they were made for.
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function up(db: AnyDb): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('workflow_runs').addColumn('output_destinations', 'text').execute();
  await db.schema.alterTable('workflow_runs').addColumn('delivery_claimed_at', t.bigint).execute();
  await db.schema
    .alterTable('delivery_results')
    .addColumn('workflow_run_id', t.bigint, (c) => c.references('workflow_runs.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('delivery_results_workflow_run_idx')
    .on('delivery_results')
    .column('workflow_run_id')
    .execute();
  // The sweep that delivers runs whose finishing process could not: finished, with destinations,
  // not yet claimed. Partial, so it stays as small as the backlog it serves.
  await db.schema
    .createIndex('workflow_runs_undelivered_idx')
    .on('workflow_runs')
    .column('finished_at')
    .where(sql.ref('output_destinations'), 'is not', null)
    .where(sql.ref('delivery_claimed_at'), 'is', null)
    .execute();
}

async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('workflow_runs_undelivered_idx').ifExists().execute();
  await db.schema.dropIndex('delivery_results_workflow_run_idx').ifExists().execute();
  await db.schema.alterTable('delivery_results').dropColumn('workflow_run_id').execute();
  await db.schema.alterTable('workflow_runs').dropColumn('delivery_claimed_at').execute();
  await db.schema.alterTable('workflow_runs').dropColumn('output_destinations').execute();
}

export const workflowRunDelivery: Migration = { up, down };
