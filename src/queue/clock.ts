// Time and randomness the queue reads, injectable so retry timing is testable without sleeping.
export interface QueueClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Uniform in [0, 1), for backoff jitter. */
  random(): number;
}

export const systemClock: QueueClock = { now: () => Date.now(), random: () => Math.random() };

export interface RetryPolicy {
  /** Delay before the first retry (server.job_queue.default_retry_delay). */
  baseDelayMs: number;
  /** Upper bound before jitter (server.job_queue.max_retry_delay). */
  maxDelayMs: number;
}

/**
 * Delay before retrying after failed attempt `attempt` (1-based):
 * min(max, base · 2^(attempt−1)) · jitter, jitter uniform in [0.5, 1.5) so that jobs failing together
 * do not retry in lockstep.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exponential = policy.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  return Math.round(Math.min(policy.maxDelayMs, exponential) * (0.5 + random()));
}

/** Error types a retry cannot fix: bad input or data stays bad. */
export const NON_RETRYABLE_ERRORS: ReadonlySet<string> = new Set(['ValidationError', 'DataError']);
