// Executions over a recent window, in equal time buckets: how many started in each and how they
// ended (completed, failed, cancelled, still open), plus the window's median and 99th-percentile
// duration. The dashboard's overview charts jobs per second and the success rate from it. Reads
// go through executions_created_idx (the window's rows only), so the cost follows the window, not
// the table.
import { sql } from 'kysely';
import type { Ratchet } from './context.ts';
import { ValidationError, type Violation } from './errors.ts';

export interface TimelineBucket {
  /** Start of the bucket, ISO-8601. */
  at: string;
  completed: number;
  failed: number;
  cancelled: number;
  /** PENDING or RUNNING now. */
  open: number;
}

export interface ExecutionTimeline {
  since: string;
  until: string;
  bucketSeconds: number;
  buckets: TimelineBucket[];
  /** Of the window's finished executions; null when none finished. */
  durationMs: { p50: number | null; p99: number | null };
}

export interface TimelineOptions {
  /** Length of the window, 1–1440 (default 60). */
  minutes?: number;
  /** Bucket width, 10–3600 and dividing the window (default 60). */
  bucketSeconds?: number;
}

const KEYS = { COMPLETED: 'completed', FAILED: 'failed', CANCELLED: 'cancelled' } as const;

export async function executionTimeline(
  app: Ratchet,
  opts: TimelineOptions = {},
  now = Date.now(),
): Promise<ExecutionTimeline> {
  const minutes = opts.minutes ?? 60;
  const bucketSeconds = opts.bucketSeconds ?? 60;
  const violations: Violation[] = [];
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)
    violations.push({ path: '$.minutes', message: `must be a whole number from 1 to 1440, not ${minutes}` });
  if (!Number.isInteger(bucketSeconds) || bucketSeconds < 10 || bucketSeconds > 3600)
    violations.push({
      path: '$.bucketSeconds',
      message: `must be a whole number from 10 to 3600, not ${bucketSeconds}`,
    });
  else if ((minutes * 60) % bucketSeconds !== 0)
    violations.push({ path: '$.bucketSeconds', message: `must divide the window (${minutes * 60} s)` });
  if (violations.length > 0) throw new ValidationError('invalid execution timeline', violations);
  const width = bucketSeconds * 1000;
  // Buckets end at the next boundary after now, so the last one is the one in progress.
  const until = Math.ceil((now + 1) / width) * width;
  const since = until - minutes * 60_000;
  const { db } = app.store;
  const inWindow = () =>
    db.selectFrom('executions').where('created_at', '>=', since).where('created_at', '<', until);
  // Literals, not parameters: PostgreSQL must see the same expression in SELECT and GROUP BY.
  const bucket = sql<number | string>`(${sql.ref('created_at')} - ${sql.lit(since)}) / ${sql.lit(width)}`;
  const rows = await inWindow()
    .select((eb) => [bucket.as('b'), 'status', eb.fn.countAll<number | string>().as('n')])
    .groupBy([sql.ref('b'), 'status'])
    .execute();
  const buckets: TimelineBucket[] = Array.from({ length: (minutes * 60) / bucketSeconds }, (_, i) => ({
    at: new Date(since + i * width).toISOString(),
    completed: 0,
    failed: 0,
    cancelled: 0,
    open: 0,
  }));
  for (const r of rows) {
    const b = buckets[Math.floor(Number(r.b))];
    if (!b) continue;
    const key = KEYS[r.status as keyof typeof KEYS] ?? 'open';
    b[key] += Number(r.n);
  }
  return {
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    bucketSeconds,
    buckets,
    durationMs: await percentiles(app, since, until),
  };
}

/** Nearest-rank p50 and p99 of the finished durations created in [since, until). */
async function percentiles(
  app: Ratchet,
  since: number,
  until: number,
): Promise<ExecutionTimeline['durationMs']> {
  const finished = () =>
    app.store.db
      .selectFrom('executions')
      .where('created_at', '>=', since)
      .where('created_at', '<', until)
      .where('duration_ms', 'is not', null);
  const count = await finished()
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  const n = Number(count.n);
  if (n === 0) return { p50: null, p99: null };
  const at = async (p: number): Promise<number> => {
    const row = await finished()
      .select('duration_ms')
      .orderBy('duration_ms')
      .limit(1)
      .offset(Math.max(0, Math.ceil((p / 100) * n) - 1))
      .executeTakeFirstOrThrow();
    return Number(row.duration_ms);
  };
  return { p50: await at(50), p99: await at(99) };
}
