// How fast an on-demand executor pool grows. A thread's start (Node's bootstrap, its modules, its
// first sandbox) costs some 100 ms of CPU, so starts are paced:
// - At most `maxStarting` threads start at a time (the cores but one). Eight at once on two cores
//   held the first result back ~430 ms (bench/peers' scenario: a 5,000 no-op backlog at
//   concurrency 8); one at a time, it came after ~150 ms. A start refused at this cap is owed: the
//   pool asks again when a starting thread is up.
// - No thread starts while the typical run is shorter than MIN_RUN_MS: such a run costs less than
//   the main thread's own share of each job (claim, dispatch, store: ~0.1 ms), so the main thread
//   is the limit and more threads only take CPU from it. In the same scenario eight threads made
//   ~4,800 jobs/s, and two (started before the first runs were timed) ~7,400. Dormant slots then
//   count as no capacity (`wakeable`), so claims are sized for the threads that run. When no run
//   has finished for STALL_MS (a long run holds the thread, with short ones queued behind it),
//   threads start again.
// - Before that verdict, once the first thread is up, the next waits while runs keep finishing
//   (none for STALL_MS ends the wait), unless a run took CLEARLY_LONG times MIN_RUN_MS: a pool of
//   8 on a 5,000 no-op backlog otherwise started its second thread as the first came up, before
//   any run was timed, and the start's CPU made the run ~80 ms longer (~440 → ~520 ms on 2
//   cores). A backlog of long runs starts its second thread up to STALL_MS later.
import { availableParallelism } from 'node:os';

/** A typical run shorter than this (ms) starts no further thread. */
export const MIN_RUN_MS = 0.25;
/** With no run finished for this long (ms), short runs no longer hold growth back. */
export const STALL_MS = 100;
/**
 * The typical run is the median of this many recent runs: a GC pause or a preempted thread makes
 * a single no-op run last 2-5 ms, and an average followed those.
 */
const RECENT_RUNS = 31;
/**
 * Runs timed before the typical run decides anything. A new thread's first no-op runs take
 * 0.1-2.6 ms while its code is cold (against ~0.03 warm): at 7, their median started threads that
 * short runs did not need.
 */
const FIRST_VERDICT = 15;
/** Before the verdict, a run this many times minRunMs shows runs are long (a GC pause is shorter). */
const CLEARLY_LONG = 40;
/** Runs between two reckonings of the typical run (capacity questions come with nearly every job). */
const RECKON_EVERY = 8;

/** One core stays with the main thread; the others may each start a thread at once. */
export const defaultMaxStarting = (): number => Math.max(1, availableParallelism() - 1);

export class ThreadGrowth {
  /** A start was refused at the cap since the last start. */
  owed = false;
  private readonly maxStarting: number;
  /** Durations (ms) of the latest runs, a ring; `timed` counts every run seen. */
  private readonly recent = new Float64Array(RECENT_RUNS);
  private timed = 0;
  /** The median of `recent` as last reckoned, and `timed` then. */
  private typical = 0;
  private reckonedAt = 0;
  private lastFinished = 0;
  /** When the first thread came up (performance.now()); until then no start is held back. */
  private firstUpAt: number | undefined;
  private readonly minRunMs: number;

  constructor(maxStarting = defaultMaxStarting(), minRunMs = MIN_RUN_MS) {
    this.maxStarting = Math.max(1, maxStarting);
    this.minRunMs = minRunMs;
  }

  /** A run took this long in its thread (a first run, slower while the thread is cold, is left out). */
  observe(durationMs: number): void {
    this.recent[this.timed++ % RECENT_RUNS] = durationMs;
    this.lastFinished = performance.now();
  }

  /** A thread is up and takes runs. */
  threadUp(): void {
    this.firstUpAt ??= performance.now();
  }

  /** True while runs are too short for another thread to help and they keep finishing. */
  holdsBack(): boolean {
    if (this.timed < FIRST_VERDICT) return this.awaitsVerdict();
    if (this.reckonedAt === 0 || this.timed - this.reckonedAt >= RECKON_EVERY) {
      const seen = Math.min(this.timed, RECENT_RUNS);
      this.typical = this.recent.slice(0, seen).sort()[seen >> 1]!;
      this.reckonedAt = this.timed;
    }
    return this.typical < this.minRunMs && performance.now() - this.lastFinished < STALL_MS;
  }

  /**
   * No verdict yet: with the first thread up, wait while runs keep finishing (at most STALL_MS
   * after the thread came up or a run last finished), unless a run timed so far was CLEARLY_LONG
   * times minRunMs. A run a little over minRunMs proves nothing yet: a new thread's first runs
   * are slow while its code is cold.
   */
  private awaitsVerdict(): boolean {
    if (this.firstUpAt === undefined) return false;
    for (let i = 0; i < this.timed; i++) if (this.recent[i]! >= CLEARLY_LONG * this.minRunMs) return false;
    return performance.now() - Math.max(this.lastFinished, this.firstUpAt) < STALL_MS;
  }

  /** Of `dormant` slots, how many may start a thread beside `live` threads (with none, one may). */
  wakeable(dormant: number, live: number): number {
    if (dormant === 0 || !this.holdsBack()) return dormant;
    return live === 0 ? Math.min(1, dormant) : 0;
  }

  /**
   * Whether a thread may start beside `live` threads of which `starting` are still starting:
   * 'cap' (refused, owed) or 'short' (refused while runs are short) or 'yes'.
   */
  mayStart(live: number, starting: number): 'yes' | 'cap' | 'short' {
    if (live === 0) return 'yes';
    if (this.holdsBack()) return 'short';
    if (starting >= this.maxStarting) {
      this.owed = true;
      return 'cap';
    }
    this.owed = false;
    return 'yes';
  }
}
