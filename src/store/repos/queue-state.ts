// The queue's shared switches (one row, migration 011): whether claiming is paused, since when and
// by whom. Read by workers through queue/pause-gate.ts and by the queue service.
import type { Db } from '../codec.ts';
import { iso } from '../codec.ts';

export interface QueueState {
  paused: boolean;
  /** When paused or resumed last (ISO time), and by whom; null if never. */
  changedAt: string | null;
  changedBy: string | null;
}

export async function readQueueState(db: Db): Promise<QueueState> {
  const row = await db
    .selectFrom('queue_state')
    .select(['paused', 'changed_at', 'changed_by'])
    .where('id', '=', 1)
    .executeTakeFirst();
  return {
    paused: Number(row?.paused ?? 0) === 1,
    changedAt: row?.changed_at == null ? null : iso(Number(row.changed_at)),
    changedBy: row?.changed_by ?? null,
  };
}

/** Whether claiming is paused: the one column workers read. */
export async function isQueuePaused(db: Db): Promise<boolean> {
  const row = await db.selectFrom('queue_state').select('paused').where('id', '=', 1).executeTakeFirst();
  return Number(row?.paused ?? 0) === 1;
}

/** Sets the switch; true when it changed (false: it already was so). */
export async function setQueuePaused(db: Db, paused: boolean, by: string, now: number): Promise<boolean> {
  const res = await db
    .updateTable('queue_state')
    .set({ paused: paused ? 1 : 0, changed_at: now, changed_by: by })
    .where('id', '=', 1)
    .where('paused', '=', paused ? 0 : 1)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
