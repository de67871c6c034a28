// The scheduler loop: runs a pass (runDueSchedules), then sleeps until the earliest next run or
// the interval, whichever is sooner, so new or changed schedules are noticed within the interval.
// Any number of nodes may run it; tick claiming keeps jobs exactly-once.
import type { Ratchet } from '../context.ts';
import { runDueSchedules } from './tick.ts';
import type { TickOptions, TickResult } from './tick.ts';

export interface SchedulerOptions extends TickOptions {
  /** The time source; tests inject a fake clock. */
  clock?: () => Date;
  /** Longest sleep between passes (default 5 s). */
  intervalMs?: number;
  onTick?: (results: TickResult[]) => void;
  /** A pass that failed (database unreachable, …); the loop carries on. Default: one line on stderr. */
  onError?: (err: unknown) => void;
}

export interface SchedulerHandle {
  /** Runs a pass now (after any pass in progress) instead of waiting. */
  wake(): Promise<void>;
  /** Stops the loop and waits for a pass in progress. */
  stop(): Promise<void>;
}

async function earliestNextRun(app: Ratchet): Promise<number | null> {
  const row = await app.store.db
    .selectFrom('schedules')
    .select((eb) => eb.fn.min('next_run_at').as('next'))
    .where('enabled', '=', true)
    .executeTakeFirst();
  return row?.next == null ? null : Number(row.next);
}

export function startScheduler(app: Ratchet, opts: SchedulerOptions = {}): SchedulerHandle {
  const clock = opts.clock ?? (() => new Date());
  const intervalMs = opts.intervalMs ?? 5000;
  const onError =
    opts.onError ??
    ((err: unknown) =>
      process.stderr.write(
        `warning: scheduler pass failed: ${err instanceof Error ? err.message : String(err)}\n`,
      ));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const pass = async (): Promise<void> => {
    clearTimeout(timer);
    if (stopped) return;
    let delay = intervalMs;
    try {
      const results = await runDueSchedules(app, clock(), opts);
      opts.onTick?.(results);
      const next = await earliestNextRun(app);
      if (next !== null) delay = Math.max(0, Math.min(intervalMs, next - clock().getTime()));
    } catch (err) {
      onError(err);
    }
    // Past-due schedules that a pass could not fire (batch limit) must not spin the loop hot.
    if (!stopped) timer = setTimeout(schedule, Math.max(delay, 10));
  };
  const schedule = (): void => {
    running = running.then(pass);
  };

  schedule();
  return {
    wake() {
      schedule();
      return running;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
