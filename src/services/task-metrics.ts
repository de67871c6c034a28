// Run figures of one task for adapters that report on it (MCP metrics, benchmarks): counts by
// status from taskStats, plus duration percentiles over its most recent finished executions.
import type { Ratchet } from './context.ts';
import { taskStats, type TaskStats } from './task-checks.ts';
import { requireTask } from './task-ref.ts';

export interface Percentiles {
  count: number;
  minMs: number | null;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  meanMs: number | null;
}

/** Nearest-rank percentiles of a list of durations (any order). */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) {
    return { count: 0, minMs: null, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null, meanMs: null };
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    count: sorted.length,
    minMs: sorted[0]!,
    p50Ms: rank(0.5),
    p90Ms: rank(0.9),
    p99Ms: rank(0.99),
    maxMs: sorted.at(-1)!,
    meanMs: Math.round(mean * 100) / 100,
  };
}

export interface TaskMetrics extends TaskStats {
  /** Durations of the last `window` finished (COMPLETED or FAILED) executions. */
  recentDurations: Percentiles;
  /** Error types of the recent failures, most frequent first. */
  recentErrors: { type: string; count: number }[];
}

export async function taskMetrics(app: Ratchet, ref: string | number, window = 1000): Promise<TaskMetrics> {
  const task = await requireTask(app, ref);
  const rows = await app.store.db
    .selectFrom('executions')
    .select(['duration_ms', 'status', 'error'])
    .where('task_id', '=', task.id)
    .where('status', 'in', ['COMPLETED', 'FAILED'])
    .orderBy('id', 'desc')
    .limit(window)
    .execute();
  const errors = new Map<string, number>();
  for (const r of rows) {
    if (r.status !== 'FAILED' || r.error === null) continue;
    let type = 'Error';
    try {
      type = (JSON.parse(r.error) as { type?: string }).type ?? 'Error';
    } catch {
      // an unreadable error row still counts as a failure
    }
    errors.set(type, (errors.get(type) ?? 0) + 1);
  }
  return {
    ...(await taskStats(app, task.id)),
    recentDurations: percentiles(
      rows.flatMap((r) => (r.duration_ms === null ? [] : [Number(r.duration_ms)])),
    ),
    recentErrors: [...errors].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count),
  };
}
