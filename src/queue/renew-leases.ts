// A worker extends the leases of the jobs it is running. Returns the ids it no longer owns (the
// lease expired and another worker took the job over): the worker should stop those runs, since
// their results will be discarded anyway.
import type { Db } from '../store/codec.ts';
import { inIds } from '../store/id-list.ts';
import { statusIs } from './status-guard.ts';

export async function renewLeases(
  db: Db,
  workerId: string,
  jobIds: readonly number[],
  leaseMs: number,
  now: number,
): Promise<number[]> {
  if (jobIds.length === 0) return [];
  const renewed = await db
    .updateTable('jobs')
    .set({ lease_expires_at: now + leaseMs })
    .where(inIds(db, 'id', jobIds))
    .where('lease_owner', '=', workerId)
    .where(statusIs('status', 'PROCESSING'))
    .returning('id')
    .execute();
  const kept = new Set(renewed.map((r) => Number(r.id)));
  return jobIds.filter((id) => !kept.has(id));
}

/** Of the given running jobs, those someone asked to cancel. */
export async function cancelRequestedAmong(db: Db, jobIds: readonly number[]): Promise<number[]> {
  if (jobIds.length === 0) return [];
  const rows = await db
    .selectFrom('jobs')
    .select('id')
    .where(inIds(db, 'id', jobIds))
    .where('cancel_requested', '=', true)
    .execute();
  return rows.map((r) => Number(r.id));
}
