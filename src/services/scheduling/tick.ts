// One pass of the scheduler: every enabled schedule whose next run is due fires at most once (a
// job for a task, a run for a workflow). Exactly-once across nodes rests on two guards: the tick
// is claimed with a compare-and-set (claimScheduleTick), and the job or run carries the idempotency
// key `schedule:<id>:<tick ISO>`, so even a claim granted twice cannot fire twice for one tick.
import type { Ratchet } from '../context.ts';
import { claimScheduleTick, listDueSchedules } from '../../store/repos/schedules.ts';
import type { ScheduleRecord } from '../../store/repos/schedules.ts';
import { fireSchedule } from './target.ts';
import { lastCronRunAtOrBefore, nextCronRun } from '../../scheduler/cron.ts';

export const MISSED_RUN_POLICIES = ['skip', 'run_once'] as const;
export type MissedRunPolicy = (typeof MISSED_RUN_POLICIES)[number];

/** A tick this recent still counts as on time (the scheduler wakes late by up to its interval). */
export const DEFAULT_GRACE_MS = 60_000;

export interface TickOptions {
  /** How late a tick may fire before it counts as missed (default 60 s). */
  graceMs?: number;
  /** Most schedules handled per pass (the rest are due next pass). */
  batch?: number;
}

export interface TickResult {
  scheduleId: number;
  /** The tick acted on (ISO). */
  tick: string;
  /**
   * enqueued: a job was queued (or a workflow run started) for the tick; skipped: missed ticks dropped under `skip`;
   * claimed-elsewhere: another scheduler took the tick; failed: claimed but the job could not be
   * queued (the tick is spent; error says why); finished: max runs reached.
   */
  action: 'enqueued' | 'skipped' | 'claimed-elsewhere' | 'failed' | 'finished';
  jobId?: number;
  /** Workflow schedules: the run started. */
  runId?: number;
  /** False when the idempotency key found the tick's job already queued. */
  created?: boolean;
  /** Ticks that passed unfired before this one (counted up to 1000). */
  missed: number;
  nextRunAt: string | null;
  error?: string;
}

/** Moves next_run_at on only if nobody else did since we read it (compare-and-set). */
async function advance(app: Ratchet, s: ScheduleRecord, next: Date | null): Promise<boolean> {
  const res = await app.store.db
    .updateTable('schedules')
    .set({ next_run_at: next === null ? null : next.getTime(), updated_at: Date.now() })
    .where('id', '=', s.id)
    .where('next_run_at', '=', Date.parse(s.nextRunAt!))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

function countTicks(s: ScheduleRecord, from: Date, before: Date): number {
  let n = 0;
  for (let t: Date | null = from; t && t < before && n < 1000; n++) {
    t = nextCronRun(s.cronExpression, t, s.timezone);
  }
  return n;
}

async function runOne(app: Ratchet, s: ScheduleRecord, now: Date, graceMs: number): Promise<TickResult> {
  const due = new Date(s.nextRunAt!);
  const base = { scheduleId: s.id };
  if (s.maxRuns !== null && s.runCount >= s.maxRuns) {
    await advance(app, s, null);
    return { ...base, tick: due.toISOString(), action: 'finished', missed: 0, nextRunAt: null };
  }
  // The latest tick that is due; earlier due ticks are coalesced into it (one job per pass).
  const latest = lastCronRunAtOrBefore(s.cronExpression, now, s.timezone);
  const tick = latest && latest >= due ? latest : due;
  const next = nextCronRun(s.cronExpression, now, s.timezone);
  const missed = countTicks(s, due, tick);
  const late = now.getTime() - tick.getTime() > graceMs;
  if (late && s.missedRunPolicy !== 'run_once') {
    // `skip`: the scheduler was down past every due tick; none runs, the next future one will.
    const moved = await advance(app, s, next);
    return {
      ...base,
      tick: tick.toISOString(),
      action: moved ? 'skipped' : 'claimed-elsewhere',
      missed: missed + 1,
      nextRunAt: next?.toISOString() ?? null,
    };
  }
  const last = s.maxRuns !== null && s.runCount + 1 >= s.maxRuns;
  const nextRunAt = last ? null : next;
  if (!(await claimScheduleTick(app.store.db, s.id, tick, nextRunAt))) {
    return { ...base, tick: tick.toISOString(), action: 'claimed-elsewhere', missed, nextRunAt: null };
  }
  const done = { ...base, tick: tick.toISOString(), missed, nextRunAt: nextRunAt?.toISOString() ?? null };
  try {
    const fired = await fireSchedule(app, s, `schedule:${s.id}:${tick.toISOString()}`);
    const id = fired.kind === 'job' ? { jobId: fired.job.id } : { runId: fired.run.id };
    return { ...done, action: 'enqueued', ...id, created: fired.created };
  } catch (err) {
    // The tick stays spent: retrying a job the task rejects (bad input, no enabled version, full
    // queue, a deleted workflow) on every pass would flood the log; the next tick tries again.
    return { ...done, action: 'failed', error: err instanceof Error ? err.message : String(err) };
  }
}

/** Fires every due schedule once for `now`; one result per schedule looked at. */
export async function runDueSchedules(
  app: Ratchet,
  now: Date = new Date(),
  opts: TickOptions = {},
): Promise<TickResult[]> {
  const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
  const due = await listDueSchedules(app.store.db, now, opts.batch ?? 100);
  const results: TickResult[] = [];
  for (const s of due) results.push(await runOne(app, s, now, graceMs));
  return results;
}
