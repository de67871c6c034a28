// A successful attempt: the job becomes COMPLETED and its execution row gets the output.
import type { Db } from '../store/codec.ts';
import { toJob } from '../store/repos/jobs.ts';
import { ownedAttempt, writeExecution, type AttemptResult, type FinishedAttempt } from './attempt.ts';

/** Undefined when the attempt no longer owns the job (its lease was taken over): nothing written. */
export async function completeJob(db: Db, r: AttemptResult): Promise<FinishedAttempt | undefined> {
  const row = await db
    .updateTable('jobs')
    .set({
      status: 'COMPLETED',
      finished_at: r.finishedAt,
      updated_at: r.finishedAt,
      lease_owner: null,
      lease_expires_at: null,
      last_error: null,
      // A completed job cannot run again: the real input of its writeOnly fields goes.
      secret_input: null,
    })
    .where(ownedAttempt(r))
    .returningAll()
    .executeTakeFirst();
  if (!row) return undefined;
  const execution = await writeExecution(db, r, 'COMPLETED');
  if (!execution) throw new Error(`execution ${r.executionId} of job ${r.jobId} is no longer RUNNING`);
  return { job: toJob(row), execution, jobStatus: 'COMPLETED' };
}
