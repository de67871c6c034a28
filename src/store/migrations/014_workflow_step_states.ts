// 014 (PostgreSQL only): ratchet_run_step_states(run_id, inline_bytes), a run's top-level step rows
// as one JSON array, with the inputs and outputs over inline_bytes left out (null, and flagged
// `input_large` / `output_large`). The engine locks a run and loads its steps on every advance (012
// says why through a VOLATILE function); with every input and output, a run of 100 steps that
// return 200 KB each built, sent and parsed ~1 GB over its life. The large ones are now read only
// when an advance needs them; the caller passes the bound (engine/open-run.ts, INLINE_BYTES), so
// it is set in one place. 012's function stays for nodes not upgraded yet.
import { sql, type Kysely, type Migration } from 'kysely';
import { columnTypes } from './column-types.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function up(db: AnyDb): Promise<void> {
  if (!columnTypes(db).postgres) return;
  // A row subquery, not to_jsonb(s) minus keys: that took ~4x as long (1.3 against 0.3 ms for
  // 100 steps), which a run pays on every advance.
  await sql`
    create or replace function ratchet_run_step_states(p_run_id bigint, p_inline_bytes integer)
    returns json
    language sql volatile as $$
      select coalesce(json_agg(x order by x.id), '[]'::json) from (
        select s.id, s.run_id, s.name, s.parent_id, s.item_index, s.status, s.task_id,
          s.task_version_id, s.attempts, s.job_id, s.error, s.started_at, s.finished_at,
          case when octet_length(s.input) > p_inline_bytes then null else s.input end as input,
          coalesce(octet_length(s.input) > p_inline_bytes, false) as input_large,
          case when octet_length(s.output) > p_inline_bytes then null else s.output end as output,
          coalesce(octet_length(s.output) > p_inline_bytes, false) as output_large
        from workflow_steps s where s.run_id = p_run_id and s.parent_id is null
      ) x
    $$`.execute(db);
}

async function down(db: AnyDb): Promise<void> {
  if (!columnTypes(db).postgres) return;
  await sql`drop function if exists ratchet_run_step_states(bigint, integer)`.execute(db);
}

export const workflowStepStates: Migration = { up, down };
