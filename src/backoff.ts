// Exponential backoff, the one formula every retry loop uses: queue retries (with jitter on top,
// queue/clock.ts), webhook deliveries, executor-thread restarts, the LISTEN reconnect and result
// writes while the database is away. A leaf module: anything may import it.

export interface Backoff {
  /** The first delay. */
  initialMs: number;
  /** Growth per step (default 2). */
  multiplier?: number;
  /** The cap. */
  maxMs: number;
}

/** The delay before retry number `step` (0 for the first retry): min(max, initial · multiplier^step). */
export function backoffDelay(b: Backoff, step: number): number {
  return Math.min(b.maxMs, b.initialMs * (b.multiplier ?? 2) ** Math.max(0, step));
}
