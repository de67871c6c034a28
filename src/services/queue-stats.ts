// Cheap queue and worker figures for health checks and metrics scrapes: a handful of aggregate
// queries, no row scans beyond what the status index answers.
import type { Db } from '../store/codec.ts';
import type { JobStatus, WorkerStatus } from '../store/schema.ts';
import { countJobsByStatus } from '../store/repos/jobs.ts';

export interface QueueStats {
  byStatus: Record<JobStatus, number>;
  /** Seconds the longest-waiting runnable QUEUED job has waited (since its run_at); 0 if none. */
  oldestQueuedAgeSeconds: number;
}

export async function queueStats(db: Db, now = Date.now()): Promise<QueueStats> {
  const byStatus = await countJobsByStatus(db);
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.min<number | string | null>('run_at').as('oldest'))
    .where('status', '=', 'QUEUED')
    .where('run_at', '<=', now)
    .executeTakeFirst();
  const oldest = row?.oldest == null ? null : Number(row.oldest);
  return { byStatus, oldestQueuedAgeSeconds: oldest === null ? 0 : Math.max(0, (now - oldest) / 1000) };
}

export interface WorkerSummary {
  online: number;
  /** Executor slots across ONLINE workers, and how many are running a job. */
  capacity: number;
  busy: number;
  byStatus: Partial<Record<WorkerStatus, number>>;
}

export async function workerSummary(db: Db): Promise<WorkerSummary> {
  const rows = await db
    .selectFrom('workers')
    .select((eb) => [
      'status',
      eb.fn.countAll<number | string>().as('n'),
      eb.fn.sum<number | string | null>('capacity').as('capacity'),
      eb.fn.sum<number | string | null>('running_jobs').as('busy'),
    ])
    .groupBy('status')
    .execute();
  const out: WorkerSummary = { online: 0, capacity: 0, busy: 0, byStatus: {} };
  for (const r of rows) {
    out.byStatus[r.status] = Number(r.n);
    if (r.status === 'ONLINE') {
      out.online = Number(r.n);
      out.capacity = Number(r.capacity ?? 0);
      out.busy = Number(r.busy ?? 0);
    }
  }
  return out;
}
