// Worker threads an application starts for one request (test runs, quality tools), so its
// shutdown can end the ones still going: a thread stuck in a task must never hold the process up.
import type { Worker } from 'node:worker_threads';
import type { Ratchet } from '../app.ts';
import { ShuttingDownError } from './errors.ts';

const threads = new WeakMap<Ratchet, Map<Worker, (err: Error) => void>>();

/** Tracks worker until `untrack` (returned) is called; `fail` settles its caller at shutdown. */
export function trackThread(app: Ratchet, worker: Worker, fail: (err: Error) => void): () => void {
  let mine = threads.get(app);
  if (!mine) threads.set(app, (mine = new Map()));
  const set = mine;
  set.set(worker, fail);
  return () => void set.delete(worker);
}

/**
 * Ends every tracked thread of app (server shutdown): each caller gets a ShuttingDownError and
 * its thread is terminated by the caller's own clean-up.
 */
export function endAppThreads(app: Ratchet): void {
  const mine = threads.get(app);
  if (!mine) return;
  for (const fail of [...mine.values()]) {
    fail(new ShuttingDownError('the server is shutting down; the run on this thread was stopped'));
  }
}
