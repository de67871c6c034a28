// `job clear`: deletes finished jobs of the given statuses, optionally only those finished before a
// time, in batches (short transactions, so workers are never blocked for long). Executions keep
// their rows (their job_id becomes null), as retention pruning leaves them to their own rule.
import { sql } from 'kysely';
import type { Db } from '../codec.ts';

export async function deleteFinishedJobs(
  db: Db,
  statuses: readonly string[],
  finishedBefore: number | undefined,
  batchSize = 1000,
): Promise<number> {
  const before = finishedBefore === undefined ? sql`` : sql` and finished_at < ${finishedBefore}`;
  let total = 0;
  for (;;) {
    const res = await sql`
      delete from jobs where id in (
        select id from jobs where status in (${sql.join(statuses)})${before} limit ${batchSize})`.execute(db);
    const n = Number(res.numAffectedRows ?? 0);
    total += n;
    if (n < batchSize) return total;
  }
}
