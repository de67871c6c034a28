// How many jobs wait to be claimed (QUEUED or RETRYING), for the max_queue_size check. Counting on
// every enqueue would cost a scan per job, so the figure is cached per application for a short while:
// the limit is a back-pressure guard, not an exact quota. And whether any of them is due now, for a
// worker starting up (workers/worker-process.ts).
import { sql } from 'kysely';
import type { Db } from '../store/codec.ts';
import type { Store } from '../store/database.ts';
import type { QueueCaches } from './caches.ts';

/**
 * The jobs waiting now, before the caller adds `adding` more: the cached figure counts them in at
 * once, so a caller that then stores fewer (a batch refused, idempotency keys that matched) corrects
 * or drops it.
 */
export async function countClaimable(
  store: Store,
  caches: QueueCaches,
  maxAgeMs = 0,
  adding = 1,
): Promise<number> {
  const hit = caches.claimable;
  const now = Date.now();
  if (hit && now - hit.at <= maxAgeMs) {
    hit.count += adding;
    return hit.count - adding;
  }
  // The literal IN list lets SQLite use the partial claim index.
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from jobs where status in ('QUEUED', 'RETRYING')`.execute(store.db);
  const count = Number(rows[0]?.n ?? 0);
  caches.claimable = { at: now, count: count + adding };
  return count;
}

/**
 * Whether some job waits to be claimed now and the queue is not paused (`job pause`): delayed jobs
 * do not count. Reads one job row at most.
 */
export async function anyJobDue(db: Db, now: number): Promise<boolean> {
  const { rows } = await sql<{ one: number }>`
    select 1 as one from jobs where status in ('QUEUED', 'RETRYING') and run_at <= ${now}
      and not exists (select 1 from queue_state where id = 1 and paused = 1)
    limit 1`.execute(db);
  return rows.length > 0;
}
