// Time and randomness the queue reads, injectable so retry timing is testable without sleeping.
import { backoffDelay } from '../backoff.ts';

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
  const delay = backoffDelay({ initialMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, attempt - 1);
  return Math.round(delay * (0.5 + random()));
}

/** Error types a retry cannot fix: bad input or data stays bad. */
export const NON_RETRYABLE_ERRORS: ReadonlySet<string> = new Set([
  'ValidationError',
  'DataError',
  // The task would return the same too-deep or too-large value again (tasks/value-limits.ts,
  // queue/fit-result.ts).
  'OutputLimitError',
  'ResultTooLargeError',
  'ResultStoreError',
]);

/** 4xx statuses that can pass on their own: a request timeout and rate limiting. */
const TRANSIENT_CLIENT_STATUSES: ReadonlySet<number> = new Set([408, 429]);

/**
 * Whether a failed attempt may succeed if run again. Not for bad input or data, nor for an
 * HttpError with a 4xx status (404, 400, 401, …: the same request gets the same answer), except
 * 408 and 429, which say "later".
 */
export function isRetryableError(error: { type?: string; status?: unknown } | null | undefined): boolean {
  const type = error?.type ?? 'Error';
  if (NON_RETRYABLE_ERRORS.has(type)) return false;
  const status = error?.status;
  if (type === 'HttpError' && typeof status === 'number' && status >= 400 && status < 500)
    return TRANSIENT_CLIENT_STATUSES.has(status);
  return true;
}
