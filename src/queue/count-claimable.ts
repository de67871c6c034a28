// How many jobs wait to be claimed (QUEUED or RETRYING), for the max_queue_size check. Counting on
// every enqueue would cost a scan per job, so the figure is cached per application for a short while:
// the limit is a back-pressure guard, not an exact quota.
import { sql } from 'kysely';
import type { Store } from '../store/database.ts';
import type { QueueCaches } from './caches.ts';

export async function countClaimable(store: Store, caches: QueueCaches, maxAgeMs = 0): Promise<number> {
  const hit = caches.claimable;
  const now = Date.now();
  if (hit && now - hit.at <= maxAgeMs) {
    hit.count++;
    return hit.count - 1;
  }
  // The literal IN list lets SQLite use the partial claim index.
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from jobs where status in ('QUEUED', 'RETRYING')`.execute(store.db);
  const count = Number(rows[0]?.n ?? 0);
  caches.claimable = { at: now, count: count + 1 };
  return count;
}
