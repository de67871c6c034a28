// Log lines cross from an executor thread to the main thread while the task runs, so live views
// (GraphQL executionUpdated, REST's execution SSE) show them as they happen. The rate is bounded:
// lines are batched and at most one batch is posted per interval, holding at most
// LOG_LINES_PER_BATCH lines (the rest of a burst is counted as dropped, not sent: every line is
// still stored with the result). The first batch waits until the run is `liveAfterMs` old, and
// what is pending when the run ends travels with its result (`take`): a quick run sends no message
// of its own for its lines. Like progress (progress-coalescer.ts), the thread is busy in the
// sandbox and no timer fires, so `poll` runs from the cancel check the sandbox calls often.
import type { LogEntry } from '../runtime/types.ts';
import { LIVE_AFTER_MS } from './messages.ts';

export const LOG_INTERVAL_MS = 100;
export const LOG_LINES_PER_BATCH = 50;

export class LogForwarder {
  private pending: LogEntry[] = [];
  private dropped = 0;
  /** When the last batch went, as far as the interval is concerned (the first goes liveAfterMs in). */
  private lastSent: number;
  private readonly send: (entries: LogEntry[], dropped: number) => void;
  private readonly intervalMs: number;
  private readonly maxLines: number;

  /** Made when the run starts. */
  constructor(
    send: (entries: LogEntry[], dropped: number) => void,
    intervalMs = LOG_INTERVAL_MS,
    maxLines = LOG_LINES_PER_BATCH,
    liveAfterMs = LIVE_AFTER_MS,
  ) {
    this.send = send;
    this.intervalMs = intervalMs;
    this.maxLines = maxLines;
    this.lastSent = performance.now() - intervalMs + liveAfterMs;
  }

  report(entry: LogEntry): void {
    if (this.pending.length < this.maxLines) this.pending.push(entry);
    else this.dropped++;
    this.poll();
  }

  /** Posts the pending batch when the interval since the last post has passed. */
  poll(): void {
    if (performance.now() - this.lastSent < this.intervalMs) return;
    const batch = this.take();
    if (!batch) return;
    this.lastSent = performance.now();
    this.send(batch.entries, batch.dropped);
  }

  /** The pending batch, no longer pending (the run ended: it goes with the result). */
  take(): { entries: LogEntry[]; dropped: number } | undefined {
    if (this.pending.length + this.dropped === 0) return undefined;
    const batch = { entries: this.pending, dropped: this.dropped };
    this.pending = [];
    this.dropped = 0;
    return batch;
  }
}
