// A failed attempt: with retries left and a retryable error the job waits in RETRYING for
// min(max, base · 2^(attempt−1)) · jitter; otherwise it is FAILED for good (dead-lettered).
import { sql } from 'kysely';
import type { Db } from '../store/codec.ts';
import type { JobStatus } from '../store/schema.ts';
import { toJson } from '../store/codec.ts';
import { toJob } from '../store/repos/jobs.ts';
import { ownedAttempt, writeExecution, type AttemptResult, type FinishedAttempt } from './attempt.ts';
import { isRetryableError, retryDelayMs, type RetryPolicy } from './clock.ts';

export interface FailOptions {
  /** The job's max_retries as claimed. */
  maxRetries: number;
  policy: RetryPolicy;
  random: () => number;
}

export function shouldRetry(r: AttemptResult, maxRetries: number): boolean {
  return r.attempt <= maxRetries && isRetryableError(r.error);
}

export async function failJob(
  db: Db,
  r: AttemptResult,
  opts: FailOptions,
): Promise<FinishedAttempt | undefined> {
  const retry = shouldRetry(r, opts.maxRetries);
  const lastError = toJson(r.error ?? { type: 'Error', message: 'the attempt failed without an error' });
  const row = await db
    .updateTable('jobs')
    .set(
      retry
        ? {
            // A cancel asked for while the attempt ran wins over the retry.
            status: sql<JobStatus>`case when cancel_requested then 'CANCELLED' else 'RETRYING' end`,
            finished_at: sql<
              number | null
            >`case when cancel_requested then cast(${r.finishedAt} as bigint) else null end`,
            run_at: r.finishedAt + retryDelayMs(r.attempt, opts.policy, opts.random),
            updated_at: r.finishedAt,
            lease_owner: null,
            lease_expires_at: null,
            last_error: lastError,
          }
        : {
            status: 'FAILED',
            finished_at: r.finishedAt,
            updated_at: r.finishedAt,
            lease_owner: null,
            lease_expires_at: null,
            last_error: lastError,
          },
    )
    .where(ownedAttempt(r))
    .returningAll()
    .executeTakeFirst();
  if (!row) return undefined;
  const execution = await writeExecution(db, r, 'FAILED');
  if (!execution) throw new Error(`execution ${r.executionId} of job ${r.jobId} is no longer RUNNING`);
  return { job: toJob(row), execution, jobStatus: row.status };
}
