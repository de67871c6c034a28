// Requeue a dead-lettered (FAILED) or CANCELLED job: a fresh retry budget, due now.
import type { Db } from '../store/codec.ts';
import { notFoundById, inTransaction } from '../store/codec.ts';
import { getJob, toJob, type JobRecord } from '../store/repos/jobs.ts';
import { assertTransition } from './states.ts';

export async function retryJob(db: Db, ref: number | string, now: number): Promise<JobRecord> {
  return inTransaction(db, async (trx) => {
    const current = await getJob(trx, ref);
    if (!current) throw notFoundById('job', ref);
    assertTransition(current.id, current.status, 'QUEUED');
    if (current.status === 'PROCESSING') {
      throw new Error(`job ${current.id} is running; only FAILED or CANCELLED jobs can be retried`);
    }
    const row = await trx
      .updateTable('jobs')
      .set({
        status: 'QUEUED',
        attempts: 0,
        run_at: now,
        cancel_requested: false,
        lease_owner: null,
        lease_expires_at: null,
        finished_at: null,
        updated_at: now,
      })
      .where('id', '=', current.id)
      .where('status', 'in', ['FAILED', 'CANCELLED'])
      .returningAll()
      .executeTakeFirstOrThrow();
    return toJob(row);
  });
}
