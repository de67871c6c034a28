// One snapshot for the console's live `monitor` view (and GET /api/v1/monitor): the queue depth by
// state and whether it is paused, throughput, success rate and duration percentiles over the last
// minute of executions, the worker summary, and the latest failures. A handful of indexed queries,
// cheap enough to ask every second.
import type { Ratchet } from './context.ts';
import { queueStats, workerSummary, type WorkerSummary } from './queue-stats.ts';
import { queueState } from './queue-control.ts';
import { percentiles } from './task-metrics.ts';
import type { JobStatus } from '../store/schema.ts';

export const MONITOR_WINDOW_MS = 60_000;
/** Durations over at most this many executions of the window. */
const SAMPLE = 5000;

export interface MonitorFailure {
  executionId: number;
  task: string;
  at: string;
  error: string;
}

export interface MonitorSnapshot {
  at: string;
  paused: boolean;
  depth: Record<JobStatus, number>;
  oldestQueuedAgeSeconds: number;
  windowSeconds: number;
  /** Executions finished (COMPLETED or FAILED) per second over the window. */
  jobsPerSecond: number;
  /** COMPLETED / (COMPLETED + FAILED) over the window; null when none finished. */
  successRate: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  workers: WorkerSummary;
  lastFailures: MonitorFailure[];
}

function errorText(raw: string | null): string {
  if (raw === null) return '';
  try {
    const e = JSON.parse(raw) as { type?: string; message?: string };
    return [e.type, e.message].filter(Boolean).join(': ');
  } catch {
    return raw;
  }
}

export async function monitorSnapshot(app: Ratchet, now = Date.now()): Promise<MonitorSnapshot> {
  const { db } = app.store;
  const since = now - MONITOR_WINDOW_MS;
  const [q, state, workers, recent, failures] = await Promise.all([
    queueStats(db, now),
    queueState(app),
    workerSummary(db),
    db
      .selectFrom('executions')
      .select(['status', 'duration_ms'])
      .where('status', 'in', ['COMPLETED', 'FAILED'])
      .where('created_at', '>=', since)
      .orderBy('created_at', 'desc')
      .limit(SAMPLE)
      .execute(),
    db
      .selectFrom('executions as e')
      .leftJoin('tasks as t', 't.id', 'e.task_id')
      .select(['e.id', 'e.error', 'e.created_at', 'e.finished_at', 't.name'])
      .where('e.status', '=', 'FAILED')
      .orderBy('e.created_at', 'desc')
      .orderBy('e.id', 'desc')
      .limit(5)
      .execute(),
  ]);
  const ok = recent.filter((r) => r.status === 'COMPLETED').length;
  const p = percentiles(recent.flatMap((r) => (r.duration_ms === null ? [] : [Number(r.duration_ms)])));
  return {
    at: new Date(now).toISOString(),
    paused: state.paused,
    depth: q.byStatus,
    oldestQueuedAgeSeconds: q.oldestQueuedAgeSeconds,
    windowSeconds: MONITOR_WINDOW_MS / 1000,
    jobsPerSecond: Math.round((recent.length / (MONITOR_WINDOW_MS / 1000)) * 100) / 100,
    successRate: recent.length === 0 ? null : Math.round((ok / recent.length) * 1000) / 1000,
    p50Ms: p.p50Ms,
    p99Ms: p.p99Ms,
    workers,
    lastFailures: failures.map((f) => ({
      executionId: Number(f.id),
      task: f.name ?? '?',
      at: new Date(Number(f.finished_at ?? f.created_at)).toISOString(),
      error: errorText(f.error),
    })),
  };
}
