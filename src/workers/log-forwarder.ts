// Log lines cross from an executor thread to the main thread while the task runs, so live views
// (GraphQL executionUpdated, REST's execution SSE) show them as they happen. The rate is bounded:
// lines are batched and at most one batch is posted per interval, holding at most
// LOG_LINES_PER_BATCH lines (the rest of a burst is counted as dropped, not sent: every line is
// still stored with the result). Like progress (progress-coalescer.ts), the thread is busy in the
// sandbox and no timer fires, so `poll` runs from the cancel check the sandbox calls often.
import type { LogEntry } from '../runtime/types.ts';

export const LOG_INTERVAL_MS = 100;
export const LOG_LINES_PER_BATCH = 50;

export class LogForwarder {
  private pending: LogEntry[] = [];
  private dropped = 0;
  private lastSent = -Infinity;
  private readonly send: (entries: LogEntry[], dropped: number) => void;
  private readonly intervalMs: number;
  private readonly maxLines: number;

  constructor(
    send: (entries: LogEntry[], dropped: number) => void,
    intervalMs = LOG_INTERVAL_MS,
    maxLines = LOG_LINES_PER_BATCH,
  ) {
    this.send = send;
    this.intervalMs = intervalMs;
    this.maxLines = maxLines;
  }

  report(entry: LogEntry): void {
    if (this.pending.length < this.maxLines) this.pending.push(entry);
    else this.dropped++;
    this.poll();
  }

  /** Posts the pending batch when the interval since the last post has passed. */
  poll(): void {
    if (this.pending.length + this.dropped > 0 && performance.now() - this.lastSent >= this.intervalMs)
      this.flush();
  }

  /** Posts the pending batch now (the run ended). */
  flush(): void {
    if (this.pending.length + this.dropped === 0) return;
    const entries = this.pending;
    const dropped = this.dropped;
    this.pending = [];
    this.dropped = 0;
    this.lastSent = performance.now();
    this.send(entries, dropped);
  }
}
