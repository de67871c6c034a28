// Cancel: a job not yet running is CANCELLED at once and never starts; a running one is flagged
// (cancel_requested) and its worker interrupts the sandbox, then records CANCELLED.
import type { Db } from '../store/codec.ts';
import { notFoundById, inTransaction, toJson } from '../store/codec.ts';
import { getJob, toJob, type JobRecord } from '../store/repos/jobs.ts';
import { assertTransition, sourcesOf } from './states.ts';

export interface CancelOutcome {
  job: JobRecord;
  /** True when the job was running: its worker stops it shortly. */
  stopping: boolean;
}

export async function cancelJob(db: Db, ref: number | string, now: number): Promise<CancelOutcome> {
  return inTransaction(db, async (trx) => {
    const current = await getJob(trx, ref);
    if (!current) throw notFoundById('job', ref);
    if (current.status === 'PROCESSING') {
      const row = await trx
        .updateTable('jobs')
        .set({ cancel_requested: true, updated_at: now })
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { job: toJob(row), stopping: true };
    }
    assertTransition(current.id, current.status, 'CANCELLED');
    const row = await trx
      .updateTable('jobs')
      .set({
        status: 'CANCELLED',
        cancel_requested: true,
        finished_at: now,
        updated_at: now,
        last_error: toJson({ type: 'CancelledError', message: 'the job was cancelled before it started' }),
      })
      .where('id', '=', current.id)
      .where(
        'status',
        'in',
        sourcesOf('CANCELLED').filter((s) => s !== 'PROCESSING'),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return { job: toJob(row), stopping: false };
  });
}
