// Progress crosses from an executor thread to the main thread coalesced: a task may report progress
// in a tight loop, but only the latest event is kept and at most one is posted per interval; the
// last one is always delivered (flush) before the run's result. The thread is busy running the
// sandbox, so no timer can fire: `poll` is called from the run's cancel check, which the sandbox
// polls often (interrupt handler, timers, waits on fetch).
import type { ProgressEvent } from '../runtime/types.ts';

export const PROGRESS_INTERVAL_MS = 100;

export class ProgressCoalescer {
  private pending?: ProgressEvent;
  private lastSent = -Infinity;
  private readonly send: (event: ProgressEvent) => void;
  private readonly intervalMs: number;

  constructor(send: (event: ProgressEvent) => void, intervalMs = PROGRESS_INTERVAL_MS) {
    this.send = send;
    this.intervalMs = intervalMs;
  }

  report(event: ProgressEvent): void {
    this.pending = event;
    this.poll();
  }

  /** Posts the pending event when the interval since the last post has passed. */
  poll(): void {
    if (this.pending !== undefined && performance.now() - this.lastSent >= this.intervalMs) this.flush();
  }

  /** Posts the pending event now (the run ended: its final progress must arrive). */
  flush(): void {
    const event = this.pending;
    if (event === undefined) return;
    this.pending = undefined;
    this.lastSent = performance.now();
    this.send(event);
  }
}
