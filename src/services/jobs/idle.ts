// Whether the queue has nothing to do right now, for `ratchet worker --until-idle`: no job is
// ready to run (delayed ones and retries waiting out a backoff do not count) and none is running.
// A finished workflow step queues its dependents in the transaction that stores its result, so a
// run in progress always shows as a ready or running job, never as a gap.
import { sql } from 'kysely';
import type { Ratchet } from '../context.ts';

export async function queueIsIdle(app: Ratchet, now = Date.now()): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from jobs
    where status = 'PROCESSING' or (status in ('QUEUED', 'RETRYING') and run_at <= ${now})`.execute(
    app.store.db,
  );
  return Number(rows[0]?.n ?? 0) === 0;
}
