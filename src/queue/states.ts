// The job state machine (DESIGN.md §5), in one table. Every queue operation filters its UPDATE on
// `status IN sourcesOf(target)`, so the database enforces the same table; when such an update finds
// nothing, the operation calls assertTransition to say why.
import type { JobStatus } from '../store/schema.ts';

export const JOB_STATUSES: readonly JobStatus[] = [
  'QUEUED',
  'PROCESSING',
  'RETRYING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
];

/** From each status, where a job may go next. */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  // claimed, or cancelled before it starts
  QUEUED: ['PROCESSING', 'CANCELLED'],
  // waiting out a backoff delay between attempts
  RETRYING: ['PROCESSING', 'CANCELLED'],
  // finished; failed with retries left (RETRYING) or for good (FAILED); cancelled while running;
  // handed back unfinished by a worker shutting down (QUEUED)
  PROCESSING: ['COMPLETED', 'RETRYING', 'FAILED', 'CANCELLED', 'QUEUED'],
  COMPLETED: [],
  // dead-lettered; `retry` requeues
  FAILED: ['QUEUED'],
  CANCELLED: ['QUEUED'],
};

export const FINAL_STATUSES: readonly JobStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];
export const CLAIMABLE_STATUSES: readonly JobStatus[] = ['QUEUED', 'RETRYING'];

export class IllegalTransitionError extends Error {
  readonly from: JobStatus;
  readonly to: JobStatus;
  constructor(jobId: number, from: JobStatus, to: JobStatus) {
    const allowed = JOB_TRANSITIONS[from];
    super(
      `job ${jobId} is ${from} and cannot become ${to}` +
        (allowed.length ? ` (from ${from} it can become ${allowed.join(', ')})` : ` (${from} is final)`),
    );
    this.name = 'IllegalTransitionError';
    this.from = from;
    this.to = to;
  }
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_TRANSITIONS[from].includes(to);
}

export function assertTransition(jobId: number, from: JobStatus, to: JobStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(jobId, from, to);
}

/** The statuses a job may be in to move to `to`: the WHERE clause of that move. */
export function sourcesOf(to: JobStatus): JobStatus[] {
  return JOB_STATUSES.filter((from) => JOB_TRANSITIONS[from].includes(to));
}
