// Reading and steering jobs once they are queued: list (a page for the APIs, a filtered list for
// the CLI), look up, reprioritise or reschedule, cancel, retry, wait, and the queue's figures.
import type { Ratchet } from '../context.ts';
import { getJob, listJobs, updateWaitingJob, type JobRecord } from '../../store/repos/jobs.ts';
import { ConflictError, notFoundById } from '../../store/codec.ts';
import type { ListQuery, ListResult } from '../../store/list-query.ts';
import { cancelJob as cancelQueuedJob, type CancelOutcome } from '../../queue/cancel-job.ts';
import { retryJob as retryFailedJob } from '../../queue/retry-job.ts';
import { FINAL_STATUSES } from '../../queue/states.ts';
import { queueStats } from '../queue-stats.ts';
import { listFilters, resolveTaskFilters, type ListFilterOptions } from '../task-ref.ts';
import { ValidationError } from '../errors.ts';
import { parsePriority, timeOf, type PriorityInput } from './enqueue.ts';

export async function findJobs(app: Ratchet, opts: ListFilterOptions = {}): Promise<JobRecord[]> {
  return (await listJobs(app.store.db, { filters: await listFilters(app, opts), limit: opts.limit })).rows;
}

export async function listJobPage(app: Ratchet, q: ListQuery): Promise<ListResult<JobRecord>> {
  return listJobs(app.store.db, await resolveTaskFilters(app, q));
}

export async function getJobRecord(app: Ratchet, ref: string | number): Promise<JobRecord> {
  const job = await getJob(app.store.db, ref);
  if (!job) throw notFoundById('job', ref);
  return job;
}

/** Reprioritises and/or reschedules a job that has not started; ConflictError once it has. */
export async function updateJob(
  app: Ratchet,
  ref: string | number,
  patch: { priority?: PriorityInput | string; scheduledFor?: string | number },
): Promise<JobRecord> {
  const job = await getJobRecord(app, ref);
  const priority = patch.priority === undefined ? undefined : parsePriority(patch.priority);
  const runAt = patch.scheduledFor === undefined ? undefined : timeOf(patch.scheduledFor, '$.scheduledFor');
  if (priority === undefined && runAt === undefined) {
    throw new ValidationError('invalid job update', [
      { path: '$', message: 'give priority and/or scheduledFor' },
    ]);
  }
  const updated = await updateWaitingJob(app.store.db, job.id, { priority, runAt });
  if (!updated) {
    const now = await getJobRecord(app, job.id);
    throw new ConflictError(`job ${job.id} is ${now.status}; only QUEUED or RETRYING jobs can be changed`);
  }
  if (runAt !== undefined) await app.queue.notifier.notify();
  return updated;
}

/**
 * Cancels a job: a waiting one at once, a running one is interrupted (`stopping`). A job that
 * already finished is a conflict (IllegalTransitionError, classified as CONFLICT on every face).
 */
export async function cancelJob(app: Ratchet, ref: string | number): Promise<CancelOutcome> {
  const out = await cancelQueuedJob(app.store.db, ref, Date.now());
  await app.queue.notifier.notify();
  return out;
}

/** Requeues a FAILED or CANCELLED job with a fresh retry budget; ConflictError otherwise. */
export async function retryJob(app: Ratchet, ref: string | number): Promise<JobRecord> {
  const job = await getJobRecord(app, ref);
  if (job.status !== 'FAILED' && job.status !== 'CANCELLED') {
    throw new ConflictError(`job ${job.id} is ${job.status}; only FAILED or CANCELLED jobs can be retried`);
  }
  const requeued = await retryFailedJob(app.store.db, job.id, Date.now());
  await app.queue.notifier.notify();
  return requeued;
}

/** Resolves when the job reaches COMPLETED, FAILED or CANCELLED (polling the store). */
export async function waitForJob(
  app: Ratchet,
  id: number,
  opts: { pollMs?: number; onWaiting?: (job: JobRecord, waitedMs: number) => void } = {},
): Promise<JobRecord> {
  const started = Date.now();
  for (;;) {
    const job = await getJobRecord(app, id);
    if (FINAL_STATUSES.includes(job.status)) return job;
    opts.onWaiting?.(job, Date.now() - started);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 20));
  }
}

export interface JobStats {
  total: number;
  byStatus: Record<string, number>;
  /** Seconds the longest-waiting runnable job has waited. */
  oldestQueuedAgeSeconds: number;
  /** Jobs due now or earlier and not yet claimed. */
  due: number;
  /** Jobs scheduled for later. */
  scheduled: number;
}

export async function jobStats(app: Ratchet, now = Date.now()): Promise<JobStats> {
  const { db } = app.store;
  const waiting = (op: '<=' | '>') =>
    db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', 'in', ['QUEUED', 'RETRYING'])
      .where('run_at', op, now)
      .executeTakeFirstOrThrow();
  const [q, due, later] = await Promise.all([queueStats(db, now), waiting('<='), waiting('>')]);
  return {
    total: Object.values(q.byStatus).reduce((a, b) => a + b, 0),
    byStatus: q.byStatus,
    oldestQueuedAgeSeconds: q.oldestQueuedAgeSeconds,
    due: Number(due.n),
    scheduled: Number(later.n),
  };
}
