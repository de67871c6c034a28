// Results of quick runs leave an executor thread in groups. Each message to the main thread wakes
// it, and on a busy machine posting one cost the thread ~10 µs of a no-op job's ~50 (a bare worker
// posting result-sized messages: 13 µs a post alone, 1.4 µs a result in groups of 16, and the main
// thread's handling 6.5 → 2 µs a result). A result waits only while the thread goes straight on to
// another run of the same task version whose last run was quick, and never long: the group leaves
// when the thread's queue is empty (so a lone job's latency is unchanged), when it is full (in
// results or in output text) or a few milliseconds old, and before any other message (progress,
// log lines, a pong), so the main thread sees each run's messages in the order the thread sent
// them. The next run may turn out slow: the sandbox's interrupt checks during it (`poll`) send
// what has waited HOLD_MS.
//
// What waiting risks: a thread replaced while it runs (the watchdog ends a run stuck where no
// interrupt check comes) takes the results it holds with it, and the pool fails those runs as it
// fails the running one. Holding only behind quick runs of the same version, and polling, keeps
// that to a few milliseconds of results of a version whose runs just took under QUICK_MS.
import type { FromThread, ResultItem } from './messages.ts';

/** Results held at most. */
export const HOLD_MAX = 16;
/** Output text held at most (characters): a group of large outputs leaves early, so no message grows large. */
export const HOLD_OUTPUT_CHARS = 256 * 1024;
/** The oldest held result waits at most this long (ms) for company. */
export const HOLD_MS = 2;
/** A run that took longer (ms) sends the results at once: the next run of its version may be slow too. */
export const QUICK_MS = 0.5;

export interface FinishedRun {
  versionId: number;
  tookMs: number;
}

export class ResultBatch {
  private held: ResultItem[] = [];
  private since = 0;
  private outputChars = 0;
  private readonly send: (m: FromThread) => void;
  private readonly now: () => number;

  /** `now`: milliseconds on a monotonic clock (tests pass their own). */
  constructor(send: (m: FromThread) => void, now: () => number = () => performance.now()) {
    this.send = send;
    this.now = now;
  }

  add(item: ResultItem): void {
    if (this.held.length === 0) this.since = this.now();
    this.held.push(item);
    this.outputChars += item.result.outputJson?.length ?? 0;
  }

  /** After a run: the results wait only for a quick next run of the same version (see above). */
  settle(finished: FinishedRun, next: { versionId: number } | undefined): void {
    const wait =
      next !== undefined &&
      next.versionId === finished.versionId &&
      finished.tookMs < QUICK_MS &&
      this.held.length < HOLD_MAX &&
      this.outputChars < HOLD_OUTPUT_CHARS &&
      this.now() - this.since < HOLD_MS;
    if (!wait) this.flush();
  }

  /** During a run (its interrupt checks): results that have waited HOLD_MS leave. */
  poll(): void {
    if (this.held.length > 0 && this.now() - this.since >= HOLD_MS) this.flush();
  }

  flush(): void {
    if (this.held.length === 0) return;
    const results = this.held;
    this.held = [];
    this.outputChars = 0;
    this.send({ type: 'results', results });
  }

  /** Any other message, after the results held before it. */
  post(m: FromThread): void {
    this.flush();
    this.send(m);
  }
}
