// Simulated network time for runs whose fetches are answered locally (mocks, a replayed recording),
// so a profile shows what a slow endpoint costs: each answer is held back until the request has
// taken `delayMs`, and its recorded duration says so. A delay past the request's own time budget
// ends like a real request would: a TimeoutError after that budget.
import type { HttpExchange, SyncFetch } from '../http/types.ts';
import { sleepMs } from '../runtime/sleep.ts';

/** `delay` is a fixed number of milliseconds, or one per answered exchange (e.g. its recorded duration). */
export function withNetworkDelay(
  fetch: SyncFetch,
  delay: number | ((answer: HttpExchange) => number),
): SyncFetch {
  return (request, timeoutMs) => {
    const started = performance.now();
    const answer = fetch(request, timeoutMs);
    const wanted = typeof delay === 'number' ? delay : delay(answer);
    const left = (ms: number) => ms - (performance.now() - started);
    // sleepMs counts whole Date.now() milliseconds: go on until the finer clock agrees.
    const waitUntil = (ms: number): void => {
      for (let rest = left(ms); rest > 0; rest = left(ms)) sleepMs(Math.max(1, Math.ceil(rest)));
    };
    if (wanted > timeoutMs) {
      waitUntil(timeoutMs);
      return {
        request,
        error: { type: 'TimeoutError', message: `request to ${request.url} timed out after ${timeoutMs} ms` },
        startedAt: answer.startedAt,
        durationMs: performance.now() - started,
      };
    }
    waitUntil(wanted);
    return { ...answer, durationMs: performance.now() - started };
  };
}
