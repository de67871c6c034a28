// The execution timeline (GET /api/v1/executions/timeline) turned into the overview's chart series:
// x in seconds (uPlot's time unit), jobs finished per second and the success rate per bucket. No
// DOM here, so node:test covers it (test/dashboard-logic.test.ts).
export interface TimelineBucket {
  at: string;
  completed: number;
  failed: number;
  cancelled: number;
  open: number;
}

export interface Timeline {
  since: string;
  until: string;
  bucketSeconds: number;
  buckets: TimelineBucket[];
  durationMs: { p50: number | null; p99: number | null };
}

export interface Series {
  x: number[];
  /** Executions that ended (completed, failed or cancelled) per second of the bucket. */
  perSecond: number[];
  /** completed / (completed + failed); null for a bucket where none was judged. */
  successRate: (number | null)[];
}

export function seriesOf(t: Timeline, now = Date.now()): Series {
  const x: number[] = [];
  const perSecond: number[] = [];
  const successRate: (number | null)[] = [];
  for (const b of t.buckets) {
    const start = Date.parse(b.at);
    // The bucket in progress has lasted only until now: divide by the seconds it has had.
    const seconds = Math.max(1, Math.min(t.bucketSeconds, (now - start) / 1000));
    x.push(start / 1000);
    perSecond.push((b.completed + b.failed + b.cancelled) / seconds);
    const judged = b.completed + b.failed;
    successRate.push(judged === 0 ? null : b.completed / judged);
  }
  return { x, perSecond, successRate };
}
