// PostgreSQL plans the claim from table statistics. A jobs table that was never analysed (a fresh
// database that just received a backlog, before autovacuum's first pass) is estimated at a handful
// of rows, and the planner then sorts every claimable row on each claim instead of reading the
// claim index in order: a few milliseconds per claim that grow with the backlog. A worker starting
// on such a table analyses it once; afterwards autovacuum keeps the statistics current.
import { sql } from 'kysely';
import type { Store } from '../store/database.ts';

/** True when it ran ANALYZE. SQLite: nothing to do (its claim names the index). */
export async function analyzeJobsIfNeverAnalyzed(store: Store): Promise<boolean> {
  if (store.dialect !== 'postgres') return false;
  const { rows } = await sql<{ never: boolean }>`
    select (last_analyze is null and last_autoanalyze is null) as never
    from pg_stat_user_tables where relid = 'jobs'::regclass`.execute(store.db);
  if (!rows[0]?.never) return false;
  await sql`analyze jobs`.execute(store.db);
  return true;
}
