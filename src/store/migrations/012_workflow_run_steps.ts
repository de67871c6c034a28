// 012 (PostgreSQL only): ratchet_run_steps(run_id), a run's top-level step rows as one JSON array.
// The workflow engine calls it in the RETURNING list of the UPDATE that locks the run, so locking
// and loading cost one round trip per step instead of two. That is safe only because the function
// is VOLATILE: such a function takes a fresh snapshot for each query it runs, here after the row
// lock was granted, so it sees what a concurrent advance of the same run committed while this one
// waited (a plain subquery would read the statement's older snapshot and could queue a step twice).
import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function up(db: AnyDb): Promise<void> {
  if (!columnTypes(db).postgres) return;
  await sql`
    create or replace function ratchet_run_steps(p_run_id bigint) returns json
    language sql volatile as $$
      select coalesce(json_agg(s order by s.id), '[]'::json)
      from workflow_steps s where s.run_id = p_run_id and s.parent_id is null
    $$`.execute(db);
}

async function down(db: AnyDb): Promise<void> {
  if (!columnTypes(db).postgres) return;
  await sql`drop function if exists ratchet_run_steps(bigint)`.execute(db);
}

export const workflowRunSteps: Migration = { up, down };
