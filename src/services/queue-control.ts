// Steering the queue as a whole: pause and resume claiming across every worker sharing the store
// (the switch lives in the database, so all processes and nodes see it), the queue's state for
// `server status` and REST, and clearing finished jobs. Adapters (REST, console, MCP) call these.
import type { Ratchet } from './context.ts';
import { readQueueState, setQueuePaused, type QueueState } from '../store/repos/queue-state.ts';
import { deleteFinishedJobs } from '../store/repos/jobs-clear.ts';
import { DurationError, parseDuration } from '../config/duration.ts';
import { PAUSE_READ_MS } from '../queue/pause-gate.ts';
import { ConflictError } from '../store/codec.ts';
import { ValidationError } from './errors.ts';

export type { QueueState } from '../store/repos/queue-state.ts';

export interface QueueSwitch extends QueueState {
  /** False when the queue already was in that state. */
  changed: boolean;
  /** How soon every worker honours it (they re-read the switch at most this often). */
  takesEffectWithinMs: number;
}

export function queueState(app: Ratchet): Promise<QueueState> {
  return readQueueState(app.store.db);
}

async function setPaused(app: Ratchet, paused: boolean, by: string): Promise<QueueSwitch> {
  const changed = await setQueuePaused(app.store.db, paused, by, Date.now());
  // Resuming wakes the workers (every process on PostgreSQL) so they claim at once.
  if (changed && !paused) await app.queue.notifier.notify();
  return { ...(await readQueueState(app.store.db)), changed, takesEffectWithinMs: PAUSE_READ_MS };
}

/** Stops every worker claiming jobs (running jobs finish); enqueueing still works. */
export function pauseQueue(app: Ratchet, by: string): Promise<QueueSwitch> {
  return setPaused(app, true, by);
}

/** Lets every worker claim again. */
export function resumeQueue(app: Ratchet, by: string): Promise<QueueSwitch> {
  return setPaused(app, false, by);
}

export const CLEARABLE = ['COMPLETED', 'FAILED', 'CANCELLED'] as const;
const PENDING = ['QUEUED', 'RETRYING', 'PROCESSING'];

export interface ClearJobsOptions {
  /** Which finished jobs (default COMPLETED). */
  status?: string;
  /** Only jobs finished longer ago than this (`7d`, `12h`, `30m`). */
  olderThan?: string;
}

export interface ClearJobsResult {
  status: string;
  /** The cut-off (ISO time) when --older-than was given. */
  finishedBefore: string | null;
  removed: number;
}

/** Deletes finished jobs; refuses queued, retrying and running ones (cancel them first). */
export async function clearJobs(app: Ratchet, opts: ClearJobsOptions = {}): Promise<ClearJobsResult> {
  const status = (opts.status ?? 'COMPLETED').toUpperCase();
  if (PENDING.includes(status))
    throw new ConflictError(
      `${status} jobs are not finished and cannot be cleared (cancel them first); clear takes ${CLEARABLE.join(', ')}`,
    );
  if (!(CLEARABLE as readonly string[]).includes(status))
    throw new ValidationError('invalid clear', [
      { path: 'status', message: `${JSON.stringify(opts.status)} is not one of ${CLEARABLE.join(', ')}` },
    ]);
  let before: number | undefined;
  if (opts.olderThan !== undefined) {
    try {
      before = Date.now() - parseDuration(opts.olderThan, { positive: true });
    } catch (err) {
      if (!(err instanceof DurationError)) throw err;
      throw new ValidationError('invalid clear', [{ path: 'olderThan', message: err.message }]);
    }
  }
  const removed = await deleteFinishedJobs(app.store.db, [status], before);
  return {
    status,
    finishedBefore: before === undefined ? null : new Date(before).toISOString(),
    removed,
  };
}
