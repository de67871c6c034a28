// Workers as adapters see them: the rows each worker node keeps current through its heartbeat
// (capacity, running jobs, totals, status), listed, looked up and summed up.
import type { Ratchet } from './context.ts';
import { NotFoundError } from '../store/codec.ts';
import type { ListQuery, ListResult } from '../store/list-query.ts';
import { getWorker, listWorkers, type WorkerRecord } from '../store/repos/workers.ts';
import { workerSummary, type WorkerSummary } from './queue-stats.ts';

export type { WorkerRecord } from '../store/repos/workers.ts';

export function listWorkerPage(app: Ratchet, q: ListQuery): Promise<ListResult<WorkerRecord>> {
  return listWorkers(app.store.db, q);
}

export async function getWorkerRecord(app: Ratchet, id: string): Promise<WorkerRecord> {
  const w = await getWorker(app.store.db, id);
  if (!w) throw new NotFoundError(`no worker "${id}" (see GET /api/v1/workers)`);
  return w;
}

export interface WorkerStats extends WorkerSummary {
  total: number;
  /** Free executor slots across ONLINE workers. */
  idle: number;
  /** busy / capacity of ONLINE workers, 0–1 (0 with no capacity). */
  utilization: number;
  jobsCompleted: number;
  jobsFailed: number;
  /** Most recent heartbeat of any worker, or null when none ever registered. */
  lastHeartbeatAt: string | null;
}

export async function workerStats(app: Ratchet): Promise<WorkerStats> {
  const { db } = app.store;
  const [summary, totals] = await Promise.all([
    workerSummary(db),
    db
      .selectFrom('workers')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('total'),
        eb.fn.sum<number | string | null>('jobs_completed').as('completed'),
        eb.fn.sum<number | string | null>('jobs_failed').as('failed'),
        eb.fn.max<number | string | null>('last_heartbeat_at').as('last'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return {
    ...summary,
    total: Number(totals.total),
    idle: Math.max(0, summary.capacity - summary.busy),
    utilization: summary.capacity === 0 ? 0 : summary.busy / summary.capacity,
    jobsCompleted: Number(totals.completed ?? 0),
    jobsFailed: Number(totals.failed ?? 0),
    lastHeartbeatAt: totals.last === null ? null : new Date(Number(totals.last)).toISOString(),
  };
}
