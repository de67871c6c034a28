// Attempts that end without a verdict on the task: cancelled while running (the job is CANCELLED),
// or handed back by a worker shutting down (the job returns to QUEUED for another worker).
import type { Db } from '../store/codec.ts';
import { toJson } from '../store/codec.ts';
import { toJob } from '../store/repos/jobs.ts';
import { ownedAttempt, writeExecution, type AttemptResult, type FinishedAttempt } from './attempt.ts';

export async function cancelRunningJob(db: Db, r: AttemptResult): Promise<FinishedAttempt | undefined> {
  const row = await db
    .updateTable('jobs')
    .set({
      status: 'CANCELLED',
      finished_at: r.finishedAt,
      updated_at: r.finishedAt,
      lease_owner: null,
      lease_expires_at: null,
      last_error: toJson(r.error ?? { type: 'CancelledError', message: 'the job was cancelled' }),
    })
    .where(ownedAttempt(r))
    .returningAll()
    .executeTakeFirst();
  if (!row) return undefined;
  const execution = await writeExecution(db, r, 'CANCELLED');
  if (!execution) throw new Error(`execution ${r.executionId} of job ${r.jobId} is no longer RUNNING`);
  return { job: toJob(row), execution, jobStatus: 'CANCELLED' };
}

/** The attempt stays counted; the job is claimable again at once. */
export async function handBackJob(db: Db, r: AttemptResult): Promise<FinishedAttempt | undefined> {
  const row = await db
    .updateTable('jobs')
    .set({
      status: 'QUEUED',
      run_at: r.finishedAt,
      updated_at: r.finishedAt,
      lease_owner: null,
      lease_expires_at: null,
    })
    .where(ownedAttempt(r))
    .returningAll()
    .executeTakeFirst();
  if (!row) return undefined;
  const execution = await writeExecution(db, r, 'CANCELLED');
  if (!execution) throw new Error(`execution ${r.executionId} of job ${r.jobId} is no longer RUNNING`);
  return { job: toJob(row), execution, jobStatus: 'QUEUED' };
}
