// Progress crosses from an executor thread to the main thread coalesced: a task may report progress
// in a tight loop, but only the latest event is kept and at most one is posted per interval, the
// first once the run is `liveAfterMs` old; the last one is always delivered, with the run's result
// (`take`). The thread is busy running the sandbox, so no timer can fire: `poll` is called from
// the run's cancel check, which the sandbox polls often (interrupt handler, timers, waits on fetch).
import type { ProgressEvent } from '../runtime/types.ts';
import { LIVE_AFTER_MS } from './messages.ts';

export const PROGRESS_INTERVAL_MS = 100;

export class ProgressCoalescer {
  private pending?: ProgressEvent;
  /** When the last event went, as far as the interval is concerned (the first goes liveAfterMs in). */
  private lastSent: number;
  private readonly send: (event: ProgressEvent) => void;
  private readonly intervalMs: number;

  /** Made when the run starts. */
  constructor(
    send: (event: ProgressEvent) => void,
    intervalMs = PROGRESS_INTERVAL_MS,
    liveAfterMs = LIVE_AFTER_MS,
  ) {
    this.send = send;
    this.intervalMs = intervalMs;
    this.lastSent = performance.now() - intervalMs + liveAfterMs;
  }

  report(event: ProgressEvent): void {
    this.pending = event;
    this.poll();
  }

  /** Posts the pending event when the interval since the last post has passed. */
  poll(): void {
    if (this.pending === undefined || performance.now() - this.lastSent < this.intervalMs) return;
    const event = this.take()!;
    this.lastSent = performance.now();
    this.send(event);
  }

  /** The pending event, no longer pending (the run ended: its final progress goes with the result). */
  take(): ProgressEvent | undefined {
    const event = this.pending;
    this.pending = undefined;
    return event;
  }
}
