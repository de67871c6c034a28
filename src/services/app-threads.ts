// Worker threads an application starts for one request (test runs, quality tools), so its
// shutdown can end the ones still going: a thread stuck in a task must never hold the process up.
import type { Worker } from 'node:worker_threads';
import type { Ratchet } from './context.ts';
import { ShuttingDownError } from './errors.ts';

/** Tracks worker until `untrack` (returned) is called; `fail` settles its caller at shutdown. */
export function trackThread(app: Ratchet, worker: Worker, fail: (err: Error) => void): () => void {
  app.threads.set(worker, fail);
  return () => void app.threads.delete(worker);
}

/**
 * Ends every tracked thread of app (server shutdown): each caller gets a ShuttingDownError and
 * its thread is terminated by the caller's own clean-up.
 */
export function endAppThreads(app: Ratchet): void {
  for (const fail of [...app.threads.values()]) {
    fail(new ShuttingDownError('the server is shutting down; the run on this thread was stopped'));
  }
}
